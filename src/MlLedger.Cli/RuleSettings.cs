using MlLedger.Domain;
using MlLedger.Domain.Deployments;
using MlLedger.Domain.Promotions;

namespace MlLedger.Cli;

/// <summary>
/// The rules that need no policy file yet, from `serve` flags: approvals per target stage
/// ("staging=1,production=2") and the stage each environment requires ("prod*=production,dev*=none").
/// </summary>
internal sealed record RuleSettings(ApprovalQuorum Quorum, EnvironmentStages Environments)
{
    public static bool TryParse(string? approvals, string? environments, out RuleSettings settings, out string error)
    {
        settings = new RuleSettings(ApprovalQuorum.Default, EnvironmentStages.Default);
        error = "";
        try
        {
            var quorum = approvals is null ? ApprovalQuorum.Default : new ApprovalQuorum(Pairs(approvals, "--approvals")
                .ToDictionary(p => Stage(p.Key, "--approvals"), p => int.TryParse(p.Value, out var n)
                    ? n
                    : throw new FormatException($"--approvals: '{p.Value}' is not a number")));
            var stages = environments is null ? EnvironmentStages.Default : new EnvironmentStages(Pairs(environments, "--environments")
                .Select(p => new EnvironmentStageRule(p.Key, Stage(p.Value, "--environments"))).ToList());
            settings = new RuleSettings(quorum, stages);
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            error = e.Message;
            return false;
        }
    }

    private static IEnumerable<KeyValuePair<string, string>> Pairs(string text, string option) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(pair =>
        {
            var parts = pair.Split('=', 2, StringSplitOptions.TrimEntries);
            return parts.Length == 2 && parts[0].Length > 0
                ? KeyValuePair.Create(parts[0], parts[1])
                : throw new FormatException($"{option}: '{pair}' is not name=value");
        });

    private static Stage Stage(string name, string option) =>
        StageNames.TryParse(name, out var stage)
            ? stage
            : throw new FormatException($"{option}: '{name}' is not a stage (none, staging, production)");
}
