using System.Globalization;
using MlLedger.Domain.Policies;

namespace MlLedger.Policies.Rules;

/// <summary>Which datasets an evaluation rule looks at: all of <see cref="Tags"/>, and the name glob if given.</summary>
public sealed record DatasetSelector(IReadOnlyList<string> Tags, string? Name)
{
    public bool Matches(DatasetFact dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return Tags.All(tag => dataset.Tags.Contains(tag, StringComparer.Ordinal))
               && (Name is null || Glob.Matches(Name, dataset.Name));
    }

    public override string ToString()
    {
        var parts = new List<string>();
        if (Tags.Count > 0)
        {
            parts.Add($"tagged {string.Join(" and ", Tags)}");
        }

        if (Name is not null)
        {
            parts.Add($"named {Name}");
        }

        return "a dataset " + string.Join(", ", parts);
    }
}

/// <summary>
/// A metric on the latest evaluation of every dataset the selector matches must meet the threshold;
/// no such evaluation (or no such metric) fails.
/// </summary>
public sealed class EvaluationRule(string id, string? description, string metric, string op, double threshold, DatasetSelector dataset)
    : PolicyRule(id, RuleKinds.Evaluation, description)
{
    public string Metric { get; } = metric;

    /// <summary>"&gt;=" or "&lt;=".</summary>
    public string Operator { get; } = op;

    public double Threshold { get; } = threshold;

    public DatasetSelector Dataset { get; } = dataset;

    internal override Verdict Evaluate(FactIndex facts)
    {
        // the latest evaluation per dataset counts: a re-evaluation replaces an earlier result
        // a dataset the version was trained on never counts as held out, whatever its tags say
        var trainedOn = facts.Facts.ModelVersion.TrainedOn;
        var latest = facts.Facts.Evaluations
            .Where(e => facts.Dataset(e.Dataset) is { } d && Dataset.Matches(d) && !trainedOn.Contains(d.Id, StringComparer.Ordinal))
            .GroupBy(e => e.Dataset, StringComparer.Ordinal)
            .Select(g => g.Last())
            .ToList();
        if (latest.Count == 0)
        {
            return Verdict.Fail($"no evaluation on {Dataset} (other than its training data) is recorded for {facts.Facts.ModelVersion.Id}", []);
        }

        var failures = new List<string>();
        var passes = new List<string>();
        foreach (var evaluation in latest)
        {
            var evidence = evaluation.Dataset;
            if (!evaluation.Metrics.TryGetValue(Metric, out var value))
            {
                failures.Add($"the evaluation on dataset {evidence} has no metric {Metric}");
            }
            else if (Meets(value))
            {
                passes.Add($"{Metric} {Format(value)} {Operator} {Format(Threshold)} on dataset {evidence}");
            }
            else
            {
                failures.Add($"{Metric} {Format(value)} {Negated} {Format(Threshold)} on dataset {evidence}");
            }
        }

        var refs = latest.SelectMany(e => new[] { e.Entry, facts.Dataset(e.Dataset)?.Entry });
        return failures.Count > 0
            ? Verdict.Fail(string.Join("; ", failures), refs)
            : Verdict.Pass(string.Join("; ", passes), refs);
    }

    private bool Meets(double value) => Operator == ">=" ? value >= Threshold : value <= Threshold;

    private string Negated => Operator == ">=" ? "<" : ">";

    internal static string Format(double value) => value.ToString("0.############", CultureInfo.InvariantCulture);
}
