using System.Globalization;
using System.Text;

namespace MlLedger.Integrity.Checkpoints;

/// <summary>
/// A C2SP tlog-checkpoint body: the origin line, the tree size in decimal, the base64 root hash, then optional
/// non-empty extension lines; every line ends in '\n'.
/// </summary>
public sealed record Checkpoint(string Origin, long Size, byte[] RootHash, IReadOnlyList<string> Extensions)
{
    /// <summary>The body text, byte for byte as it is signed.</summary>
    /// <exception cref="InvalidOperationException">A field cannot be written as a checkpoint line.</exception>
    public string ToBody()
    {
        if (Describe() is { } problem)
        {
            throw new InvalidOperationException($"Checkpoint cannot be written: {problem}");
        }

        var body = new StringBuilder()
            .Append(Origin).Append('\n')
            .Append(Size.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append(Convert.ToBase64String(RootHash)).Append('\n');
        foreach (string extension in Extensions)
        {
            body.Append(extension).Append('\n');
        }

        return body.ToString();
    }

    /// <summary>Reads a checkpoint body (the text of a signed note, without its signatures).</summary>
    /// <exception cref="FormatException">The body is not a tlog-checkpoint.</exception>
    public static Checkpoint Parse(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (!body.EndsWith('\n'))
        {
            throw new FormatException("Checkpoint body does not end with a newline.");
        }

        string[] lines = body[..^1].Split('\n');
        if (lines.Length < 3)
        {
            throw new FormatException($"Checkpoint body has {lines.Length} line(s); origin, size and root hash are required.");
        }

        string origin = lines[0];
        if (origin.Length == 0)
        {
            throw new FormatException("Checkpoint origin line is empty.");
        }

        long size = ParseSize(lines[1]);

        if (lines[2].Length == 0 || !CanonicalBase64.TryDecode(lines[2], out byte[] rootHash))
        {
            throw new FormatException($"Checkpoint root hash line is not standard base64: \"{lines[2]}\".");
        }

        string[] extensions = lines[3..];
        int empty = Array.IndexOf(extensions, string.Empty);
        if (empty >= 0)
        {
            throw new FormatException($"Checkpoint extension line {empty + 4} is empty.");
        }

        return new Checkpoint(origin, size, rootHash, extensions.AsReadOnly());
    }

    /// <summary>Value equality: the same origin, size, root hash bytes and extension lines.</summary>
    public bool Equals(Checkpoint? other) =>
        other is not null
        && string.Equals(Origin, other.Origin, StringComparison.Ordinal)
        && Size == other.Size
        && (RootHash ?? []).AsSpan().SequenceEqual(other.RootHash ?? [])
        && (Extensions ?? []).SequenceEqual(other.Extensions ?? [], StringComparer.Ordinal);

    public override int GetHashCode() => HashCode.Combine(Origin, Size, RootHash?.Length, Extensions?.Count);

    /// <summary>Why the fields cannot be written as a body, or null when they can.</summary>
    internal string? Describe()
    {
        if (string.IsNullOrEmpty(Origin) || Origin.Contains('\n', StringComparison.Ordinal))
        {
            return "the origin must be one non-empty line.";
        }

        if (Size < 0)
        {
            return $"the size {Size} is negative.";
        }

        if (RootHash is not { Length: > 0 })
        {
            return "the root hash is empty.";
        }

        if (Extensions is null || Extensions.Any(e => string.IsNullOrEmpty(e) || e.Contains('\n', StringComparison.Ordinal)))
        {
            return "every extension must be one non-empty line.";
        }

        return null;
    }

    /// <summary>Decimal digits only, no sign, no leading zero (except "0"), within <see cref="long"/>.</summary>
    private static long ParseSize(string line)
    {
        bool digitsOnly = line.Length > 0 && line.All(char.IsAsciiDigit);
        if (!digitsOnly || (line.Length > 1 && line[0] == '0'))
        {
            throw new FormatException($"Checkpoint size line is not a decimal number without sign or leading zeros: \"{line}\".");
        }

        if (!long.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out long size))
        {
            throw new FormatException($"Checkpoint size {line} is too large.");
        }

        return size;
    }
}
