using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlLedger.Policies;
using Npgsql;
using static MlLedger.Bench.Report;

namespace MlLedger.Bench;

/// <summary>
/// <c>http</c> mode: a throwaway PostgreSQL and the real ledger host; the ledger is seeded through the API, then
/// POST /v1/policy/check is timed from the client, one call at a time, with a server-side breakdown.
/// </summary>
internal static class HttpBench
{
    private const double TargetP99Milliseconds = 20;
    private const int BaselineWarmup = 1_000;

    /// <summary>One kind of check: which model version, and whether it names a target stage or an environment.</summary>
    private sealed record CheckVariant(string Name, byte[] Body, bool ExpectAllowed);

    private sealed record CheckSample(CheckVariant Variant, long Client, CheckTimes Server, bool Allowed);

    public static async Task RunAsync(BenchOptions options, CancellationToken ct)
    {
        Heading("http mode: POST /v1/policy/check on the real ledger host");
        var policies = PolicySet.Load(options.PoliciesDirectory);
        using var probe = new CheckProbe();
        using var martenErrors = new MartenErrors();
        var clock = Stopwatch.StartNew();
        await using var ledger = await BenchLedger.StartAsync(policies, martenErrors, probe.Attach, ct);
        Console.WriteLine($"ledger host on {ledger.Address} (dev mode, policy set {policies.Digest[..16]}…), embedded PostgreSQL in " +
                          $"{ledger.PostgresDirectory}; started in {F(clock.Elapsed.TotalSeconds, "0.0")} s");

        var who = new Identities(ledger);
        var sender = new TrafficSender(who);
        var initial = await ledger.CountEntriesAsync(ct);

        List<CheckSample>? baseline = null;
        if (options.BaselineChecks > 0)
        {
            var variants = await PrepareAsync(sender, "baseline", ct);
            // a fresh process: a longer warm-up than after seeding, so that tiered JIT has settled before timing
            var warmup = Math.Max(options.Warmup, BaselineWarmup);
            await RunChecksAsync(who.Pipeline, probe, variants, warmup, ct);
            baseline = await RunChecksAsync(who.Pipeline, probe, variants, options.BaselineChecks, ct);
            Console.WriteLine($"baseline on the near-empty ledger ({Num(await ledger.CountEntriesAsync(ct))} entries), {Num(baseline.Count)} checks " +
                              $"after {Num(warmup)} warm-up: {MillisecondsLine(new Distribution(baseline.Select(s => s.Client)))}");
        }

        var before = await ledger.CountEntriesAsync(ct);
        var serializationBefore = martenErrors.SerializationFailures;
        var budget = options.Entries - before;
        SeedResult? seeded = null;
        if (budget > 0)
        {
            Console.WriteLine($"seeding {Num(budget)} entries through the API with {options.Concurrency} parallel clients " +
                              $"(datasets, pii-scan checks, model versions, evaluations, promotions, approvals) ...");
            seeded = await new Seeder(who, options.Concurrency).RunAsync(budget, ct);
            Console.WriteLine($"seeded {Num(seeded.Appended)} entries with {Num(seeded.Requests)} requests in {F(seeded.Elapsed.TotalSeconds, "0.0")} s: " +
                              $"{Num((long)(seeded.Appended / seeded.Elapsed.TotalSeconds))} entries/s, " +
                              $"{Num((long)(seeded.Requests / seeded.Elapsed.TotalSeconds))} requests/s; {seeded.Models} models, " +
                              $"{seeded.Versions} model versions, {Num(seeded.Retries)} retried after 409 concurrency-conflict, {seeded.Errors} failed requests");
        }
        else
        {
            Console.WriteLine($"the ledger already holds {Num(before)} entries (target {Num(options.Entries)}): nothing to seed");
        }

        var seedingSerializationFailures = martenErrors.SerializationFailures - serializationBefore;
        if (seeded is not null)
        {
            Console.WriteLine($"inside the ledger: {Num(seedingSerializationFailures)} serialization failures (SQLSTATE 40001) while seeding, " +
                              $"{F(100.0 * seedingSerializationFailures / Math.Max(1, seeded.Requests), "0.0")} per 100 requests, each retried by the ledger");
        }

        var afterSeeding = await ledger.CountEntriesAsync(ct);
        Console.WriteLine($"entries in the ledger (SQL count): {Num(afterSeeding)}");

        var checks = await PrepareAsync(sender, "bench", ct);
        Console.WriteLine($"prepared bench-good@1 (meets every production rule, in production) and bench-bad@1 " +
                          "(failed pii-scan, holdout auc 0.78, one approval without a risk officer)");
        clock.Restart();
        await RunChecksAsync(who.Pipeline, probe, checks, options.Warmup, ct);
        Console.WriteLine($"warm-up: {Num(options.Warmup)} checks in {F(clock.Elapsed.TotalSeconds, "0.0")} s");
        if (options.ShowSql)
        {
            await ShowSqlAsync(who.Pipeline, probe, checks[0], ct);
        }

        var loadBefore = LoadAverage();
        var checkSerializationBefore = martenErrors.SerializationFailures;
        clock.Restart();
        var samples = await RunChecksAsync(who.Pipeline, probe, checks, options.Checks, ct);
        var checkSeconds = clock.Elapsed.TotalSeconds;
        var loadAfter = LoadAverage();
        var final = await ledger.CountEntriesAsync(ct);
        var floors = await FloorsAsync(ledger, ct);
        var reads = await StreamReads.MeasureAsync(ledger, "bench-good", ct);

        Console.WriteLine();
        Heading("http mode: results");
        Console.WriteLine($"entries in the ledger     : {Num(afterSeeding)} after seeding (target {Num(options.Entries)}; {Num(initial)} at start-up), " +
                          $"{Num(final)} after the checks (each check records one entry)");
        if (seeded is not null)
        {
            Console.WriteLine($"seeding throughput        : {Num((long)(seeded.Appended / seeded.Elapsed.TotalSeconds))} entries/s " +
                              $"({Num((long)(seeded.Requests / seeded.Elapsed.TotalSeconds))} requests/s, {options.Concurrency} clients, " +
                              $"{F(seeded.Elapsed.TotalSeconds, "0.0")} s, {Num(seeded.Retries)} client retries, {seeded.Errors} failed requests; " +
                              $"{Num(seedingSerializationFailures)} serialization failures retried inside the ledger)");
        }

        var all = new Distribution(samples.Select(s => s.Client));
        var wrong = samples.Count(s => s.Allowed != s.Variant.ExpectAllowed);
        Console.WriteLine($"policy checks             : {Num(samples.Count)} sequential after {Num(options.Warmup)} warm-up, " +
                          $"{F(samples.Count / checkSeconds, "0")} checks/s; {wrong} unexpected decisions");
        Console.WriteLine($"machine while checking    : {loadBefore} before, {loadAfter} after (other work on the CPUs inflates the tail); " +
                          $"{martenErrors.SerializationFailures - checkSerializationBefore} serialization failures");
        foreach (var sample in martenErrors.Samples)
        {
            Console.WriteLine($"other Marten error (of {martenErrors.Other}): {sample}");
        }
        Console.WriteLine($"check latency (client)    : p50 {F(Milliseconds(all.Percentile(50)))}  p90 {F(Milliseconds(all.Percentile(90)))}  " +
                          $"p99 {F(Milliseconds(all.Percentile(99)))}  max {F(Milliseconds(all.Max))} ms  (mean {F(Milliseconds(all.MeanTicks))})");
        foreach (var group in samples.GroupBy(s => s.Variant.Name))
        {
            Console.WriteLine($"  {group.Key,-24}: {MillisecondsLine(new Distribution(group.Select(s => s.Client)))}");
        }

        if (baseline is not null)
        {
            Console.WriteLine($"  {"baseline, near-empty",-24}: {MillisecondsLine(new Distribution(baseline.Select(s => s.Client)))}");
        }

        var p99 = Milliseconds(all.Percentile(99));
        Console.WriteLine($"p99 against the 20 ms target: {F(p99)} ms, {(p99 <= TargetP99Milliseconds ? "within it" : "OVER it")}");

        Console.WriteLine();
        Console.WriteLine("breakdown (server side, same checks; SQL timed with Npgsql's tracing, COMMIT is not traced and sits in 'rest'):");
        Breakdown("client round trip", samples.Select(s => s.Client));
        Breakdown("endpoint (handler)", samples.Select(s => s.Server.Handler));
        Breakdown("  SQL reads (facts)", samples.Select(s => s.Server.DbRead));
        Breakdown("  SQL write batch", samples.Select(s => s.Server.DbWrite));
        Breakdown("  rest of the endpoint", samples.Select(s => s.Server.Other));
        Breakdown("outside the endpoint", samples.Select(s => Math.Max(0, s.Client - s.Server.Handler)));
        var first = samples[0].Server;
        Console.WriteLine($"  SQL commands per check: {first.ReadCommands} reads, {first.WriteCommands} in the write batch " +
                          $"(first measured check, {samples[0].Variant.Name})");
        var slowest = samples.OrderByDescending(s => s.Client).Take(Math.Max(1, samples.Count / 100)).ToList();
        Console.WriteLine($"  slowest 1% ({slowest.Count} checks), means: client {F(Milliseconds(slowest.Average(s => (double)s.Client)))}, " +
                          $"SQL reads {F(Milliseconds(slowest.Average(s => (double)s.Server.DbRead)))}, " +
                          $"SQL write {F(Milliseconds(slowest.Average(s => (double)s.Server.DbWrite)))}, " +
                          $"rest of endpoint {F(Milliseconds(slowest.Average(s => (double)s.Server.Other)))}, " +
                          $"outside endpoint {F(Milliseconds(slowest.Average(s => (double)Math.Max(0, s.Client - s.Server.Handler))))} ms");
        reads.Print();
        Console.WriteLine($"floors: GET /healthz {floors.Health}; SELECT 1 {floors.Select}; " +
                          $"INSERT+COMMIT of a {Num(floors.PayloadBytes)}-byte row (a check entry's size) {floors.Commit}");
        Console.WriteLine($"cleaning up {ledger.PostgresDirectory} ...");
    }

