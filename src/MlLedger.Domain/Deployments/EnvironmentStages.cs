namespace MlLedger.Domain.Deployments;

/// <summary>
/// Environments named by <see cref="Pattern"/> need a model version in at least <see cref="RequiredStage"/>.
/// The pattern is an exact environment name or a prefix glob ending in '*' ("prod*").
/// </summary>
public sealed record EnvironmentStageRule(string Pattern, Stage RequiredStage)
{
    /// <summary>What is wrong with <paramref name="pattern"/>, or null when it is a valid pattern.</summary>
    public static string? PatternProblem(string? pattern) =>
        string.IsNullOrWhiteSpace(pattern) ? "an environment pattern must not be empty."
        : pattern.IndexOf('*', StringComparison.Ordinal) is var star and >= 0 && star != pattern.Length - 1
            ? $"pattern '{pattern}' may only have '*' as its last character."
            : null;

    /// <summary>Environment names match case-insensitively: "Prod-EU" is as much production as "prod-eu".</summary>
    public bool Matches(string environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return Pattern.EndsWith('*')
            ? environment.StartsWith(Pattern[..^1], StringComparison.OrdinalIgnoreCase)
            : string.Equals(environment, Pattern, StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary>Ordered rules mapping environments to the stage a model version must have reached; first match wins.</summary>
public sealed class EnvironmentStages
{
    public EnvironmentStages(IEnumerable<EnvironmentStageRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        Rules = [.. rules];
        foreach (var rule in Rules)
        {
            ArgumentNullException.ThrowIfNull(rule, nameof(rules));
            if (EnvironmentStageRule.PatternProblem(rule.Pattern) is { } problem)
            {
                throw new ArgumentException(problem, nameof(rules));
            }

            if (!Enum.IsDefined(rule.RequiredStage))
            {
                throw new ArgumentException($"Environment pattern '{rule.Pattern}' names an unknown stage.", nameof(rules));
            }
        }
    }

    public IReadOnlyList<EnvironmentStageRule> Rules { get; }

    /// <summary>The stage the first matching rule requires, or null for an unknown environment.</summary>
    public Stage? RequiredStageFor(string environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return Rules.FirstOrDefault(rule => rule.Matches(environment))?.RequiredStage;
    }
}
