using MlLedger.Domain.Policies;

namespace MlLedger.Policies.Rules;

/// <summary>
/// Every training dataset: registered, not withdrawn, each named check's latest result "passed", a license from
/// the allow-list (when one is given), and no personal data unless allowed. A model version that names no
/// training data fails unless <see cref="AllowNone"/>.
/// </summary>
public sealed class DatasetsRule(
    string id,
    string? description,
    IReadOnlyList<string> checksPassed,
    IReadOnlyList<string>? licenses,
    bool personalDataAllowed,
    bool allowNone)
    : PolicyRule(id, RuleKinds.Datasets, description)
{
    public const string Passed = "passed";

    public IReadOnlyList<string> ChecksPassed { get; } = checksPassed;

    /// <summary>Allowed license identifiers, compared case-insensitively (SPDX ids are); null means any.</summary>
    public IReadOnlyList<string>? Licenses { get; } = licenses;

    public bool PersonalDataAllowed { get; } = personalDataAllowed;

    public bool AllowNone { get; } = allowNone;

    internal override Verdict Evaluate(FactIndex facts)
    {
        var model = facts.Facts.ModelVersion;
        if (model.TrainedOn.Count == 0)
        {
            return AllowNone
                ? Verdict.Pass($"{model.Id} names no training dataset", [model.Entry])
                : Verdict.Fail($"{model.Id} names no training dataset, so none can be shown to meet the data rules", [model.Entry]);
        }

        var failures = new List<string>();
        var evidence = new List<EntryRef?> { model.Entry };
        foreach (var id in model.TrainedOn)
        {
            if (facts.Dataset(id) is not { } dataset)
            {
                failures.Add($"training dataset {id} is not registered");
                continue;
            }

            evidence.Add(dataset.Entry);
            if (dataset.Withdrawn)
            {
                failures.Add($"training dataset {id} is withdrawn");
            }

            foreach (var check in ChecksPassed)
            {
                var latest = dataset.Checks.LastOrDefault(c => string.Equals(c.Check, check, StringComparison.Ordinal));
                if (latest is null)
                {
                    failures.Add($"training dataset {id} has no {check} result");
                }
                else
                {
                    evidence.Add(latest.Entry);
                    if (!string.Equals(latest.Result, Passed, StringComparison.Ordinal))
                    {
                        failures.Add($"training dataset {id} {(latest.Result == "failed" ? "failed" : $"has result '{latest.Result}' for")} {check}");
                    }
                }
            }

            if (Licenses is not null && !Licenses.Contains(dataset.License, StringComparer.OrdinalIgnoreCase))
            {
                failures.Add($"training dataset {id} has license '{dataset.License}', which is not in the allow-list ({string.Join(", ", Licenses)})");
            }

            if (dataset.ContainsPersonalData && !PersonalDataAllowed)
            {
                failures.Add($"training dataset {id} contains personal data, which this policy does not allow");
            }
        }

        return failures.Count > 0
            ? Verdict.Fail(string.Join("; ", failures), evidence)
            : Verdict.Pass(Summary(model.TrainedOn.Count), evidence);
    }

    private string Summary(int count)
    {
        var what = new List<string> { "registered", "not withdrawn" };
        if (ChecksPassed.Count > 0)
        {
            what.Add($"passed {string.Join(", ", ChecksPassed)}");
        }

        if (Licenses is not null)
        {
            what.Add("allowed licenses");
        }

        if (!PersonalDataAllowed)
        {
            what.Add("no personal data");
        }

        return $"{(count == 1 ? "the training dataset is" : $"all {count} training datasets are")} {string.Join(", ", what)}";
    }
}
