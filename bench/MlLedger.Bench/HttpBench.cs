using System.Diagnostics;
using MlLedger.Policies;
using static MlLedger.Bench.LatencyFloors;
using static MlLedger.Bench.Report;
using static MlLedger.Bench.TimedChecks;

namespace MlLedger.Bench;

/// <summary>
/// <c>http</c> mode: a throwaway PostgreSQL and the real ledger host; the ledger is seeded through the API, then
/// POST /v1/policy/check is timed from the client, one call at a time, with a server-side breakdown.
/// </summary>
internal static class HttpBench
{
    private const double TargetP99Milliseconds = 20;
    private const int BaselineWarmup = 1_000;

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
        Summary.AtMost("http", $"POST /v1/policy/check p99, {Num(afterSeeding)} entries", p99, "ms", TargetP99Milliseconds);

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
}
