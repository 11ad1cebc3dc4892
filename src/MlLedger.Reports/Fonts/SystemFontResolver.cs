using System.Security.Cryptography;
using PdfSharp.Fonts;

namespace MlLedger.Reports.Fonts;

/// <summary>
/// Resolves the report fonts (DejaVu Sans, Sans Bold, Sans Mono, Sans Mono Bold) from the fonts installed on the
/// machine. Reports embed these fonts, so the same files give the same PDF bytes; another version of the font
/// package gives other bytes. <see cref="Digests"/> names the files that were loaded, for the report to print.
/// </summary>
public sealed class SystemFontResolver : IFontResolver
{
    public const string Sans = "DejaVu Sans";
    public const string Mono = "DejaVu Sans Mono";
    public const string DebianPackage = "fonts-dejavu-core";

    static readonly string[] SearchRoots =
    [
        "/usr/share/fonts/truetype/dejavu",
        "/usr/share/fonts",
        "/usr/local/share/fonts",
        "/usr/share/fonts/dejavu",
        "/Library/Fonts",
        "C:\\Windows\\Fonts",
    ];

    static readonly (string Face, string File)[] FileOfFace =
    [
        ("DejaVuSans", "DejaVuSans.ttf"),
        ("DejaVuSans-Bold", "DejaVuSans-Bold.ttf"),
        ("DejaVuSansMono", "DejaVuSansMono.ttf"),
        ("DejaVuSansMono-Bold", "DejaVuSansMono-Bold.ttf"),
    ];

    readonly Dictionary<string, byte[]> _faces;

    SystemFontResolver(Dictionary<string, byte[]> faces, IReadOnlyList<FontFileDigest> digests)
    {
        _faces = faces;
        Digests = digests;
    }

    /// <summary>The SHA-256 of every font file loaded, one per face, in a fixed order (regular, bold, mono, mono bold).</summary>
    public IReadOnlyList<FontFileDigest> Digests { get; }

    /// <summary>Loads every face the reports use from the usual font directories.</summary>
    public static SystemFontResolver Load() => Load(SearchRoots);

    /// <summary>Loads every face the reports use from <paramref name="directories"/> (searched recursively, in order),
    /// or throws naming the first missing file and the package that has it.</summary>
    public static SystemFontResolver Load(IReadOnlyList<string> directories)
    {
        var roots = directories;
        var faces = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var digests = new List<FontFileDigest>();
        foreach (var (face, file) in FileOfFace)
        {
            var path = Find(file, roots) ?? throw new FileNotFoundException(
                $"The report font file {file} was not found under {string.Join(", ", roots)}. " +
                $"Install it (Debian/Ubuntu: apt-get install {DebianPackage}).", file);
            var bytes = File.ReadAllBytes(path);
            faces[face] = bytes;
            digests.Add(new FontFileDigest(file, Convert.ToHexStringLower(SHA256.HashData(bytes))));
        }
        return new SystemFontResolver(faces, digests);
    }

    static string? Find(string file, IEnumerable<string> roots)
    {
        foreach (var root in roots.Where(Directory.Exists))
        {
            var direct = Path.Combine(root, file);
            if (File.Exists(direct)) return direct;
            try
            {
                var found = Directory.EnumerateFiles(root, file, SearchOption.AllDirectories).Order(StringComparer.Ordinal).FirstOrDefault();
                if (found is not null) return found;
            }
            catch (UnauthorizedAccessException)
            {
                // A directory we may not read cannot hold our font; keep looking elsewhere.
            }
        }
        return null;
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic)
    {
        var mono = familyName.Contains("Mono", StringComparison.OrdinalIgnoreCase);
        var face = (mono ? "DejaVuSansMono" : "DejaVuSans") + (bold ? "-Bold" : "");
        // No italic faces are embedded: an italic request is drawn with the upright face, slanted by PDFsharp.
        return new FontResolverInfo(face, false, italic);
    }

    public byte[]? GetFont(string faceName) => _faces.TryGetValue(faceName, out var bytes) ? bytes : null;
}
