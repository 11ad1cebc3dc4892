using System.Globalization;
using System.Text.Json;
using MlLedger.Domain.Policies;
using MlLedger.Policies;
using MlLedger.Policies.Documents;
using MlLedger.Policies.Testing;
using Spectre.Console;

namespace MlLedger.Cli;

/// <summary>
/// <c>mlledger policy test</c>: loads the policy set of a directory and runs every example case kept beside it
/// (<c>*.test.yaml</c>), like <c>opa test</c>. Exit 0 when every case reaches its expected decision, 1 when any
/// does not, 2 when the set or a case file is malformed or the directory does not exist.
/// </summary>
internal sealed class PolicyTester(TextWriter output, TextWriter error)
{
    public int Run(string directory, string format, bool verbose)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory))
        {
            error.WriteLine($"mlledger policy test: {directory}: no such directory");
            return ExitCodes.UsageOrConnection;
        }

        PolicySet? set = null;
        var problems = new List<PolicyDiagnostic>();
        try
        {
            set = PolicySet.Load(directory);
        }
        catch (PolicyLoadException e)
        {
            problems.AddRange(e.Diagnostics);
        }

        var cases = new List<PolicyCase>();
        foreach (var path in PolicyCases.Files(directory))
        {
            try
            {
                cases.AddRange(PolicyCases.Read(Path.GetFileName(path), PolicyText.Decode(Path.GetFileName(path), File.ReadAllBytes(path))));
            }
            catch (PolicyLoadException e)
            {
                problems.AddRange(e.Diagnostics);
            }
        }

        problems = [.. problems.Select(p => p with { File = PolicyLinter.DisplayPath(directory, p.File) })];
        if (set is null || problems.Count > 0)
        {
            return Malformed(problems, format);
        }

        var results = cases.Select(c => PolicyCases.Run(set, c)).ToList();
        if (format == OutputFormats.Json)
        {
            PrintJson(directory, set, results);
        }
        else
        {
            PrintTable(directory, results, verbose);
        }

        return results.All(r => r.Passed) ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private int Malformed(List<PolicyDiagnostic> problems, string format)
    {
        if (format == OutputFormats.Json)
        {
            output.WriteLine(JsonSerializer.Serialize(new TestReport(false, null, 0, 0, problems, []), OutputFormats.JsonOptions));
        }

        foreach (var problem in problems)
        {
            error.WriteLine(problem.ToString());
        }

        error.WriteLine($"mlledger policy test: {problems.Count} problem{(problems.Count == 1 ? "" : "s")}; no case was run (see `mlledger policy lint`)");
        return ExitCodes.UsageOrConnection;
    }

    private void PrintJson(string directory, PolicySet set, List<PolicyCaseResult> results)
    {
        var cases = results.Select(r => new CaseReport(
            PolicyLinter.DisplayPath(directory, r.Case.File), r.Case.Line, r.Case.Name, r.Passed, r.Mismatch, DecisionReport.Of(r.Decision))).ToList();
        output.WriteLine(JsonSerializer.Serialize(
            new TestReport(true, set.Digest, results.Count(r => r.Passed), results.Count(r => !r.Passed), [], cases),
            OutputFormats.JsonOptions));
    }

    private void PrintTable(string directory, List<PolicyCaseResult> results, bool verbose)
    {
        var console = Terminal.For(output);
        if (results.Count == 0)
        {
            output.WriteLine($"no example cases in {directory} (files named *{PolicySet.TestFileSuffix})");
        }

        if (verbose)
        {
            foreach (var result in results)
            {
                console.Write(RulesTable.Of(result.Decision.Rules)
                    .Title($"{Markup.Escape(Location(result.Case))} {Markup.Escape(result.Case.Name)}")
                    .Caption(Markup.Escape(result.Decision.Summary)));
            }
        }

        if (results.Count > 0)
        {
            var table = new Table().AddColumns("file", "case", "result", "details");
            foreach (var result in results)
            {
                table.AddRow(
                    Markup.Escape(Location(result.Case)),
                    Markup.Escape(result.Case.Name),
                    result.Passed ? "[green]PASS[/]" : "[red]FAIL[/]",
                    result.Passed ? "" : Markup.Escape(Details(result)));
            }

            console.Write(table);
        }

        var failed = results.Count(r => !r.Passed);
        output.WriteLine($"{results.Count - failed} passed, {failed} failed");
    }

    /// <summary>The mismatch, and the decision's summary unless the mismatch already quotes it.</summary>
    private static string Details(PolicyCaseResult result) =>
        result.Mismatch is { } mismatch && mismatch.Contains(result.Decision.Summary, StringComparison.Ordinal)
            ? mismatch
            : $"{result.Mismatch}\ndecision: {result.Decision.Summary}";

    /// <summary>Where a case starts in its file; the table is of one directory, so the file name is enough.</summary>
    private static string Location(PolicyCase example) =>
        $"{example.File}:{example.Line.ToString(CultureInfo.InvariantCulture)}";

    private sealed record TestReport(
        bool Valid, string? PolicySetDigest, int Passed, int Failed, IReadOnlyList<PolicyDiagnostic> Problems, IReadOnlyList<CaseReport> Cases);

    private sealed record CaseReport(string File, long Line, string Name, bool Passed, string? Mismatch, DecisionReport Decision);

    /// <summary>The decision as the ledger records it (without the derived list of failures).</summary>
    private sealed record DecisionReport(
        bool Allowed, string PolicySetDigest, string ModelVersionId, string TargetStage,
        IReadOnlyList<AppliedPolicy> Policies, IReadOnlyList<RuleResult> Rules, string Summary)
    {
        public static DecisionReport Of(PolicyDecision d) =>
            new(d.Allowed, d.PolicySetDigest, d.ModelVersionId, d.TargetStage, d.Policies, d.Rules, d.Summary);
    }
}

/// <summary>The rule results of a decision as a table: policy, rule, kind, outcome (coloured), reason.</summary>
internal static class RulesTable
{
    public static Table Of(IEnumerable<RuleResult> rules)
    {
        var table = new Table().AddColumns("policy", "rule", "kind", "outcome", "reason");
        foreach (var rule in rules)
        {
            table.AddRow(Markup.Escape(rule.Policy), Markup.Escape(rule.Rule), Markup.Escape(rule.Kind), Outcome(rule.Outcome), Markup.Escape(rule.Reason));
        }

        return table;
    }

    public static string Outcome(string outcome) => outcome switch
    {
        RuleOutcomes.Passed => "[green]passed[/]",
        RuleOutcomes.Failed => "[red]failed[/]",
        RuleOutcomes.NotApplicable => "[grey]not-applicable[/]",
        _ => Markup.Escape(outcome),
    };
}
