namespace MlLedger.Policies.Rules;

/// <summary>The built-in rule kinds, as policy documents name them.</summary>
public static class RuleKinds
{
    public const string Evaluation = "evaluation";
    public const string Datasets = "datasets";
    public const string Approvals = "approvals";
    public const string StageHistory = "stage-history";
    public const string Artifact = "artifact";
    public const string Expression = "expression";

    public static IReadOnlyList<string> All { get; } = [Evaluation, Datasets, Approvals, StageHistory, Artifact, Expression];
}

/// <summary>Name patterns: '*' matches any run of characters, '?' exactly one; everything else matches itself.</summary>
public static class Glob
{
    public static bool Matches(string pattern, string value)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(value);
        int p = 0, v = 0, star = -1, resume = 0;
        while (v < value.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == value[v]))
            {
                p++;
                v++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = v;
            }
            else if (star >= 0)
            {
                p = star + 1;
                v = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
