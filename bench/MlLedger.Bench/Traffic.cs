using System.Globalization;

namespace MlLedger.Bench;

/// <summary>The identities traffic is sent as: a pipeline that registers and requests, and approvers with roles.</summary>
internal sealed class Identities(BenchLedger ledger)
{
    public HttpClient Pipeline { get; } = ledger.Client("ci-bot", "pipeline");

    /// <summary>Approvers without the risk-officer role; one of them approves staging.</summary>
    public IReadOnlyList<HttpClient> Approvers { get; } =
    [
        ledger.Client("alice", "approver"),
        ledger.Client("bob", "approver"),
        ledger.Client("dave", "approver"),
        ledger.Client("frank", "approver"),
    ];

    public IReadOnlyList<HttpClient> RiskOfficers { get; } =
    [
        ledger.Client("carol", "approver", "risk-officer"),
        ledger.Client("erin", "approver", "risk-officer"),
    ];
}

/// <summary>
/// What is recorded for one model, decided from its index alone (no randomness, so runs are comparable):
/// its datasets and checks, and per version the registration, six evaluations, a staging promotion with one
/// approval and a production promotion with up to three approvals.
/// </summary>
internal sealed record ModelPlan(int Index, string Name, string[] Licenses, bool Rescan, IReadOnlyList<VersionPlan> Versions)
{
    private static readonly string[] Domains = ["churn", "fraud", "ranking", "forecast", "credit", "pricing", "search", "vision"];
    private static readonly string[] AllowedLicenses = ["CC-BY-4.0", "LicenseRef-internal", "Apache-2.0", "CDLA-Permissive-2.0", "CC0-1.0", "MIT"];

    public const int DatasetsPerModel = 5; // three training sets, validation, holdout

    public string TrainA => $"{Name}-train-events@1";
    public string TrainB => $"{Name}-train-profiles@1";
    public string TrainC => $"{Name}-train-billing@1";
    public string Validation => $"{Name}-validation@1";
    public string Holdout => $"{Name}-holdout@1";

    /// <summary>Entries the plan appends when every call succeeds.</summary>
    public int Entries => DatasetsPerModel + 4 + (Rescan ? 2 : 0) + Versions.Sum(v => v.Entries);

    public static ModelPlan For(int index)
    {
        var h = Mix(index);
        var versions = 2 + (int)(h % 3); // 2 to 4 versions
        var plans = Enumerable.Range(1, versions).Select(v =>
        {
            var hv = Mix(index * 31 + v);
            var holdoutAuc = 0.80 + hv % 16 / 100.0; // 0.80 .. 0.95: about a third fall under the 0.85 threshold
            return new VersionPlan(v.ToString(CultureInfo.InvariantCulture), Sha(hv), holdoutAuc, Production: true);
        }).ToList();
        var licenses = Enumerable.Range(0, 3).Select(i => AllowedLicenses[(int)((h >> (8 * i)) % (ulong)AllowedLicenses.Length)]).ToArray();
        var name = $"{Domains[index % Domains.Length]}-{index.ToString("D5", CultureInfo.InvariantCulture)}";
        return new ModelPlan(index, name, licenses, Rescan: h % 10 == 0, plans);
    }

