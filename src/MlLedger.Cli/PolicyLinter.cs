using System.Text;
using System.Text.Json;
using MlLedger.Policies;
using MlLedger.Policies.Documents;
using MlLedger.Policies.Testing;

namespace MlLedger.Cli;

/// <summary>
/// <c>mlledger policy lint</c>: every problem in policy documents and example-case files, each with the position
/// to open. A directory is linted as a policy set (its documents, the checks <see cref="PolicySet.Load"/> makes
/// across them, and its <c>*.test.yaml</c> files); a single file is linted on its own.
/// </summary>
internal sealed class PolicyLinter(TextWriter output, TextWriter error)
{
    /// <summary>What <see cref="PolicySet.Load"/> names as the file of a problem with the whole (empty) directory.</summary>
    private const string NoFile = "(policy directory)";

    public int Run(IReadOnlyList<string> paths, string format)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var missing = paths.Where(p => !Directory.Exists(p) && !File.Exists(p)).ToList();
        var notYaml = paths.Where(p => File.Exists(p) && !PolicySet.IsYaml(p)).ToList();
        foreach (var path in missing)
        {
            error.WriteLine($"mlledger policy lint: {path}: no such file or directory");
        }

        foreach (var path in notYaml)
        {
            error.WriteLine($"mlledger policy lint: {path}: not a policy file (expected a .yaml or .yml file, or a directory)");
        }

        if (missing.Count > 0 || notYaml.Count > 0)
        {
            return ExitCodes.UsageOrConnection;
        }

        var problems = new List<PolicyDiagnostic>();
        var files = 0;
        foreach (var path in paths)
        {
            var (linted, found) = Directory.Exists(path) ? LintDirectory(path) : (1, LintFile(path));
            files += linted;
            problems.AddRange(found);
        }

        // file by file, as found; within a file, top to bottom
        problems = [.. problems.GroupBy(p => p.File, StringComparer.Ordinal).SelectMany(g => g.OrderBy(p => p.Line).ThenBy(p => p.Column))];

        if (format == OutputFormats.Json)
        {
            output.WriteLine(JsonSerializer.Serialize(new LintReport(problems.Count == 0, problems), OutputFormats.JsonOptions));
        }
        else
        {
            foreach (var problem in problems)
            {
                output.WriteLine(problem.ToString());
            }

            var checkedFiles = $"{files} file{(files == 1 ? "" : "s")} checked";
            output.WriteLine(problems.Count == 0
                ? $"{checkedFiles}: no problems"
                : $"{checkedFiles}: {problems.Count} problem{(problems.Count == 1 ? "" : "s")} in {problems.Select(p => p.File).Distinct(StringComparer.Ordinal).Count()} file(s)");
        }

        return problems.Count == 0 ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private static (int Files, List<PolicyDiagnostic> Problems) LintDirectory(string directory)
    {
        var documents = PolicySet.PolicyFiles(directory);
        var cases = PolicyCases.Files(directory);
        var problems = new List<PolicyDiagnostic>();
        foreach (var path in documents)
        {
            problems.AddRange(ParseDocument(Path.GetFileName(path), File.ReadAllBytes(path)));
        }

        try
        {
            PolicySet.Load(directory);
        }
        catch (PolicyLoadException e)
        {
            // the per-file problems again, and what only shows across files: duplicate ids, the environment mapping
            problems.AddRange(e.Diagnostics.Where(d => !problems.Contains(d)));
        }

        foreach (var path in cases)
        {
            problems.AddRange(ReadCases(Path.GetFileName(path), File.ReadAllBytes(path)));
        }

        return (documents.Count + cases.Count, [.. problems.Select(p => p with { File = DisplayPath(directory, p.File) })]);
    }

    private static List<PolicyDiagnostic> LintFile(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var found = PolicySet.IsTestFile(path) ? ReadCases(path, bytes) : ParseDocument(path, bytes);
        return [.. found];
    }

    private static IEnumerable<PolicyDiagnostic> ParseDocument(string name, byte[] bytes) =>
        PolicyText.TryDecode(name, bytes, out var text) is { } invalid ? [invalid] : PolicyFileParser.Parse(name, text).Diagnostics;

    private static IEnumerable<PolicyDiagnostic> ReadCases(string name, byte[] bytes)
    {
        if (PolicyText.TryDecode(name, bytes, out var text) is { } invalid)
        {
            return [invalid];
        }

        try
        {
            PolicyCases.Read(name, text);
            return [];
        }
        catch (PolicyLoadException e)
        {
            return e.Diagnostics;
        }
    }

    /// <summary>A problem's file as the user would open it: the directory they named, joined with the file name.</summary>
    internal static string DisplayPath(string directory, string file) =>
        file == NoFile ? directory : Path.Combine(directory, file);

    private sealed record LintReport(bool Valid, IReadOnlyList<PolicyDiagnostic> Problems);
}
