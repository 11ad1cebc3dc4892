using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using MlLedger.Policies;
using static MlLedger.Bench.Report;

namespace MlLedger.Bench;

/// <summary>
/// <c>reports</c> mode: the lineage graph and the auditor's PDF reports on the real ledger host, each on data written
/// through the API: a 10,000-node lineage, a model version with about 1,000 related entries, and a ledger of
/// --entries entries for the audit period report. Latency is measured at the client, memory in this process (which
/// hosts the ledger).
/// </summary>
internal static class ReportsBench
{
    private const int MaxNodes = 10_000; // LineageQuery.MaxNodes
    private const int LineageWarmup = 5;
    private const int LineageRequests = 50;
    private const int RefusalRequests = 10;
    private const int ComplianceRuns = 10;
    private const int ImpactRuns = 3;
    private const int PeriodRuns = 3;

    public static async Task RunAsync(BenchOptions options, CancellationToken ct)
    {
        Heading("reports mode: lineage and PDF reports on the real ledger host");
        var policies = PolicySet.Load(options.PoliciesDirectory);
        using var martenErrors = new MartenErrors();
        using var sql = new SqlTimes();
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        await using var ledger = await BenchLedger.StartAsync(policies, martenErrors, _ => { }, ct);
        Console.WriteLine($"ledger host on {ledger.Address} (dev mode), embedded PostgreSQL in {ledger.PostgresDirectory}; " +
                          $"started in {F(clock.Elapsed.TotalSeconds, "0.0")} s");
        var writes = new Writes();
        var seeding = new ReportSeeding(ledger, writes, options.Concurrency);
        var auditor = ledger.Client("bench-auditor", "auditor");
        var rows = new List<TargetRow>();

        // 1. a 10,000-node lineage
        Console.WriteLine();
        Console.WriteLine($"lineage: {ReportSeeding.LineageDataset}, {Num(options.LineageModels)} model versions trained on it, " +
                          $"one blocked deployment attempt each, {options.Concurrency} clients ...");
        var lineageSeed = await seeding.LineageAsync(options.LineageModels, ct);
        Console.WriteLine($"  seeded {lineageSeed.Line}, {Num(writes.Retries)} client retries so far; {Errors(martenErrors)}");
        var lineagePath = $"/v1/lineage/dataset/{ReportSeeding.LineageDataset}?direction=downstream&depth=3";
        var lineage = await Timed(auditor, lineagePath, HttpStatusCode.OK, LineageWarmup, LineageRequests, sql, ct);
        var graph = JsonNode.Parse(lineage.Body)!;
        var nodes = graph["nodes"]!.AsArray().Count;
        var edges = graph["edges"]!.AsArray().Count;
        Console.WriteLine($"  GET {lineagePath}: {Num(nodes)} nodes, {Num(edges)} edges, {Num(lineage.Body.Length)} bytes of JSON");
        Console.WriteLine($"    {LineageRequests} sequential after {LineageWarmup} warm-up: {MillisecondsLine(lineage.Times)}");
        Console.WriteLine($"    SQL per request (means): {SqlLine(lineage.Sql, LineageRequests)}");
        rows.Add(TargetRow.Time($"lineage, {Num(nodes)} nodes (p99 of {LineageRequests})", lineage.Times.Percentile(99), 1_000));

        // informational: the impact report of the same dataset (no target), before the graph grows past the limit
        await CoveredAsync(ledger, auditor, ct);
        var impact = await ReportRuns.RunAsync(ledger, auditor, $"/v1/reports/dataset-impact/{ReportSeeding.LineageDataset}.pdf", ImpactRuns, sql, ct);
        impact.Print();

        // one model version more puts a graph at the limit past it
        if (nodes + 3 > MaxNodes)
        {
            await seeding.LineageModelAsync(options.LineageModels, ct);
            var refused = await Timed(auditor, lineagePath, HttpStatusCode.UnprocessableEntity, 2, RefusalRequests, sql, ct);
            Console.WriteLine($"  past the limit ({Num(nodes + 3)} nodes): 422 lineage-too-large, {RefusalRequests} sequential: {MillisecondsLine(refused.Times)}");
        }
        else
        {
            Console.WriteLine($"  (the graph is too far under the {Num(MaxNodes)}-node limit to time its 422 answer)");
        }

        // 2. a model version with about 1,000 related entries
        Console.WriteLine();
        Console.WriteLine($"compliance: {ReportSeeding.ComplianceModel}@1 with {Num(ReportSeeding.ComplianceEntries)} related entries planned " +
                          $"({ReportSeeding.ComplianceDatasets} datasets and their pii-scans, {ReportSeeding.ComplianceEvaluations} evaluations, " +
                          $"{ReportSeeding.ComplianceBlocked} blocked deployment attempts, {ReportSeeding.CompliancePromotions} promotions requested then withdrawn) ...");
        var complianceSeed = await seeding.ComplianceAsync(ct);
        Console.WriteLine($"  seeded {complianceSeed.Line}, {Num(writes.Retries)} client retries so far; {Errors(martenErrors)}");
        await CoveredAsync(ledger, auditor, ct);
        var compliance = await ReportRuns.RunAsync(ledger, auditor, "/v1/reports/compliance/compliance-subject/1.pdf", ComplianceRuns, sql, ct);
        compliance.Print();
        rows.Add(TargetRow.Time($"compliance report, {Num(compliance.Citations)} cited entries (p99 of {compliance.Warm.Count} warm)",
            compliance.WarmTimes.Percentile(99), 1_000));
        rows.Add(TargetRow.Memory("  its memory: peak RSS growth, worst run", compliance.WorstRssGrowth, 200));
        rows.Add(TargetRow.Memory("  its memory: managed heap growth, worst run", compliance.WorstHeapGrowth, 200));


        // 3. the audit period report over --entries entries
        Console.WriteLine();
        Console.WriteLine($"audit period: growing the ledger to {Num(options.Entries)} entries (promotions, approvals, blocked deployment " +
                          $"attempts), {options.Concurrency} clients ...");
        var periodSeed = await seeding.PeriodAsync(options.Entries, ct);
        var total = await ledger.CountEntriesAsync(ct);
        Console.WriteLine($"  seeded {periodSeed.Line}; {Num(total)} entries in the ledger (SQL count); {Num(writes.Retries)} client retries in all; {Errors(martenErrors)}");
        await CoveredAsync(ledger, auditor, ct);
        var to = DateTimeOffset.UtcNow.AddHours(1);
        var period = await ReportRuns.RunAsync(ledger, auditor,
            $"/v1/reports/audit-period.pdf?from={Iso(started.AddMinutes(-1))}&to={Iso(to)}", PeriodRuns, sql, ct);
        period.Print();
        rows.Add(TargetRow.Time($"audit period report, {Num(total)} entries, {Num(period.Citations)} cited (worst warm run)",
            period.WarmTimes.Max, 10_000));

        // the same report over a period in which nothing happened: the host reads and decodes the same entries (it selects
        // them by type up to the checkpoint, then by time in memory) but renders no rows, which splits reading from rendering
        Console.WriteLine();
        Console.WriteLine("the same report over an empty one-second period an hour ahead (same entries read, nothing rendered):");
        var empty = await ReportRuns.RunAsync(ledger, auditor,
            $"/v1/reports/audit-period.pdf?from={Iso(to.AddSeconds(-1))}&to={Iso(to)}", 2, sql, ct);
        empty.Print();

        Console.WriteLine();
        Heading("reports mode: results");
        Console.WriteLine($"{"what",-72} {"figure",12} {"target",10}  verdict");
        foreach (var row in rows)
        {
            Console.WriteLine(row.Line);
            Summary.Add(new SummaryRow("reports", row.What, row.Figure, "-", null, row.Target, row.Ratio <= 1));
        }

        Console.WriteLine($"memory is of this process, which hosts the ledger and also runs the client (PostgreSQL excluded): " +
                          $"{(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC; see the per-run lines above");
        Console.WriteLine($"serialization failures (SQLSTATE 40001) retried inside the ledger: {Num(martenErrors.SerializationFailures)}");
        if (martenErrors.Other > 0)
        {
            Console.WriteLine($"Marten errors logged: {Num(martenErrors.Other)}, e.g.:");
            foreach (var sample in martenErrors.Samples)
            {
                Console.WriteLine($"  {sample}");
            }
        }

        Console.WriteLine($"cleaning up {ledger.PostgresDirectory} ...");
    }