    public static string Sha(ulong seed)
    {
        Span<byte> bytes = stackalloc byte[32];
        for (var i = 0; i < 4; i++)
        {
            BitConverter.TryWriteBytes(bytes[(i * 8)..], Mix((long)seed + i));
        }

        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>FNV-1a over the UTF-16 code units: a stable hash of a string (string.GetHashCode differs per process).</summary>
    public static ulong Hash(string text)
    {
        var h = 14695981039346656037UL;
        foreach (var c in text)
        {
            h = unchecked((h ^ c) * 1099511628211UL);
        }

        return h;
    }

    /// <summary>SplitMix64: a well-spread hash of an integer.</summary>
    public static ulong Mix(long value)
    {
        var z = unchecked((ulong)value + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}

/// <param name="Production">Whether a production promotion is requested after staging.</param>
/// <param name="PendingAfter">When set, the production promotion gets this many approvals (0 to 2) from approvers without
/// the risk-officer role, whatever the metrics, and stays pending: the production policy still needs a risk officer.</param>
internal sealed record VersionPlan(string Version, string Artifact, double HoldoutAuc, bool Production, int? PendingAfter = null)
{
    public const double Threshold = 0.85;

    public bool MeetsProduction => HoldoutAuc >= Threshold;

    /// <summary>
    /// register 1, evaluations 6, staging: request 2 (requested + evaluated) and one approval 4 (granted, evaluated,
    /// approved, stage changed); production: request 2, then two approvals without a risk officer 2 each, then a
    /// risk officer 4 when the version meets the policy, or a single approval 2 when it does not (left pending);
    /// with <see cref="PendingAfter"/>, request 2 and its approvals 2 each.
    /// </summary>
    public int Entries => 1 + 6 + 6 + (!Production ? 0 : PendingAfter is { } n ? 2 + 2 * n : MeetsProduction ? 2 + 2 + 2 + 4 : 2 + 2);
}

/// <summary>Sends one model's plan through the API, call by call, as a pipeline and its approvers would.</summary>
internal sealed class TrafficSender(Identities who)
{
    /// <summary>Called with the number of entries each successful write appended.</summary>
    public Action<int> Appended { get; init; } = _ => { };

    /// <summary>Called once per HTTP request sent.</summary>
    public Action Requested { get; init; } = () => { };

    /// <summary>Called when a request is sent again because the ledger answered "concurrent change, retry".</summary>
    public Action Retried { get; init; } = () => { };

    private const int MaxAttempts = 8;

    public async Task SendAsync(ModelPlan plan, CancellationToken ct, string failPiiScanOf = "")
    {
        var pipeline = who.Pipeline;
        await Post(pipeline, "/v1/datasets", Dataset(plan.TrainA, plan.Licenses[0], "train", 'a'), ct);
        await Post(pipeline, "/v1/datasets", Dataset(plan.TrainB, plan.Licenses[1], "train", 'b'), ct);
        await Post(pipeline, "/v1/datasets", Dataset(plan.TrainC, plan.Licenses[2], "train", 'c'), ct);
        await Post(pipeline, "/v1/datasets", Dataset(plan.Validation, "CC-BY-4.0", "validation", 'd'), ct);
        await Post(pipeline, "/v1/datasets", Dataset(plan.Holdout, "CC-BY-4.0", "holdout", 'e'), ct);
        foreach (var dataset in new[] { plan.TrainA, plan.TrainB, plan.TrainC, plan.Holdout })
        {
            var failed = dataset == failPiiScanOf || (plan.Rescan && dataset == plan.TrainC);
            await Post(pipeline, $"/v1/datasets/{dataset}/checks", PiiScan(failed ? "failed" : "passed"), ct);
        }

        if (plan.Rescan)
        {
            // the failed scan was followed by a clean-up and a schema check, then a passing re-scan
            await Post(pipeline, $"/v1/datasets/{plan.TrainC}/checks", new { check = "schema", result = "passed", details = "schema v4" }, ct);
            await Post(pipeline, $"/v1/datasets/{plan.TrainC}/checks", PiiScan("passed"), ct);
        }

        foreach (var version in plan.Versions)
        {
            await SendVersionAsync(plan, version, ct);
        }
    }

    private async Task SendVersionAsync(ModelPlan plan, VersionPlan version, CancellationToken ct)
    {
        var pipeline = who.Pipeline;
        var name = plan.Name;
        var v = version.Version;
        var k = (int)(ModelPlan.Mix(plan.Index * 7 + v.Length) % 100) / 1000.0;
        await Post(pipeline, $"/v1/models/{name}/versions", new
        {
            version = v, artifactSha256 = version.Artifact, framework = "xgboost", trainingRunId = $"run-{plan.Index}-{v}",
            codeCommit = version.Artifact[..12], trainedOn = new[] { plan.TrainA, plan.TrainB, plan.TrainC },
            parameters = new { depth = 6, eta = 0.1, rounds = 400 },
        }, ct);

        var evaluations = new (string Dataset, object Metrics)[]
        {
            (plan.TrainA, new { auc = 0.97 - k, logloss = 0.21 + k }),
            (plan.Validation, new { auc = version.HoldoutAuc + 0.02, f1 = 0.71 }),
            (plan.Holdout, new { auc = version.HoldoutAuc - 0.01, precision = 0.74, recall = 0.69 }),
            (plan.TrainA, new { auc = 0.97 - k / 2, logloss = 0.20 + k }),
            (plan.Validation, new { auc = version.HoldoutAuc + 0.03, f1 = 0.72 }),
            (plan.Holdout, new { auc = version.HoldoutAuc, precision = 0.75, recall = 0.70 }), // the latest counts
        };
        foreach (var (dataset, metrics) in evaluations)
        {
            await Post(pipeline, $"/v1/models/{name}/versions/{v}/evaluations", new { dataset, metrics }, ct);
        }

        var approvers = who.Approvers;
        var first = plan.Index + int.Parse(v, CultureInfo.InvariantCulture);
        var staging = await Post(pipeline, "/v1/promotions",
            new { model = name, version = v, targetStage = "staging", justification = $"candidate {v}: validation auc {version.HoldoutAuc + 0.03:0.00}" }, ct);
        await Post(Pick(approvers, first), $"/v1/promotions/{staging.Id()}/approvals",
            new { decision = "approve", comment = "offline metrics reviewed" }, ct);

        if (!version.Production)
        {
            return;
        }

        var production = await Post(pipeline, "/v1/promotions",
            new { model = name, version = v, targetStage = "production", justification = $"holdout auc {version.HoldoutAuc:0.00}" }, ct);
        var id = production.Id();
        if (version.PendingAfter is { } approvals)
        {
            for (var n = 1; n <= approvals; n++)
            {
                await Post(Pick(approvers, first + n), $"/v1/promotions/{id}/approvals", new { decision = "approve", comment = "ok" }, ct);
            }

            return; // awaiting a risk officer
        }

        await Post(Pick(approvers, first + 1), $"/v1/promotions/{id}/approvals", new { decision = "approve", comment = "ok" }, ct);
        if (!version.MeetsProduction)
        {
            return; // the decision recorded with the approval names the holdout AUC; the promotion stays pending
        }

        await Post(Pick(approvers, first + 2), $"/v1/promotions/{id}/approvals", new { decision = "approve", comment = "ok" }, ct);
        await Post(Pick(who.RiskOfficers, first), $"/v1/promotions/{id}/approvals",
            new { decision = "approve", comment = "risk review done" }, ct);
    }

    /// <summary>A single-entry write: a dataset check, used to top the ledger up to the exact target.</summary>
    public Task<System.Text.Json.Nodes.JsonObject> RecordCheckAsync(string dataset, int n, CancellationToken ct) =>
        Post(who.Pipeline, $"/v1/datasets/{dataset}/checks", new { check = "drift-scan", result = "passed", details = $"nightly drift scan {n}" }, ct);

    public Task<System.Text.Json.Nodes.JsonObject> RegisterDatasetAsync(string id, CancellationToken ct) =>
        Post(who.Pipeline, "/v1/datasets", Dataset(id, "CC-BY-4.0", "holdout", 'f'), ct);

    /// <summary>One write; retried with backoff, as a pipeline would, when the ledger answers that a concurrent change won.</summary>
    private async Task<System.Text.Json.Nodes.JsonObject> Post(HttpClient client, string path, object body, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            Requested();
            try
            {
                var receipt = await client.PostAsync(path, body, ct);
                Appended(receipt.Entries());
                return receipt;
            }
            catch (LedgerCallFailed e) when (e.Retryable && attempt < MaxAttempts)
            {
                Retried();
                await Task.Delay(TimeSpan.FromMilliseconds((10 << Math.Min(attempt, 7)) * (0.5 + Random.Shared.NextDouble())), ct);
            }
        }
    }

    /// <summary>The body of a dataset registration for <paramref name="id"/> (name@version).</summary>
    public static object Dataset(string id, string license = "CC-BY-4.0", string tag = "train", char digest = 'a')
    {
        var at = id.LastIndexOf('@');
        var (name, version) = (id[..at], id[(at + 1)..]);
        return new
        {
            name, version, uri = $"s3://ml-data/{name}/{version}/", sha256 = ModelPlan.Sha(ModelPlan.Hash(id) ^ digest),
            license, containsPersonalData = false, tags = new[] { tag }, derivedFrom = Array.Empty<string>(),
            schema = "parquet; 48 columns", rowCount = 1_250_000L,
        };
    }

    private static HttpClient Pick(IReadOnlyList<HttpClient> clients, int n) => clients[((n % clients.Count) + clients.Count) % clients.Count];

    private static object PiiScan(string result) =>
        new { check = "pii-scan", result, details = result == "passed" ? "presidio 2.2: no findings" : "presidio 2.2: 14 e-mail addresses" };
}