    private static void Breakdown(string name, IEnumerable<long> ticks)
    {
        var d = new Distribution(ticks);
        Console.WriteLine($"  {name,-24}: {MillisecondsLine(d)}");
    }

    /// <summary>
    /// Records bench-good@1 (every production rule met, promoted to production with three approvals) and
    /// bench-bad@1 (a training set failed the pii-scan, holdout AUC 0.78, one approval without a risk officer).
    /// </summary>
    private static async Task<IReadOnlyList<CheckVariant>> PrepareAsync(TrafficSender sender, string prefix, CancellationToken ct)
    {
        var good = new ModelPlan(-1, $"{prefix}-good", ["CC-BY-4.0", "LicenseRef-internal", "Apache-2.0"], Rescan: false,
            [new VersionPlan("1", ModelPlan.Sha(ModelPlan.Hash(prefix + "good")), 0.91, Production: true)]);
        var bad = new ModelPlan(-2, $"{prefix}-bad", ["CC-BY-4.0", "CC-BY-4.0", "MIT"], Rescan: false,
            [new VersionPlan("1", ModelPlan.Sha(ModelPlan.Hash(prefix + "bad")), 0.78, Production: true)]);
        await sender.SendAsync(good, ct);
        await sender.SendAsync(bad, ct, failPiiScanOf: bad.TrainB);
        return
        [
            Variant("allowed, targetStage", good.Name, "targetStage", "production", expectAllowed: true),
            Variant("denied, targetStage", bad.Name, "targetStage", "production", expectAllowed: false),
            Variant("allowed, environment", good.Name, "environment", "prod-eu", expectAllowed: true),
            Variant("denied, environment", bad.Name, "environment", "prod-eu", expectAllowed: false),
        ];
    }