    /// <summary>Waits until a signed checkpoint covers every stored entry, so a report sees all of them.</summary>
    public static async Task CoveredAsync(BenchLedger ledger, HttpClient auditor, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var count = await ledger.CountEntriesAsync(ct);
        var checkpoint = await LogBench.WaitForCheckpoint(auditor, count, ct);
        Console.WriteLine($"  checkpoint of {Num(checkpoint.Size)} leaves covers the {Num(count)} entries (waited {F(clock.Elapsed.TotalSeconds, "0.0")} s)");
    }

    private static async Task<(Distribution Times, byte[] Body, IReadOnlyDictionary<string, (int Commands, double Milliseconds)> Sql)> Timed(
        HttpClient client, string path, HttpStatusCode expected, int warmup, int count, SqlTimes sql, CancellationToken ct)
    {
        var ticks = new List<long>();
        var body = Array.Empty<byte>();
        var totals = new Dictionary<string, (int, double)>(StringComparer.Ordinal);
        for (var i = 0; i < warmup + count; i++)
        {
            sql.Arm();
            var (elapsed, status, bytes) = await GetAsync(client, path, ct);
            var times = sql.Collect();
            if (status != expected)
            {
                throw new BenchFailure($"GET {path} answered {(int)status}, not {(int)expected}: {System.Text.Encoding.UTF8.GetString(bytes.AsSpan(0, Math.Min(600, bytes.Length)))}");
            }

            if (i >= warmup)
            {
                ticks.Add(elapsed);
                body = bytes;
                foreach (var (kind, (n, ms)) in times)
                {
                    var (n0, ms0) = totals.GetValueOrDefault(kind);
                    totals[kind] = (n0 + n, ms0 + ms);
                }
            }
        }

        return (new Distribution(ticks), body, totals);
    }

