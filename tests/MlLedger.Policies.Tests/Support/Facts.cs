using MlLedger.Domain.Policies;

namespace MlLedger.Policies.Tests.Support;

/// <summary>
/// A production promotion of churn@7 that every rule written in these tests passes: requested by alice, approved
/// by bob and by carol (a risk officer), a clean training dataset, an AUC of 0.91 on a holdout dataset and two days
/// in staging. Tests change one thing with <c>with</c>.
/// </summary>
internal static class Facts
{
    public const string Sha = "3f5a0c6e1b2d4f7a9c8e0b1d3f5a7c9e2b4d6f8a0c1e3b5d7f9a2c4e6b8d0f1a";
    public const string OtherSha = "0000000000000000000000000000000000000000000000000000000000000000";

    public static readonly DateTimeOffset Now = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);

    public static readonly EntryRef ModelEntry = new("model-version-churn@7", 3);
    public static readonly EntryRef PromotionEntry = new("promotion-p-2", 1);

    public static PolicyFacts Production() => new(
        new PolicyRequestFacts(PolicyRequestKinds.Promotion, "production", null, "alice", null, Now),
        new ModelVersionFact("churn@7", "churn", "7", Sha, "staging", null, false, ["churn-train@3"],
            [new StageHistoryFact("staging", Now.AddHours(-48), "p-1")], ModelEntry),
        [
            Dataset("churn-train@3", ["train"], checks: [Check("pii-scan", "passed", 1)]),
            Dataset("churn-holdout@3", ["holdout"]),
        ],
        [Evaluation("eval-1", "churn-holdout@3", ("auc", 0.91))],
        new PromotionFact("p-2", "production", "pending", "alice", Sha, PromotionEntry),
        [Approval("bob", "approver"), Approval("carol", "approver", "risk-officer")]);

    /// <summary>
    /// The deployment of churn@7's registered bytes to prod-eu once it has reached production, so that the ledger's
    /// own deployment rules pass and a test can look at another rule.
    /// </summary>
    public static PolicyFacts Deployment(string environment = "prod-eu", string? sha = Sha) =>
        Production()
            .WithRequest(r => r with { Kind = PolicyRequestKinds.Deployment, Environment = environment, ArtifactSha256 = sha })
            .WithModel(m => m with { Stage = "production" });

    public static DatasetFact Dataset(
        string id,
        IReadOnlyList<string> tags,
        string license = "CC-BY-4.0",
        bool personalData = false,
        bool withdrawn = false,
        IReadOnlyList<DatasetCheckFact>? checks = null) =>
        new(id, id[..id.IndexOf('@', StringComparison.Ordinal)], id[(id.IndexOf('@', StringComparison.Ordinal) + 1)..], tags, license,
            personalData, withdrawn, checks ?? [], new EntryRef($"dataset-{id}", 1));

    public static DatasetCheckFact Check(string check, string result, long version) => new(check, result, new EntryRef("dataset-check", version));

    public static EvaluationFact Evaluation(string id, string dataset, params (string Metric, double Value)[] metrics) =>
        new(id, dataset, metrics.ToDictionary(m => m.Metric, m => m.Value), new EntryRef($"evaluation-{id}", 1));

    public static ApprovalFact Approval(string approver, params string[] roles) => ApprovalOf(approver, Sha, roles);

    public static ApprovalFact ApprovalOf(string approver, string sha, params string[] roles) =>
        new(approver, roles, sha, Now.AddHours(-1), new EntryRef($"approval-{approver}", 1));

    public static PolicyFacts WithModel(this PolicyFacts facts, Func<ModelVersionFact, ModelVersionFact> change) =>
        facts with { ModelVersion = change(facts.ModelVersion) };

    public static PolicyFacts WithRequest(this PolicyFacts facts, Func<PolicyRequestFacts, PolicyRequestFacts> change) =>
        facts with { Request = change(facts.Request) };

    public static PolicyFacts WithApprovals(this PolicyFacts facts, params ApprovalFact[] approvals) => facts with { Approvals = approvals };

    public static PolicyFacts WithTrainingData(this PolicyFacts facts, params DatasetFact[] datasets) =>
        facts with
        {
            Datasets = [.. datasets, .. facts.Datasets.Where(d => d.Tags.Contains("holdout"))],
            ModelVersion = facts.ModelVersion with { TrainedOn = [.. datasets.Select(d => d.Id)] },
        };
}