    private static CheckVariant Variant(string name, string model, string field, string value, bool expectAllowed) =>
        new(name, JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["model"] = model, ["version"] = "1", [field] = value,
        }), expectAllowed);

    private static async Task<List<CheckSample>> RunChecksAsync(HttpClient client, CheckProbe probe, IReadOnlyList<CheckVariant> variants,
        int count, CancellationToken ct)
    {
        var samples = new List<CheckSample>(count);
        for (var i = 0; i < count; i++)
        {
            var variant = variants[i % variants.Count];
            probe.Arm();
            var (ticks, body) = await SendCheckAsync(client, variant, ct);
            var server = await probe.CollectAsync(ct);
            samples.Add(new CheckSample(variant, ticks, server, (bool?)body["allowed"] == true));
        }

        probe.Disarm();
        return samples;
    }

    private static async Task<(long Ticks, JsonObject Body)> SendCheckAsync(HttpClient client, CheckVariant variant, CancellationToken ct)
    {
        using var content = new ByteArrayContent(variant.Body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var start = Stopwatch.GetTimestamp();
        using var response = await client.PostAsync(new Uri(CheckProbe.CheckPath, UriKind.Relative), content, ct);
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        var ticks = Stopwatch.GetTimestamp() - start;
        if (!response.IsSuccessStatusCode)
        {
            throw new BenchFailure($"POST {CheckProbe.CheckPath} ({variant.Name}) answered {(int)response.StatusCode}: {Encoding.UTF8.GetString(bytes)}");
        }

        return (ticks, JsonNode.Parse(bytes)?.AsObject() ?? []);
    }

    private static async Task ShowSqlAsync(HttpClient client, CheckProbe probe, CheckVariant variant, CancellationToken ct)
    {
        probe.Arm(keepStatements: true);
        var (ticks, _) = await SendCheckAsync(client, variant, ct);
        var times = await probe.CollectAsync(ct);
        Console.WriteLine($"SQL of one check ({variant.Name}): client {F(Milliseconds(ticks))} ms, endpoint {F(Milliseconds(times.Handler))} ms");
        foreach (var (sql, ms) in probe.Statements)
        {
            var oneLine = string.Join(' ', sql.Split((char[])['\n', '\r', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
            Console.WriteLine($"  {F(ms, "0.000"),8} ms  {(oneLine.Length > 200 ? oneLine[..70] + " … " + oneLine[^125..] : oneLine)}");
        }
    }

    private sealed record Floors(string Health, string Select, string Commit, long PayloadBytes);

    /// <summary>What any request pays: an HTTP round trip to the host, a SQL round trip, and a durable commit of a check-sized row.</summary>
    private static async Task<Floors> FloorsAsync(BenchLedger ledger, CancellationToken ct)
    {
        const int n = 300;
        using var anonymous = ledger.Anonymous();
        var health = new List<long>(n);
        for (var i = 0; i < n + 20; i++)
        {
            var start = Stopwatch.GetTimestamp();
            using var response = await anonymous.GetAsync(new Uri("/healthz", UriKind.Relative), ct);
            _ = await response.Content.ReadAsByteArrayAsync(ct);
            if (i >= 20)
            {
                health.Add(Stopwatch.GetTimestamp() - start);
            }
        }

        await using var source = NpgsqlDataSource.Create(ledger.ConnectionString);
        var select = new List<long>(n);
        await using (var connection = await source.OpenConnectionAsync(ct))
        {
            for (var i = 0; i < n + 20; i++)
            {
                await using var command = new NpgsqlCommand("SELECT 1", connection);
                var start = Stopwatch.GetTimestamp();
                await command.ExecuteScalarAsync(ct);
                if (i >= 20)
                {
                    select.Add(Stopwatch.GetTimestamp() - start);
                }
            }
        }

        var commit = new List<long>(n);
        long payloadBytes;
        await using (var connection = await source.OpenConnectionAsync(ct))
        {
            string data, headers;
            await using (var latest = new NpgsqlCommand(
                $"SELECT data::text, coalesce(headers::text, '{{}}') FROM {BenchLedger.Schema}.mt_events ORDER BY seq_id DESC LIMIT 1", connection))
            await using (var reader = await latest.ExecuteReaderAsync(ct))
            {
                await reader.ReadAsync(ct);
                (data, headers) = (reader.GetString(0), reader.GetString(1));
            }

            payloadBytes = Encoding.UTF8.GetByteCount(data) + Encoding.UTF8.GetByteCount(headers);
            await using (var create = new NpgsqlCommand(
                "CREATE SCHEMA bench_probe; CREATE TABLE bench_probe.write_probe (id bigserial PRIMARY KEY, data jsonb NOT NULL, headers jsonb NOT NULL)",
                connection))
            {
                await create.ExecuteNonQueryAsync(ct);
            }

            for (var i = 0; i < n + 20; i++)
            {
                await using var insert = new NpgsqlCommand("INSERT INTO bench_probe.write_probe (data, headers) VALUES ($1::jsonb, $2::jsonb)", connection);
                insert.Parameters.AddWithValue(data);
                insert.Parameters.AddWithValue(headers);
                var start = Stopwatch.GetTimestamp();
                await insert.ExecuteNonQueryAsync(ct); // autocommit: the WAL is flushed before it returns (fsync=on)
                if (i >= 20)
                {
                    commit.Add(Stopwatch.GetTimestamp() - start);
                }
            }

            await using var drop = new NpgsqlCommand("DROP SCHEMA bench_probe CASCADE", connection);
            await drop.ExecuteNonQueryAsync(ct);
        }

        return new Floors(Short(health), Short(select), Short(commit), payloadBytes);
    }

    private static string Short(List<long> ticks)
    {
        var d = new Distribution(ticks);
        return $"p50 {F(Milliseconds(d.Percentile(50)))} / p99 {F(Milliseconds(d.Percentile(99)))} ms";
    }
}
