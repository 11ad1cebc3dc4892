using System.Security.Cryptography;
using System.Text;
using MlLedger.Reports.Model;

namespace MlLedger.Reports.Tests;

/// <summary>
/// Realistic report records: a fraud model version trained on two datasets, one derived from an upstream dataset
/// that has since been withdrawn; two promotions with their decisions and approvals; a deployment, a blocked attempt
/// and a rollback. Digests are SHA-256 of readable labels so that they look and wrap like real ones.
/// </summary>
public static class ReportSamples
{
    public static readonly DateTimeOffset LedgerTime = new(2025, 3, 14, 9, 26, 53, TimeSpan.Zero);
    public const long TreeSize = 4821;
    public const string Origin = "ledger.example.org/mlledger";

    public static string Hex(string label) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(label)));

    static DateTimeOffset Day(int d, int h = 10) => new(2025, 2, d, h, 15, 0, TimeSpan.Zero);

    public static ReportCheckpoint Checkpoint => CheckpointOf(TreeSize);

    /// <summary>A checkpoint of another size, for reports citing more leaves than <see cref="TreeSize"/> holds.</summary>
    public static ReportCheckpoint CheckpointOf(long treeSize) => new(Origin, treeSize, Hex("root"),
        $"{Origin}\n{treeSize}\n{Convert.ToBase64String(SHA256.HashData("root"u8))}\n\n— {Origin} Az3kQ{Convert.ToBase64String(SHA256.HashData("sig"u8))}\n",
        LedgerTime);

    public static List<Citation> Citations(int count, long firstSeq = 100) =>
        Enumerable.Range(0, count).Select(i => new Citation(firstSeq + i, firstSeq + i - 3, Hex($"leaf-{i}"),
            i % 3 == 0 ? "model-version-fraud-detector-2.3.0" : $"promotion-{i % 7}", i % 2 == 0 ? "PromotionRequested" : "ApprovalGranted")).ToList();

    public static readonly string ModelDigest = Hex("fraud-detector-2.3.0.onnx");
    public static readonly string PolicyDigest = Hex("policy-set-2025-02");

    public static DatasetSummary Upstream => new("raw-transactions-2024", "upstream", "s3://lake/raw/transactions/2024/", Hex("raw"), "internal",
        true, [], [new DatasetCheckRow("schema", "passed", null, "data-bot", Day(1), 11)],
        "Collected without a lawful basis for the EU subset (ticket DPO-311)", Day(20), "dana", Day(1, 8), 10);

    public static DatasetSummary Transactions => new("transactions-2024-clean", "training", "s3://lake/curated/transactions-2024-clean/", Hex("clean"),
        "internal", true, ["raw-transactions-2024"],
        [new DatasetCheckRow("pii-scan", "passed", "emails and card numbers tokenised", "privacy-bot", Day(2), 14),
         new DatasetCheckRow("label-balance", "failed", "fraud ratio 0.4% below the 0.5% floor", "data-bot", Day(2), 15)],
        null, null, "dana", Day(2, 8), 13);

    public static DatasetSummary Chargebacks => new("chargeback-labels-v7", "training", "https://data.example.org/chargebacks/v7.parquet", Hex("cb"),
        "CC-BY-4.0", false, [], [], null, null, "erik", Day(3), 16);

    public static DatasetSummary Holdout => new("holdout-q4-2024", "evaluation", "s3://lake/eval/holdout-q4-2024/", Hex("holdout"), "internal", false, [],
        [new DatasetCheckRow("leakage", "passed", "no overlap with training rows", "data-bot", Day(4), 18)], null, null, "erik", Day(4, 8), 17);

    public static ComplianceReport Compliance(ReportFrame? frame = null) => new(
        frame ?? new ReportFrame(ReportKinds.Compliance, "fraud-detector@2.3.0", Checkpoint, Citations(30)),
        new ModelVersionSummary("fraud-detector", "2.3.0", ModelDigest, "staging", "onnx 1.16", "run-8841", "9f2c1e7a4b", "high", "frank", Day(5), null, 20),
        Lineage(),
        [Transactions, Chargebacks, Upstream, Holdout],
        [new EvaluationRow("holdout-q4-2024", [new Metric("auc", 0.947), new Metric("precision", 0.881), new Metric("recall", 0.812)], "eval-bot", Day(6), 30),
         new EvaluationRow("transactions-2024-clean", [new Metric("auc", 0.962), new Metric("precision", 0.902), new Metric("latency_p95_ms", 41.5)], "eval-bot", Day(6, 11), 31)],
        [new DecisionRow("promotion prom-101 to staging", PolicyDigest, true, "all required rules passed",
            [new RuleRow("promotion.yaml", "min-auc", "threshold", "passed", "auc 0.947 ≥ 0.90"),
             new RuleRow("promotion.yaml", "two-approvers-for-production", "approvals", "not-applicable", "target stage is staging")], Day(7), 40),
         new DecisionRow("promotion prom-102 to production", PolicyDigest, false, "denied: training data includes a withdrawn dataset",
            [new RuleRow("promotion.yaml", "min-auc", "threshold", "passed", "auc 0.947 ≥ 0.90"),
             new RuleRow("data.yaml", "no-withdrawn-training-data", "lineage", "failed", "raw-transactions-2024 was withdrawn on 2025-02-20"),
             new RuleRow("promotion.yaml", "two-approvers-for-production", "approvals", "passed", "approved by grace and heidi")], Day(21), 55)],
        [new PromotionRow("prom-101", "fraud-detector@2.3.0", "staging", "approved", "frank", Day(7), "alice", "approved by ml-lead", Day(8), 41),
         new PromotionRow("prom-102", "fraud-detector@2.3.0", "production", "rejected", "frank", Day(19), "policy-engine", "denied by policy no-withdrawn-training-data", Day(21), 54)],
        [new ApprovalRow("prom-101", "fraud-detector@2.3.0", "staging", "alice", ["ml-lead"], "approved", "Metrics reviewed against the Q4 holdout.", Day(8), 42),
         new ApprovalRow("prom-102", "fraud-detector@2.3.0", "production", "grace", ["risk-officer"], "approved", "Fairness report FR-77 attached.", Day(20), 52),
         new ApprovalRow("prom-102", "fraud-detector@2.3.0", "production", "heidi", ["compliance"], "rejected", "Upstream data withdrawn; retrain first.", Day(21, 9), 53)],
        [new DeploymentRow("dep-7", "fraud-detector@2.3.0", "staging", "https://staging.example.org/fraud", ModelDigest, "deployed", "ci-deployer", Day(9), null, 45),
         new DeploymentRow("dep-8", "fraud-detector@2.3.0", "production", null, ModelDigest, "blocked", "ci-deployer", Day(21, 12), "no approved promotion to production", 56),
         new DeploymentRow("dep-7", "fraud-detector@2.3.0", "staging", "https://staging.example.org/fraud", ModelDigest, "rolled-back", "ivan", Day(22), "upstream dataset withdrawn", 57)]);

    public static LineageDiagram Lineage() => new(
        [new DiagramNode("ds:raw", LineageKinds.Dataset, "raw-transactions-2024", "withdrawn"),
         new DiagramNode("ds:clean", LineageKinds.Dataset, "transactions-2024-clean", null),
         new DiagramNode("ds:cb", LineageKinds.Dataset, "chargeback-labels-v7", null),
         new DiagramNode("ds:holdout", LineageKinds.Dataset, "holdout-q4-2024", null),
         new DiagramNode("mv", LineageKinds.ModelVersion, "fraud-detector 2.3.0", "staging"),
         new DiagramNode("p101", LineageKinds.Promotion, "prom-101 → staging", "approved"),
         new DiagramNode("p102", LineageKinds.Promotion, "prom-102 → production", "rejected"),
         new DiagramNode("a1", LineageKinds.Approval, "alice (ml-lead)", "approved"),
         new DiagramNode("a2", LineageKinds.Approval, "grace (risk-officer)", "approved"),
         new DiagramNode("a3", LineageKinds.Approval, "heidi (compliance)", "rejected"),
         new DiagramNode("d1", LineageKinds.PolicyDecision, "decision #40", "allowed"),
         new DiagramNode("d2", LineageKinds.PolicyDecision, "decision #55", "denied"),
         new DiagramNode("dep7", LineageKinds.Deployment, "dep-7 staging", "rolled-back"),
         new DiagramNode("dep8", LineageKinds.Deployment, "dep-8 production", "blocked")],
        [new DiagramEdge("ds:raw", "ds:clean", "derived-from"), new DiagramEdge("ds:clean", "mv", "trained-on"), new DiagramEdge("ds:cb", "mv", "trained-on"),
         new DiagramEdge("ds:holdout", "mv", "evaluated-on"), new DiagramEdge("mv", "p101", "promoted"), new DiagramEdge("mv", "p102", "promoted"),
         new DiagramEdge("p101", "a1", "approval"), new DiagramEdge("p102", "a2", "approval"), new DiagramEdge("p102", "a3", "approval"),
         new DiagramEdge("p101", "d1", "decision"), new DiagramEdge("p102", "d2", "decision"), new DiagramEdge("p101", "dep7", "deployed"),
         new DiagramEdge("p102", "dep8", "deployed")]);

    /// <summary>A lineage of <paramref name="datasets"/> chained datasets feeding many model versions and deployments.</summary>
    public static LineageDiagram BigLineage(int datasets, int models)
    {
        var nodes = new List<DiagramNode>();
        var edges = new List<DiagramEdge>();
        for (var i = 0; i < datasets; i++)
        {
            nodes.Add(new DiagramNode($"ds{i}", LineageKinds.Dataset, $"dataset-{i:00}", i == 3 ? "withdrawn" : null));
            if (i > 0) edges.Add(new DiagramEdge($"ds{i / 2}", $"ds{i}", "derived-from"));
        }
        for (var m = 0; m < models; m++)
        {
            nodes.Add(new DiagramNode($"mv{m}", LineageKinds.ModelVersion, $"model-{m} 1.{m}.0", "production"));
            edges.Add(new DiagramEdge($"ds{datasets - 1 - m % datasets}", $"mv{m}", "trained-on"));
            nodes.Add(new DiagramNode($"p{m}", LineageKinds.Promotion, $"prom-{m}", "approved"));
            edges.Add(new DiagramEdge($"mv{m}", $"p{m}", "promoted"));
            nodes.Add(new DiagramNode($"a{m}", LineageKinds.Approval, $"approver-{m}", "approved"));
            edges.Add(new DiagramEdge($"p{m}", $"a{m}", "approval"));
            nodes.Add(new DiagramNode($"dep{m}", LineageKinds.Deployment, $"dep-{m} production", "live"));
            edges.Add(new DiagramEdge($"p{m}", $"dep{m}", "deployed"));
        }
        return new LineageDiagram(nodes, edges);
    }

    public static AuditPeriodReport AuditPeriod(int promotions = 6, int citations = 40, bool dutyExceptions = true)
    {
        var proms = Enumerable.Range(0, promotions).Select(i => new PromotionRow($"prom-{i + 100}", $"model-{i % 9}@1.{i % 5}.0",
            i % 2 == 0 ? "staging" : "production", i % 10 == 3 ? "rejected" : "approved", "frank", Day(1 + i % 27), "alice",
            i % 10 == 3 ? "metrics below threshold" : null, Day(1 + i % 27, 15), 1000 + i)).ToList();
        var deps = Enumerable.Range(0, Math.Max(3, promotions / 2)).Select(i => new DeploymentRow($"dep-{i}", $"model-{i % 9}@1.{i % 5}.0",
            i % 2 == 0 ? "staging" : "production", i % 4 == 0 ? null : $"https://svc-{i}.example.org", Hex($"artifact-{i % 9}"),
            i % 7 == 2 ? "blocked" : "deployed", "ci-deployer", Day(1 + i % 27, 16), i % 7 == 2 ? "no approved promotion" : null, 50_000 + i)).ToList();
        return new AuditPeriodReport(
            new ReportFrame(ReportKinds.AuditPeriod, "2025-02", CheckpointOf(Math.Max(TreeSize, citations + 100L)), Citations(citations)),
            new DateTimeOffset(2025, 2, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero),
            proms, deps, proms.Where(p => p.Status == "rejected").ToList(), deps.Where(d => d.Event == "blocked").ToList(),
            [new ApproverTally("alice", 41, 3), new ApproverTally("grace", 12, 0), new ApproverTally("heidi", 7, 5)],
            dutyExceptions ? [new DutyException("frank", "requested and approved promotion prom-103", "prom-103", 1004)] : [],
            [new PolicySetChange(PolicyDigest, ["promotion.yaml", "data.yaml"], "policy-admin", Day(10), 2100)],
            [new KeyRotationRow("ledger-key-2024", "ledger-key-2025", "sec-admin", Day(15), 2200)]);
    }

    public static DatasetImpactReport DatasetImpact() => new(
        new ReportFrame(ReportKinds.DatasetImpact, "raw-transactions-2024", Checkpoint, Citations(12)),
        Upstream with { Role = "subject" },
        new LineageDiagram(
            [new DiagramNode("ds:raw", LineageKinds.Dataset, "raw-transactions-2024", "withdrawn"),
             new DiagramNode("ds:clean", LineageKinds.Dataset, "transactions-2024-clean", null),
             new DiagramNode("mv", LineageKinds.ModelVersion, "fraud-detector 2.3.0", "staging"),
             new DiagramNode("mv2", LineageKinds.ModelVersion, "fraud-detector 2.2.1", "production"),
             new DiagramNode("dep3", LineageKinds.Deployment, "dep-3 production", "live")],
            [new DiagramEdge("ds:raw", "ds:clean", "derived-from"), new DiagramEdge("ds:clean", "mv", "trained-on"),
             new DiagramEdge("ds:clean", "mv2", "trained-on"), new DiagramEdge("mv2", "dep3", "deployed")]),
        [Transactions],
        [new AffectedModel("fraud-detector", "2.3.0", "trained-on via transactions-2024-clean", "staging", ModelDigest, 20),
         new AffectedModel("fraud-detector", "2.2.1", "trained-on via transactions-2024-clean", "production", Hex("fraud-detector-2.2.1.onnx"), 19)],
        [new DeploymentStatusRow("dep-3", "fraud-detector@2.2.1", "production", "https://api.example.org/fraud", Hex("fraud-detector-2.2.1.onnx"), "live", 12),
         new DeploymentStatusRow("dep-7", "fraud-detector@2.3.0", "staging", null, ModelDigest, "rolled-back", 57)]);
}
