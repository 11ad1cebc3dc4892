using System.Text;
using MlLedger.Domain.Policies;
using MlLedger.Policies.Documents;
using MlLedger.Policies.Evaluating;

namespace MlLedger.Policies.Tests.Support;

/// <summary>Builds policy sets from policy text written in the tests, through <see cref="PolicySet.FromFiles"/>.</summary>
internal static class Sets
{
    public const string EnvironmentsFile = "environments.yaml";

    public const string Environments = """
        apiVersion: mlledger.dev/v1
        kind: EnvironmentStages
        id: environments
        version: "1"
        environments:
          - pattern: "prod*"
            stage: production
          - pattern: "staging*"
            stage: staging

        """;

    /// <summary>A policy document; <paramref name="rules"/> is the list under <c>rules:</c>, which is on line 7.</summary>
    public static string Policy(string rules, string id = "p", string stages = "[production]", string version = "1") =>
        $"""
        apiVersion: mlledger.dev/v1
        kind: Policy
        id: {id}
        version: "{version}"
        appliesTo:
          stages: {stages}
        rules:

        """ + rules;

    public static PolicySet FromText(params (string Name, string Text)[] files) =>
        PolicySet.FromFiles(files.Select(f => (f.Name, Encoding.UTF8.GetBytes(f.Text))));

    /// <summary>The environment mapping plus the given files.</summary>
    public static PolicySet With(params (string Name, string Text)[] files) =>
        FromText([(EnvironmentsFile, Environments), .. files]);

    /// <summary>The environment mapping plus one policy <c>p</c> (in p.yaml) for production with these rules.</summary>
    public static PolicySet WithRules(string rules) => With(("p.yaml", Policy(rules)));

    /// <summary>Every diagnostic of a set that must not load, as "file:line:column: message".</summary>
    public static IReadOnlyList<string> Problems(params (string Name, string Text)[] files)
    {
        var e = Assert.Throws<PolicyLoadException>(() => FromText(files));
        Assert.NotEmpty(e.Diagnostics);
        return [.. e.Diagnostics.Select(d => d.ToString())];
    }

    /// <summary>The diagnostics of a p.yaml with these rules, next to a valid environment mapping.</summary>
    public static IReadOnlyList<string> RuleProblems(string rules) => Problems((EnvironmentsFile, Environments), ("p.yaml", Policy(rules)));

    /// <summary>The diagnostics of a whole p.yaml, next to a valid environment mapping.</summary>
    public static IReadOnlyList<string> FileProblems(string text) => Problems((EnvironmentsFile, Environments), ("p.yaml", text));

    /// <summary>The policy name the ledger's own deployment rules are listed under in a decision.</summary>
    public const string LedgerPolicy = "ledger";

    /// <summary>
    /// Evaluates a single rule (as YAML under <c>rules:</c>) on the facts and returns its result. The ledger's own
    /// rules, which come first for deployments and checks by environment, are skipped; the decision is allowed
    /// exactly when the rule and every one of them did not fail.
    /// </summary>
    public static RuleResult Rule(string rule, PolicyFacts facts)
    {
        var decision = PolicyEngine.Evaluate(WithRules(rule), facts);
        var ledger = LedgerResults(decision);
        var result = Assert.Single(decision.Rules.Skip(ledger.Count));
        Assert.Equal(result.Outcome == RuleOutcomes.Passed && ledger.All(r => r.Outcome != RuleOutcomes.Failed), decision.Allowed);
        return result;
    }

    /// <summary>The ledger's own rule results at the head of a decision's rule list.</summary>
    public static IReadOnlyList<RuleResult> LedgerResults(PolicyDecision decision) =>
        [.. decision.Rules.TakeWhile(r => r.Policy == LedgerPolicy)];
}
