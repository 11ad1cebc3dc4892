using System.Security.Cryptography;
using System.Text;
using MlLedger.Domain.Deployments;
using MlLedger.Domain.Policies;
using MlLedger.Policies.Documents;

namespace MlLedger.Policies;

/// <summary>
/// The loaded policies and the environment-to-stage mapping, with the files they came from and the set's digest.
/// <para>
/// Digest: SHA-256 over a manifest with one line per file, sorted by name (ordinal): the file's SHA-256 in lower
/// hex, two spaces, its name, a line feed, i.e. what <c>sha256sum</c> prints. File text is taken as UTF-8 with any
/// byte-order mark removed and CRLF turned into LF, so a checkout on any OS gives the same digest.
/// </para>
/// </summary>
public sealed class PolicySet
{
    /// <summary>Files whose names end so are example cases, kept next to the policies but not part of the set.</summary>
    public const string TestFileSuffix = ".test.yaml";

    private PolicySet(IReadOnlyList<PolicyFile> files, IReadOnlyList<Policy> policies, EnvironmentStages environments)
    {
        Files = files;
        Policies = policies;
        Environments = environments;
        Digest = DigestOf(files);
    }

    public string Digest { get; }

    public IReadOnlyList<PolicyFile> Files { get; }

    /// <summary>The policies, ordered by id.</summary>
    public IReadOnlyList<Policy> Policies { get; }

    public EnvironmentStages Environments { get; }

    /// <summary>Loads every <c>*.yaml</c>/<c>*.yml</c> file directly in <paramref name="directory"/> except example cases.</summary>
    /// <exception cref="PolicyLoadException">Any file is malformed, or the set is incomplete.</exception>
    public static PolicySet Load(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory))
        {
            throw new PolicyLoadException([new PolicyDiagnostic(directory, 1, 1, "the policy directory does not exist.")]);
        }

        return FromFiles(PolicyFiles(directory).Select(path => (Path.GetFileName(path), File.ReadAllBytes(path))));
    }

    /// <summary>The policy documents of a directory (not example cases), by name.</summary>
    public static IReadOnlyList<string> PolicyFiles(string directory) =>
    [
        .. Directory.EnumerateFiles(directory)
            .Where(p => IsYaml(p) && !IsTestFile(p))
            .OrderBy(p => Path.GetFileName(p), StringComparer.Ordinal),
    ];

    /// <summary>A YAML file name (".yaml" or ".yml", in any case): a policy document or an example-case file.</summary>
    public static bool IsYaml(string path) =>
        path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);

    public static bool IsTestFile(string path) =>
        path.EndsWith(TestFileSuffix, StringComparison.OrdinalIgnoreCase) || path.EndsWith(".test.yml", StringComparison.OrdinalIgnoreCase);

    /// <summary>Builds a set from file names and bytes (files on disk, or the files of a published set).</summary>
    public static PolicySet FromFiles(IEnumerable<(string Name, byte[] Bytes)> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var normalized = files
            .Select(f => Normalize(f.Name, f.Bytes))
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToList();
        if (normalized.GroupBy(f => f.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            // one name, two contents: the manifest, and so the digest, would not say which file is which
            throw new PolicyLoadException([new PolicyDiagnostic(twice.Key, 1, 1, "two files of the set have this name.")]);
        }

        return Compile(normalized);
    }

    /// <summary>Rebuilds the set a <see cref="PolicySetPublished"/> entry recorded, checking every digest on the way.</summary>
    public static PolicySet FromPublished(PolicySetPublished published)
    {
        ArgumentNullException.ThrowIfNull(published);
        var set = FromFiles(published.Files.Select(f => (f.Name, Encoding.UTF8.GetBytes(f.Content))));
        foreach (var file in published.Files)
        {
            var rebuilt = set.Files.Single(f => f.Name == file.Name);
            if (!string.Equals(rebuilt.Sha256, file.Sha256, StringComparison.Ordinal))
            {
                throw new PolicyLoadException($"published file {file.Name} has sha256 {rebuilt.Sha256}, not the recorded {file.Sha256}.");
            }
        }

        return string.Equals(set.Digest, published.Digest, StringComparison.Ordinal)
            ? set
            : throw new PolicyLoadException($"the published files have digest {set.Digest}, not the recorded {published.Digest}.");
    }

    public static string DigestOf(IEnumerable<PolicyFile> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var manifest = new StringBuilder();
        foreach (var file in files.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            manifest.Append(file.Sha256).Append("  ").Append(file.Name).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(manifest.ToString())));
    }

    private static PolicyFile Normalize(string name, byte[] bytes)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('/', StringComparison.Ordinal) || name.Contains('\n', StringComparison.Ordinal))
        {
            throw new PolicyLoadException([new PolicyDiagnostic(name, 1, 1, "a policy file name must be a plain file name.")]);
        }

        var text = PolicyText.Decode(name, bytes);
        var sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        return new PolicyFile(name, sha, text);
    }

    private static PolicySet Compile(List<PolicyFile> files)
    {
        var diagnostics = new List<PolicyDiagnostic>();
        var policies = new List<Policy>();
        var environments = new List<(string File, EnvironmentStages Stages)>();
        foreach (var file in files)
        {
            var parsed = PolicyFileParser.Parse(file.Name, file.Content);
            diagnostics.AddRange(parsed.Diagnostics);
            if (parsed.Policy is { } policy)
            {
                policies.Add(policy);
            }

            if (parsed.Environments is { } stages)
            {
                environments.Add((file.Name, stages));
            }
        }

        foreach (var duplicate in policies.GroupBy(p => p.Id, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            diagnostics.Add(new PolicyDiagnostic(duplicate.Last().File, 1, 1,
                $"policy id '{duplicate.Key}' is also used by {string.Join(", ", duplicate.SkipLast(1).Select(p => p.File))}."));
        }

        if (environments.Count != 1 && diagnostics.Count == 0)
        {
            diagnostics.Add(environments.Count == 0
                ? new PolicyDiagnostic(files.Count == 0 ? "(policy directory)" : files[0].Name, 1, 1,
                    "the policy set has no EnvironmentStages document, so no deployment could be placed in a stage.")
                : new PolicyDiagnostic(environments[1].File, 1, 1,
                    $"only one EnvironmentStages document is allowed; {environments[0].File} is the other."));
        }

        if (policies.Count == 0 && diagnostics.Count == 0)
        {
            diagnostics.Add(new PolicyDiagnostic(files.Count == 0 ? "(policy directory)" : files[0].Name, 1, 1,
                "the policy set has no Policy document: no promotion could ever be allowed."));
        }

        return diagnostics.Count > 0
            ? throw new PolicyLoadException(diagnostics)
            : new PolicySet(files, [.. policies.OrderBy(p => p.Id, StringComparer.Ordinal)], environments[0].Stages);
    }
}
