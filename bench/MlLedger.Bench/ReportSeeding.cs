using System.Globalization;
using static MlLedger.Bench.Report;

namespace MlLedger.Bench;

/// <summary>What a scenario wrote: the entries its writes were answered with, the requests, and the time it took.</summary>
internal sealed record Seeded(long Entries, long Requests, TimeSpan Elapsed)
{
    public string Line => $"{Num(Entries)} entries, {Num(Requests)} requests in {F(Elapsed.TotalSeconds, "0.0")} s " +
                          $"({Num((long)(Entries / Math.Max(1e-9, Elapsed.TotalSeconds)))} entries/s)";
}

/// <summary>
/// The three scenarios of the reports mode, written through the API as pipelines and approvers would: a wide lineage,
/// one model version with about a thousand related entries, and a ledger of promotions, approvals and blocked
/// deployment attempts for the audit period report. No randomness: runs are comparable.
/// </summary>
internal sealed class ReportSeeding(BenchLedger ledger, Writes writes, int concurrency)
{
    public const string LineageDataset = "lineage-source@1";
    public const string PeriodDataset = "period-train@1";
    public const string ComplianceModel = "compliance-subject";
    public const int ComplianceDatasets = 3;
    public const int ComplianceEvaluations = 433;
    public const int ComplianceBlocked = 200;
    public const int CompliancePromotions = 120; // requested (and its policy decision), then withdrawn: 3 entries each

    private readonly HttpClient _pipeline = ledger.Client("ci-bot", "pipeline");
    private readonly HttpClient _requester = ledger.Client("alice", "approver");
    private readonly HttpClient _approver = ledger.Client("bob", "approver");

    /// <summary>Entries of the compliance scenario: datasets and their pii-scans, the registration, then the rest.</summary>
    public static int ComplianceEntries => 2 * ComplianceDatasets + 1 + ComplianceEvaluations + ComplianceBlocked + 3 * CompliancePromotions;

    /// <summary>
    /// One dataset, <paramref name="models"/> model versions trained on it, and one blocked deployment attempt for each
    /// (a deployment node and its policy-decision node): 1 + 3 x models nodes downstream of the dataset within depth 3.
    /// </summary>
    public async Task<Seeded> LineageAsync(int models, CancellationToken ct)
    {
        var (entries, requests) = (writes.Entries, writes.Requests);
        await writes.PostAsync(_pipeline, "/v1/datasets", Dataset(LineageDataset, "train"), ct);
        var elapsed = await writes.ParallelAsync("lineage", models, concurrency, i => LineageModelAsync(i, ct), ct);
        return new Seeded(writes.Entries - entries, writes.Requests - requests, elapsed);
    }

    /// <summary>Model version <c>lin-{i}@1</c> trained on the lineage dataset, and its deployment attempt, blocked.</summary>
    public async Task LineageModelAsync(int i, CancellationToken ct)
    {
        var model = $"lin-{i.ToString("D5", CultureInfo.InvariantCulture)}";
        var artifact = ModelPlan.Sha(ModelPlan.Hash(model));
        await writes.PostAsync(_pipeline, $"/v1/models/{model}/versions", ModelVersion("1", artifact, LineageDataset), ct);
        await writes.PostAsync(_pipeline, "/v1/deployments", Deployment(model, "1", artifact), ct, refusal: true);
    }

    /// <summary>
    /// <c>compliance-subject@1</c>: three datasets with a pii-scan each, the registration, then evaluations, blocked
    /// deployment attempts and promotions requested then withdrawn by their requester, interleaved in a fixed order.
    /// </summary>
    public async Task<Seeded> ComplianceAsync(CancellationToken ct)
    {
        var (entries, requests) = (writes.Entries, writes.Requests);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string[] datasets = ["compliance-train-a@1", "compliance-train-b@1", "compliance-holdout@1"];
        foreach (var dataset in datasets)
        {
            await writes.PostAsync(_pipeline, "/v1/datasets", Dataset(dataset, dataset.Contains("holdout", StringComparison.Ordinal) ? "holdout" : "train"), ct);
            await writes.PostAsync(_pipeline, $"/v1/datasets/{dataset}/checks", new { check = "pii-scan", result = "passed", details = "presidio 2.2: no findings" }, ct);
        }

        var artifact = ModelPlan.Sha(ModelPlan.Hash(ComplianceModel));
        await writes.PostAsync(_pipeline, $"/v1/models/{ComplianceModel}/versions", ModelVersion("1", artifact, datasets[0], datasets[1]), ct);

        // 0 = evaluation, 1 = blocked deployment, 2 = promotion requested then withdrawn; shuffled with a fixed seed
        var operations = Enumerable.Repeat(0, ComplianceEvaluations).Concat(Enumerable.Repeat(1, ComplianceBlocked))
            .Concat(Enumerable.Repeat(2, CompliancePromotions)).ToArray();
        new Random(1000).Shuffle(operations);
        var path = $"/v1/models/{ComplianceModel}/versions/1";
        await writes.ParallelAsync("compliance", operations.Length, concurrency, async i =>
        {
            switch (operations[i])
            {
                case 0:
                    var auc = 0.80 + i % 17 / 100.0;
                    await writes.PostAsync(_pipeline, $"{path}/evaluations",
                        new { dataset = datasets[i % 2 == 0 ? 2 : 0], metrics = new { auc, accuracy = auc - 0.04, logloss = 0.31 - auc / 10 } }, ct);
                    break;
                case 1:
                    await writes.PostAsync(_pipeline, "/v1/deployments", Deployment(ComplianceModel, "1", artifact), ct, refusal: true);
                    break;
                default:
                    var requested = await writes.PostAsync(_requester, "/v1/promotions",
                        new { model = ComplianceModel, version = "1", targetStage = "production", justification = $"candidate run {i}" }, ct);
                    await writes.PostAsync(_requester, $"/v1/promotions/{requested.Id()}/withdrawal", new { reason = "superseded by a newer run" }, ct);
                    break;
            }
        }, ct);
        return new Seeded(writes.Entries - entries, writes.Requests - requests, clock.Elapsed);
    }