    /// <summary>One GET, timed from sending it to the last byte of the answer.</summary>
    public static async Task<(long Ticks, HttpStatusCode Status, byte[] Body)> GetAsync(HttpClient client, string path, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        using var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, ct);
        var body = await response.Content.ReadAsByteArrayAsync(ct);
        return (Stopwatch.GetTimestamp() - start, response.StatusCode, body);
    }

    public static string SqlLine(IReadOnlyDictionary<string, (int Commands, double Milliseconds)> sql, int requests) =>
        sql.Count == 0
            ? "none seen"
            : string.Join("; ", sql.OrderBy(s => s.Key, StringComparer.Ordinal)
                .Select(s => $"{s.Key} {F(s.Value.Commands / (double)requests, "0.#")} commands {F(s.Value.Milliseconds / requests, "0.0")} ms"));

    private static string Errors(MartenErrors errors) => $"{Num(errors.Other)} Marten errors logged so far";

    internal static string Iso(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A figure against its target: met, with the share of the target used, or missed by a factor.</summary>
internal sealed record TargetRow(string What, string Figure, string Target, double Ratio)
{
    public string Line => $"{What,-72} {Figure,12} {Target,10}  " +
                          (Ratio <= 1 ? $"met ({F(100 * Ratio, "0")} % of the target)" : $"MISSED by {F(Ratio, "0.0")}x");

    public static TargetRow Time(string what, long ticks, double targetMilliseconds)
    {
        var ms = Milliseconds(ticks);
        return new TargetRow(what, $"{F(ms, "0.0")} ms", $"< {F(targetMilliseconds / 1000, "0.#")} s", ms / targetMilliseconds);
    }

    public static TargetRow Memory(string what, long bytes, double targetMegabytes)
    {
        var mb = bytes / 1e6;
        return new TargetRow(what, $"{F(mb, "0.0")} MB", $"< {F(targetMegabytes, "0")} MB", mb / targetMegabytes);
    }
}
