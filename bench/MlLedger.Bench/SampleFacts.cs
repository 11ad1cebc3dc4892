using MlLedger.Domain.Policies;

namespace MlLedger.Bench;

/// <summary>
/// Realistic facts for the production policy, shaped like what the ledger gathers: three training datasets with
/// pii-scan and schema checks, six evaluations over three datasets (a training set, validation, holdout; each
/// evaluated twice, the later one counting), a production promotion with three approvals with roles, and a stage
/// history. <see cref="Allowed"/> meets every rule; <see cref="Denied"/> (a deployment of a retired version's
/// unapproved bytes) breaks every one of them, the ledger's own deployment rules included.
/// </summary>
internal static class SampleFacts
{
    private const string Artifact = "3f5a0c6e1b2d4f7a9c8e0b1d3f5a7c9e2b4d6f8a0c1e3b5d7f9a2c4e6b8d0f1a";
    private const string OtherArtifact = "9e1c4b7a0d3f6e9c2b5a8d1f4e7c0b3a6d9f2e5c8b1a4d7f0e3c6b9a2d5f8e1c";
    private const string ModelStream = "models/churn/7";
    private const string PromotionStream = "promotions/0195a000-0000-7000-8000-000000000002";
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);

    public static PolicyFacts Allowed() => Build(good: true);

    public static PolicyFacts Denied() => Build(good: false);

    private static PolicyFacts Build(bool good)
    {
        var request = good
            ? new PolicyRequestFacts(PolicyRequestKinds.Promotion, "production", null, "ci-bot", null, Now)
            // a deployment of other bytes than the approved ones: the artifact rule fails too
            : new PolicyRequestFacts(PolicyRequestKinds.Deployment, "production", "prod-eu", "ci-bot", OtherArtifact, Now);

        string[] training = ["churn-train-events@3", "churn-train-profiles@3", "churn-train-billing@3"];
        var model = new ModelVersionFact(
            "churn@7", "churn", "7", Artifact, "staging", "high", Retired: !good, training,
            [
                new StageHistoryFact("staging", Now.AddDays(-3), "0195a000-0000-7000-8000-000000000001"),
            ],
            new EntryRef(ModelStream, 1));

        var datasets = new List<DatasetFact>
        {
            Training("churn-train-events", "CC-BY-4.0", good ? "passed" : "failed", personal: false, stream: 1),
            Training("churn-train-profiles", good ? "LicenseRef-internal" : "CC-BY-NC-4.0", "passed", personal: false, stream: 2),
            Training("churn-train-billing", "Apache-2.0", "passed", personal: !good, stream: 3),
            Evaluation("churn-validation", "validation"),
            Evaluation("churn-holdout", "holdout"),
        };

        var evaluations = new List<EvaluationFact>
        {
            Metrics("eval-1", "churn-train-events@3", 2, ("auc", 0.97), ("logloss", 0.21)),
            Metrics("eval-2", "churn-validation@3", 3, ("auc", 0.90), ("f1", 0.71)),
            Metrics("eval-3", "churn-holdout@3", 4, ("auc", 0.86), ("precision", 0.74), ("recall", 0.69)),
            Metrics("eval-4", "churn-train-events@3", 5, ("auc", 0.97), ("logloss", 0.20)),
            Metrics("eval-5", "churn-validation@3", 6, ("auc", 0.91), ("f1", 0.72)),
            Metrics("eval-6", "churn-holdout@3", 7, ("auc", good ? 0.89 : 0.78), ("precision", 0.75), ("recall", 0.70)),
        };

        var promotion = new PromotionFact("0195a000-0000-7000-8000-000000000002", "production", good ? "pending" : "approved",
            "ci-bot", Artifact, new EntryRef(PromotionStream, 1));
        var approvals = good
            ? new List<ApprovalFact>
            {
                Approval("bob", ["approver"], 3),
                Approval("dave", ["approver"], 5),
                Approval("carol", ["approver", "risk-officer"], 7),
            }
            : [
                // the requester's own approval and a repeated approver do not count; nobody is a risk officer
                Approval("ci-bot", ["approver", "pipeline"], 3),
                Approval("bob", ["approver"], 5),
                Approval("bob", ["approver"], 7),
            ];

        return new PolicyFacts(request, model, datasets, evaluations, promotion, approvals);
    }

    private static DatasetFact Training(string name, string license, string piiScan, bool personal, int stream) =>
        new($"{name}@3", name, "3", ["train"], license, personal, Withdrawn: false,
            [
                new DatasetCheckFact("schema", "passed", new EntryRef($"datasets/{name}@3", 2)),
                new DatasetCheckFact("pii-scan", piiScan, new EntryRef($"datasets/{name}@3", 3 + stream)),
            ],
            new EntryRef($"datasets/{name}@3", 1));

    private static DatasetFact Evaluation(string name, string tag) =>
        new($"{name}@3", name, "3", [tag], "CC-BY-4.0", ContainsPersonalData: false, Withdrawn: false,
            [new DatasetCheckFact("pii-scan", "passed", new EntryRef($"datasets/{name}@3", 2))],
            new EntryRef($"datasets/{name}@3", 1));

    private static EvaluationFact Metrics(string id, string dataset, long version, params (string Name, double Value)[] metrics) =>
        new(id, dataset, metrics.ToDictionary(m => m.Name, m => m.Value, StringComparer.Ordinal), new EntryRef(ModelStream, version));

    private static ApprovalFact Approval(string approver, string[] roles, long version) =>
        new(approver, roles, Artifact, Now.AddHours(-version), new EntryRef(PromotionStream, version));
}
