using System.Collections.Concurrent;
using System.Text.Json;
using MlLedger.Policies;
using static MlLedger.Bench.Report;

namespace MlLedger.Bench;

/// <summary>
/// Requests/s and latency of two write endpoints (dataset registration, promotion approval) under a load of
/// --connections loopback connections, against a bare ASP.NET Core endpoint doing one Npgsql INSERT in the same
/// process, database and run. The bare endpoint is measured before and after the ledger, and its mean is the ceiling.
/// </summary>
internal static class HttpWriteBench
{
    private const double TargetRatio = 0.5;
    private const double TargetP99Milliseconds = 50;
    private const string Model = "approve-bench";
    private const string TrainingSet = "approve-bench-train@1";
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(2);

    public static async Task RunAsync(BenchOptions options, CancellationToken ct)
    {
        Heading("http-write mode: write endpoints under load against a bare endpoint doing one INSERT");
        var window = TimeSpan.FromSeconds(options.WriteSeconds);
        var connections = options.Connections;
        using var martenErrors = new MartenErrors();
        await using var ledger = await BenchLedger.StartAsync(PolicySet.Load(options.PoliciesDirectory), martenErrors, _ => { }, ct);
        await using var bare = await BareEndpoint.StartAsync(ledger.ConnectionString, ct);
        Console.WriteLine($"ledger host on {ledger.Address}, bare endpoint on {bare.Address}, embedded PostgreSQL in {ledger.PostgresDirectory}; " +
                          $"{connections} connections, {F(Warmup.TotalSeconds, "0")} s warm-up then {F(window.TotalSeconds, "0")} s counted per run");

        var promotions = await SeedPromotionsAsync(ledger, options.Approvals, options.Concurrency, ct);
        var pipelines = Enumerable.Range(0, connections).Select(w => ledger.Token($"bench-pipeline-{w}", "pipeline")).ToArray();
        var approvers = Enumerable.Range(0, connections).Select(w => ledger.Token($"bench-approver-{w}", "approver")).ToArray();
        var run = Guid.NewGuid().ToString("N")[..8];
        var cpu = new CpuMeter(ledger.PostgresDirectory);

        var before = await LoadLoop.RunAsync("bare endpoint, one INSERT (before)", bare.Address, connections, Warmup, window,
            n => LoadLoop.PostJson(BareEndpoint.Path, DatasetBody($"bare-{run}-a{n}@1")), _ => null, cpu, ct);
        Console.WriteLine($"  {before.Line}");
        Console.WriteLine($"    {before.CpuLine}");
        var datasets = await LoadLoop.RunAsync("POST /v1/datasets", ledger.Address, connections, Warmup, window,
            n => LoadLoop.PostJson("/v1/datasets", DatasetBody($"load-{run}-{n}@1")), w => pipelines[w], cpu, ct);
        Console.WriteLine($"  {datasets.Line}");
        Console.WriteLine($"    {datasets.CpuLine}");
        var approvals = await LoadLoop.RunAsync("POST /v1/promotions/{id}/approvals", ledger.Address, connections, Warmup, window,
            n => n < promotions.Count
                ? LoadLoop.PostJson($"/v1/promotions/{promotions[(int)n]}/approvals", """{"decision":"approve","comment":"offline metrics reviewed"}""")
                : null,
            w => approvers[w], cpu, ct);
        Console.WriteLine($"  {approvals.Line}");
        Console.WriteLine($"    {approvals.CpuLine}");
        var after = await LoadLoop.RunAsync("bare endpoint, one INSERT (after)", bare.Address, connections, Warmup, window,
            n => LoadLoop.PostJson(BareEndpoint.Path, DatasetBody($"bare-{run}-b{n}@1")), _ => null, cpu, ct);
        Console.WriteLine($"  {after.Line}");
        Console.WriteLine($"    {after.CpuLine}");

        var ceiling = (before.PerSecond + after.PerSecond) / 2;
        foreach (var result in new[] { datasets, approvals })
        {
            var p99 = Milliseconds(result.Latencies.Percentile(99));
            var wrong = result.Statuses.Where(s => s.Key is not (200 or 201)).Sum(s => s.Value) + result.Failures;
            Console.WriteLine($"  {result.Name}: {F(result.PerSecond / ceiling)} of the bare endpoint's {Num((long)ceiling)} req/s, p99 {F(p99)} ms" +
                              (wrong > 0 ? $"; {Num(wrong)} answers were not 2xx" : "; every answer 2xx"));
            Summary.Ratio("http-write", $"{result.Name}, {connections} connections", result.PerSecond, ceiling, "req/s", "bare INSERT endpoint", TargetRatio);
            Summary.AtMost("http-write", $"  its p99 latency", p99, "ms", TargetP99Milliseconds,
                $"bare p99 {F(Milliseconds(Math.Max(before.Latencies.Percentile(99), after.Latencies.Percentile(99))))} ms");
        }

        Console.WriteLine($"ledger entries (SQL count): {Num(await ledger.CountEntriesAsync(ct))}; Marten errors logged: {martenErrors.Other}, " +
                          $"serialization failures retried inside the ledger: {martenErrors.SerializationFailures}");
    }

    /// <summary>Model versions trained on one dataset, each with a staging promotion waiting for its one approval.</summary>
    private static async Task<IReadOnlyList<string>> SeedPromotionsAsync(BenchLedger ledger, int count, int concurrency, CancellationToken ct)
    {
        var writes = new Writes();
        var pipeline = ledger.Client("ci-bot", "pipeline");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await writes.PostAsync(pipeline, "/v1/datasets", TrafficSender.Dataset(TrainingSet), ct);
        var ids = new ConcurrentDictionary<int, string>();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            for (var n = Interlocked.Increment(ref next); n < count; n = Interlocked.Increment(ref next))
            {
                var version = (n + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                var artifact = ModelPlan.Sha(ModelPlan.Hash($"{Model}@{version}"));
                await writes.PostAsync(pipeline, $"/v1/models/{Model}/versions", new
                {
                    version, artifactSha256 = artifact, framework = "xgboost", trainingRunId = $"run-{version}", codeCommit = artifact[..12],
                    trainedOn = new[] { TrainingSet }, parameters = new { depth = 6 },
                }, ct);
                var promotion = await writes.PostAsync(pipeline, "/v1/promotions",
                    new { model = Model, version, targetStage = "staging", justification = "nightly candidate" }, ct);
                ids[n] = promotion.Id();
            }
        }, ct)));
        Console.WriteLine($"seeded {Num(count)} staging promotions awaiting one approval ({Num(writes.Entries)} entries, {Num(writes.Requests)} requests, " +
                          $"{Num(writes.Retries)} retries) in {F(clock.Elapsed.TotalSeconds, "0.0")} s");
        return [.. ids.OrderBy(p => p.Key).Select(p => p.Value)];
    }

    private static string DatasetBody(string id) => JsonSerializer.Serialize(TrafficSender.Dataset(id), JsonSerializerOptions.Web);
}