    /// <summary>
    /// Grows the ledger to <paramref name="target"/> entries with what the audit period report reads: per thousand
    /// entries one model version promoted to staging (request, decision, approval) and a production promotion left
    /// pending after one approval, then blocked deployment attempts (one entry each) up to the target.
    /// </summary>
    public async Task<Seeded> PeriodAsync(long target, CancellationToken ct)
    {
        var (entries, requests) = (writes.Entries, writes.Requests);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await writes.PostAsync(_pipeline, "/v1/datasets", Dataset(PeriodDataset, "train"), ct);
        var models = (int)Math.Max(1, (target - await ledger.CountEntriesAsync(ct)) / 1000);
        await writes.ParallelAsync("period models", models, concurrency, i => PeriodModelAsync(i, ct), ct);
        var missing = target - await ledger.CountEntriesAsync(ct);
        if (missing > 0)
        {
            await writes.ParallelAsync("period blocked attempts", (int)missing, concurrency, i =>
            {
                var model = PeriodModel(i % models);
                return writes.PostAsync(_pipeline, "/v1/deployments", Deployment(model, "1", ModelPlan.Sha(ModelPlan.Hash(model))), ct, refusal: true);
            }, ct);
        }

        return new Seeded(writes.Entries - entries, writes.Requests - requests, clock.Elapsed);
    }

    private async Task PeriodModelAsync(int i, CancellationToken ct)
    {
        var model = PeriodModel(i);
        var artifact = ModelPlan.Sha(ModelPlan.Hash(model));
        await writes.PostAsync(_pipeline, $"/v1/models/{model}/versions", ModelVersion("1", artifact, PeriodDataset), ct);
        var staging = await writes.PostAsync(_pipeline, "/v1/promotions",
            new { model, version = "1", targetStage = "staging", justification = "validation auc 0.88" }, ct);
        await writes.PostAsync(_approver, $"/v1/promotions/{staging.Id()}/approvals", new { decision = "approve", comment = "offline metrics reviewed" }, ct);
        var production = await writes.PostAsync(_pipeline, "/v1/promotions",
            new { model, version = "1", targetStage = "production", justification = "holdout auc 0.88" }, ct);
        await writes.PostAsync(_requester, $"/v1/promotions/{production.Id()}/approvals", new { decision = "approve", comment = "ok" }, ct);
    }

    private static string PeriodModel(int i) => $"period-{i.ToString("D5", CultureInfo.InvariantCulture)}";

    private static object Dataset(string id, string tag)
    {
        var at = id.LastIndexOf('@');
        var (name, version) = (id[..at], id[(at + 1)..]);
        return new
        {
            name, version, uri = $"s3://ml-data/{name}/{version}/", sha256 = ModelPlan.Sha(ModelPlan.Hash(id)), license = "CC-BY-4.0",
            containsPersonalData = false, tags = new[] { tag }, derivedFrom = Array.Empty<string>(),
        };
    }

    private static object ModelVersion(string version, string artifact, params string[] trainedOn) => new
    {
        version, artifactSha256 = artifact, framework = "xgboost", trainingRunId = $"run-{artifact[..8]}", codeCommit = artifact[..12],
        trainedOn, parameters = new { depth = 6, eta = 0.1 },
    };

    /// <summary>To prod-eu, which needs stage production: every such attempt here is blocked and recorded.</summary>
    private static object Deployment(string model, string version, string artifact) => new
    {
        model, version, environment = "prod-eu", endpoint = $"https://models.example/{model}", artifactSha256 = artifact,
    };
}
