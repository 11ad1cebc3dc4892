using Cel;
using MlLedger.Domain.Policies;

namespace MlLedger.Policies.Rules;

/// <summary>
/// The escape hatch: a CEL expression over the input document (see <see cref="CelInput"/>) that must be true.
/// False fails with <see cref="Message"/>; an error or a non-boolean result fails too, never allows.
/// </summary>
public sealed class ExpressionRule : PolicyRule
{
    private readonly CelProgramDelegate _program;

    internal ExpressionRule(string id, string? description, string expression, string? message, CelProgramDelegate program)
        : base(id, RuleKinds.Expression, description)
    {
        Expression = expression;
        Message = message;
        _program = program;
    }

    public string Expression { get; }

    public string? Message { get; }

    internal override Verdict Evaluate(FactIndex facts)
    {
        object? result;
        try
        {
            result = _program(facts.Input);
        }
        catch (Exception e)
        {
            // the Cel package lets some errors of its functions through as they are (matches() with a bad pattern
            // throws RegexParseException): any error fails the rule, it never ends the decision
            return Verdict.Fail($"the expression could not be evaluated: {e.Message}", [facts.Facts.ModelVersion.Entry]);
        }

        var evidence = CelInput.Evidence(facts.Facts);
        return result switch
        {
            true => Verdict.Pass($"{Expression} is true", evidence),
            false => Verdict.Fail(Message ?? $"{Expression} is false", evidence),
            _ => Verdict.Fail($"the expression gave {Describe(result)}, not true or false", evidence),
        };
    }

    private static string Describe(object? value) => value is null ? "null" : $"a {value.GetType().Name} value";
}

/// <summary>
/// The input document of expression rules, built from the facts: <c>request</c>, <c>modelVersion</c>,
/// <c>datasets</c>, <c>evaluations</c>, <c>promotion</c> (or null) and <c>approvals</c>. Times are RFC 3339 text.
/// </summary>
public static class CelInput
{
    public static IDictionary<string, object?> Of(PolicyFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var r = facts.Request;
        var m = facts.ModelVersion;
        var p = facts.Promotion;
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["request"] = Map(
                ("kind", r.Kind), ("targetStage", r.TargetStage), ("environment", r.Environment),
                ("requester", r.Requester), ("artifactSha256", r.ArtifactSha256), ("at", Time(r.At))),
            ["modelVersion"] = Map(
                ("id", m.Id), ("model", m.Model), ("version", m.Version), ("artifactSha256", m.ArtifactSha256),
                ("stage", m.Stage), ("riskTier", m.RiskTier), ("retired", m.Retired), ("trainedOn", List(m.TrainedOn)),
                ("stageHistory", m.StageHistory.Select(s => (object?)Map(("stage", s.Stage), ("at", Time(s.At)), ("promotionId", s.PromotionId))).ToList())),
            ["datasets"] = facts.Datasets.Select(d => (object?)Map(
                ("id", d.Id), ("name", d.Name), ("version", d.Version), ("tags", List(d.Tags)), ("license", d.License),
                ("containsPersonalData", d.ContainsPersonalData), ("withdrawn", d.Withdrawn),
                ("checks", LatestChecks(d)))).ToList(),
            ["evaluations"] = facts.Evaluations.Select(e => (object?)Map(
                ("id", e.Id), ("dataset", e.Dataset),
                ("metrics", e.Metrics.ToDictionary(kv => kv.Key, kv => (object?)kv.Value, StringComparer.Ordinal)))).ToList(),
            ["promotion"] = p is null ? null : Map(
                ("id", p.Id), ("targetStage", p.TargetStage), ("status", p.Status), ("requestedBy", p.RequestedBy),
                ("artifactSha256", p.ArtifactSha256)),
            ["approvals"] = facts.Approvals.Select(a => (object?)Map(
                ("approver", a.Approver), ("roles", List(a.Roles)), ("artifactSha256", a.ArtifactSha256), ("at", Time(a.At)))).ToList(),
        };
    }

    /// <summary>The names an expression may start from.</summary>
    public static IReadOnlyList<string> Variables { get; } = ["request", "modelVersion", "datasets", "evaluations", "promotion", "approvals"];

    /// <summary>An expression may look at anything, so it relies on every entry the facts came from.</summary>
    internal static IEnumerable<EntryRef?> Evidence(PolicyFacts facts) =>
        new[] { facts.ModelVersion.Entry, facts.Promotion?.Entry }
            .Concat(facts.Datasets.Select(d => d.Entry))
            .Concat(facts.Evaluations.Select(e => e.Entry))
            .Concat(facts.Approvals.Select(a => a.Entry));

    private static Dictionary<string, object?> LatestChecks(DatasetFact dataset)
    {
        var checks = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var check in dataset.Checks)
        {
            checks[check.Check] = check.Result;
        }

        return checks;
    }

    private static Dictionary<string, object?> Map(params (string Key, object? Value)[] fields) =>
        fields.ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);

    private static List<object?> List(IEnumerable<string> values) => [.. values];

    private static string Time(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
