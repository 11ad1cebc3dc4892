using System.Net;
using MlLedger.Integrity.Signing;
using static MlLedger.Bench.Report;

namespace MlLedger.Bench;

/// <summary>
/// <c>reads</c> mode: the costliest requests each role can send, on a ledger of --entries entries seeded through the API,
/// served by <c>mlledger serve</c> in a process of its own so that its CPU time and resident memory are its own. Each
/// request alone (a warm-up, then its worst of two timed runs), then bursts of --callers at once against the caps on
/// expensive reads. Every figure is printed beside its ceiling from the same run.
/// </summary>
internal static class ReadsBench
{
    /// <summary>The memory one request may add to the ledger's process: the bound this mode checks (a page of rows is about 16 MiB).</summary>
    private const double MemoryTargetMiB = 256;

    public static async Task RunAsync(BenchOptions options, CancellationToken ct)
    {
        Heading("reads mode: the worst request of each role, on mlledger serve in a process of its own");
        var cli = await StartupBench.BuildCliAsync(ct);
        // seeding writes thousands of entries as one identity: the write and report buckets are off; the read caps are the defaults
        await using var ledger = await BenchLedger.ServeAsync(cli, options.PoliciesDirectory, ["--write-rate", "off", "--report-rate", "off"], ct);
        Console.WriteLine($"mlledger serve (pid {ledger.ServerProcessId}) on {ledger.Address}, PostgreSQL in {ledger.PostgresDirectory}");

        var subjects = await SeedAsync(ledger, options, ct);
        Console.WriteLine($"  {subjects.Line}");
        var auditor = ReadClient(ledger, "reads-auditor", "auditor");
        await ReportsBench.CoveredAsync(ledger, auditor, ct);

        var calls = Calls(subjects, options.LineageModels);
        Console.WriteLine();
        Console.WriteLine("each request alone, on a fresh mlledger serve at rest (memory grows from there): one warm-up, then the worst " +
                          $"of two timed runs ({Report.LoadAverage()})");
        var alone = new List<AloneRun>();
        foreach (var call in calls)
        {
            alone.Add(await AloneAsync(ledger, call, ct));
            Console.WriteLine($"  {alone[^1].Line}");
        }

        var floors = await FloorsAsync(ledger, subjects, ct);
        Print(alone, floors, subjects);
        await BurstsAsync(ledger, alone, options.Callers, ct);
    }

    /// <summary>A client that waits as long as a read over the whole ledger takes.</summary>
    private static HttpClient ReadClient(BenchLedger ledger, string subject, string role)
    {
        var client = ledger.Client(subject, role);
        client.Timeout = TimeSpan.FromMinutes(30);
        return client;
    }

    private static async Task<ReadSubjects> SeedAsync(BenchLedger ledger, BenchOptions options, CancellationToken ct)
    {
        var writes = new Writes();
        var seeding = new ReportSeeding(ledger, writes, options.Concurrency);
        Console.WriteLine($"seeding: a lineage of {Num(1 + 3L * options.LineageModels)} nodes, a model version with about 1,000 related entries, " +
                          $"a dataset with {Num(options.DatasetChecks)} checks, then the realistic mix up to {Num(options.Entries)} entries ...");
        Console.WriteLine($"  lineage: {(await seeding.LineageAsync(options.LineageModels, ct)).Line}");
        Console.WriteLine($"  compliance subject: {(await seeding.ComplianceAsync(ct)).Line}");
        var pipeline = ledger.Client("reads-bot", "pipeline");
        await writes.PostAsync(pipeline, "/v1/datasets", TrafficSender.Dataset(CheckedDataset), ct);
        var details = string.Concat(Enumerable.Repeat("drift within bounds on 48 columns; psi max 0.031; ", 20));
        var elapsed = await writes.ParallelAsync("dataset checks", options.DatasetChecks, options.Concurrency, i =>
            writes.PostAsync(pipeline, $"/v1/datasets/{CheckedDataset}/checks", new { check = $"drift-{i % 7}", result = "passed", details = $"nightly {i}: {details}" }, ct), ct);
        Console.WriteLine($"  {CheckedDataset}: {Num(options.DatasetChecks)} checks in {F(elapsed.TotalSeconds, "0.0")} s");
        var budget = options.Entries - await ledger.CountEntriesAsync(ct);
        if (budget > 0)
        {
            var seeded = await new Seeder(new Identities(ledger), options.Concurrency).RunAsync(budget, ct);
            Console.WriteLine($"  the mix: {Num(seeded.Appended)} entries in {F(seeded.Elapsed.TotalSeconds, "0.0")} s " +
                              $"({seeded.Models} models, {seeded.Versions} versions, {Num(seeded.Retries)} retries, {seeded.Errors} failed requests)");
        }

        return await ReadSubjects.FindAsync(ledger, ct);
    }

    private const string CheckedDataset = "reads-checked@1";

    /// <summary>The costliest request of each kind, on the largest subject of its kind.</summary>
    private static List<ReadCall> Calls(ReadSubjects s, int lineageModels)
    {
        var period = $"from={ReportsBench.Iso(DateTimeOffset.UtcNow.AddDays(-1))}&to={ReportsBench.Iso(DateTimeOffset.UtcNow.AddDays(1))}";
        return
        [
            ReadCall.Get($"GET /v1/datasets/{{id}}: {CheckedDataset}", ReadCall.AnyRole, $"/v1/datasets/{CheckedDataset}"),
            ReadCall.Get("GET /v1/models/{name}/versions/{v}: compliance-subject@1", ReadCall.AnyRole, "/v1/models/compliance-subject/versions/1"),
            ReadCall.Get("GET /v1/promotions/{id}: the longest promotion", ReadCall.AnyRole, $"/v1/promotions/{s.BusiestPromotion}"),
            ReadCall.Get("GET /v1/deployments (500 at most)", ReadCall.AnyRole, "/v1/deployments"),
            ReadCall.Get($"GET /v1/entries/{{seq}}: the largest entry", ReadCall.AnyRole, $"/v1/entries/{s.LargestEntry}"),
            ReadCall.Get($"GET /v1/entries/{{seq}}/bundle: the largest entry", ReadCall.AnyRole, $"/v1/entries/{s.LargestEntry}/bundle"),
            ReadCall.Get($"GET /v1/lineage: {Num(1 + 3L * lineageModels)}-node downstream", ReadCall.AnyRole,
                $"/v1/lineage/dataset/{ReportSeeding.LineageDataset}?direction=downstream&depth=3", capped: true),
            ReadCall.Get("GET /v1/datasets/{id}/impact: the same dataset", ReadCall.AnyRole, $"/v1/datasets/{ReportSeeding.LineageDataset}/impact", capped: true),
            new("POST /v1/policy/check: compliance-subject@1 to production", ["pipeline"], HttpMethod.Post, "/v1/policy/check",
                new { model = "compliance-subject", version = "1", targetStage = "production" }),
            new("POST /v1/promotions: compliance-subject@1 to production", ["approver"], HttpMethod.Post, "/v1/promotions",
                new { model = "compliance-subject", version = "1", targetStage = "production", justification = "reads bench" }),
            ReadCall.Get("GET /v1/export: the whole log", ReadCall.Auditors, "/v1/export", capped: true),
            ReadCall.Get("GET /v1/verification/streams: every stream", ReadCall.Auditors, "/v1/verification/streams", capped: true),
            ReadCall.Get("GET /v1/verification/streams?stream=: the longest stream", ReadCall.Auditors,
                $"/v1/verification/streams?stream={Uri.EscapeDataString(s.LongestStream)}", capped: true),
            ReadCall.Get("GET /v1/verification/log: the self-check", ReadCall.Auditors, "/v1/verification/log", capped: true),
            ReadCall.Get("GET /v1/policy/decisions/{seq}/replay: the heaviest decision", ReadCall.Auditors,
                $"/v1/policy/decisions/{s.HeaviestDecision}/replay", capped: true),
            ReadCall.Get("GET /v1/reports/compliance: compliance-subject@1", ReadCall.Auditors, "/v1/reports/compliance/compliance-subject/1.pdf", capped: true),
            ReadCall.Get($"GET /v1/reports/dataset-impact: the {Num(1 + 3L * lineageModels)}-node dataset", ReadCall.Auditors,
                $"/v1/reports/dataset-impact/{ReportSeeding.LineageDataset}.pdf", capped: true),
            ReadCall.Get("GET /v1/reports/audit-period: the whole ledger", ReadCall.Auditors, $"/v1/reports/audit-period.pdf?{period}", capped: true),
        ];
    }

    /// <summary>
    /// Restarts the ledger's process and waits for it to be at rest, then sends the request three times: the memory
    /// figure is the highest peak of the three over the fresh process's resident memory (what the request made the
    /// process hold, its garbage collector's reserve included), the time and CPU those of the slower timed run.
    /// </summary>
    private static async Task<AloneRun> AloneAsync(BenchLedger ledger, ReadCall call, CancellationToken ct)
    {
        var (cpu, rest) = await FreshAsync(ledger, ct);
        var client = ReadClient(ledger, $"alone-{call.Roles[0]}", call.Roles[0]);
        var runs = new List<(Answer Answer, ServerFigures Server)>();
        for (var run = 0; run < 3; run++)
        {
            var watch = ServerWatch.Start(ledger.ServerProcessId, cpu);
            var answer = await call.SendAsync(client, ct);
            var server = watch.Stop();
            if (!IsServed(answer.Status))
            {
                throw new BenchFailure($"{call.Name} answered {(int)answer.Status}: {answer.Excerpt}");
            }

            runs.Add((answer, server));
        }

        var (slowest, figures) = runs.Skip(1).MaxBy(t => t.Server.Wall);
        return new AloneRun(call, slowest, figures with { RssBefore = rest, RssPeak = runs.Max(r => r.Server.RssPeak) });
    }

    /// <summary>A fresh ledger process at rest: its CPU meter and its resident memory.</summary>
    private static async Task<(CpuMeter Cpu, long AtRest)> FreshAsync(BenchLedger ledger, CancellationToken ct)
    {
        await ledger.RestartServerAsync(ct);
        return (new CpuMeter(ledger.PostgresDirectory, ledger.ServerProcessId), await ServerWatch.SettledRss(ledger.ServerProcessId, ct));
    }

    /// <summary>2xx, or the recorded refusal a decision may be (409 with its entries).</summary>
    private static bool IsServed(HttpStatusCode status) => (int)status is >= 200 and < 300 or 409;

    private sealed record Floors(double ExportRowsPerSecond, long ExportRows, double VerifyPerSecond);

    /// <summary>The ceilings of the reads over the whole ledger, measured now: the rows an export sends read plainly, and one core's ECDSA P-256 verify rate.</summary>
    private static async Task<Floors> FloorsAsync(BenchLedger ledger, ReadSubjects subjects, CancellationToken ct)
    {
        await RawRows.ReadAsync(ledger, ct); // the first read brings the rows into PostgreSQL's cache, as the export's warm-up did
        var (rows, chars, seconds) = await RawRows.ReadAsync(ledger, ct);
        double verify;
        using (var key = LedgerSigningKey.Generate())
        {
            verify = VerifyBench.RawVerifyRate(key, 5_000, TimeSpan.FromSeconds(3), threads: 1);
        }

        Console.WriteLine();
        Console.WriteLine($"ceilings: the export's rows read plainly through Npgsql: {Num(rows)} rows, {Num(chars)} characters in {F(seconds, "0.00")} s " +
                          $"({Num((long)(rows / seconds))} rows/s); ECDSA P-256 verify on one core: {Num((long)verify)}/s");
        return new Floors(rows / seconds, rows, verify);
    }

    private static void Print(List<AloneRun> alone, Floors floors, ReadSubjects subjects)
    {
        Console.WriteLine();
        Heading("reads mode: results");
        AloneRun Of(string prefix) => alone.First(a => a.Call.Name.StartsWith(prefix, StringComparison.Ordinal));

        var export = Of("GET /v1/export");
        Summary.Ratio("reads", "GET /v1/export, whole log: entries/s", floors.ExportRows / export.Server.Wall.TotalSeconds, floors.ExportRowsPerSecond,
            "/s", "its rows read plainly", 0.5);
        var streams = Of("GET /v1/verification/streams: every");
        Summary.Ratio("reads", "GET /v1/verification/streams, every stream: entries/s", subjects.Entries / streams.Server.Wall.TotalSeconds,
            floors.VerifyPerSecond, "/s", "ECDSA verify, 1 core", 0.5);
        var self = Of("GET /v1/verification/log");
        Summary.Ratio("reads", "GET /v1/verification/log (verifies each entry twice): entries/s", subjects.Entries / self.Server.Wall.TotalSeconds,
            floors.VerifyPerSecond / 2, "/s", "half of ECDSA verify, 1 core", 0.5);
        var lineage = Of("GET /v1/lineage");
        Summary.AtMost("reads", lineage.Call.Name, lineage.Server.Wall.TotalMilliseconds, "ms", 1_000);
        Summary.AtMost("reads", "compliance report, ~1,000 entries", Of("GET /v1/reports/compliance").Server.Wall.TotalMilliseconds, "ms", 1_000);
        Summary.AtMost("reads", $"audit period report, {Num(subjects.Entries)} entries", Of("GET /v1/reports/audit-period").Server.Wall.TotalSeconds, "s", 10);

        foreach (var role in ReadCall.AnyRole)
        {
            var mine = alone.Where(a => a.Call.Roles.Contains(role)).ToList();
            var byMemory = mine.MaxBy(a => a.Server.RssGrowth)!;
            var byCpu = mine.MaxBy(a => a.Server.ServerCpu + a.Server.PostgresCpu)!;
            var byTime = mine.MaxBy(a => a.Server.Wall)!;
            Summary.AtMost("reads", $"{role}: most memory, {byMemory.Call.Name}", byMemory.Server.RssGrowth / 1048576.0, "MiB", MemoryTargetMiB);
            Summary.Note("reads", $"{role}: most CPU, {byCpu.Call.Name}",
                $"{F(byCpu.Server.ServerCpu.TotalSeconds)} s + PostgreSQL {F(byCpu.Server.PostgresCpu.TotalSeconds)} s");
            Summary.Note("reads", $"{role}: longest, {byTime.Call.Name}", $"{F(byTime.Server.Wall.TotalSeconds)} s");
        }
    }

    /// <summary>
    /// Bursts at the caps: the capped read that took the most memory alone, sent by --callers callers at once, first all as
    /// one identity, then each as an identity of its own; then four stream verifications of every stream at once (the
    /// probe's case). Peak memory is compared with what the admitted requests would take one beside the other.
    /// </summary>
    private static async Task BurstsAsync(BenchLedger ledger, List<AloneRun> alone, int callers, CancellationToken ct)
    {
        var worst = alone.Where(a => a.Call.Capped).MaxBy(a => a.Server.RssGrowth)!;
        var streams = alone.First(a => a.Call.Name.StartsWith("GET /v1/verification/streams: every", StringComparison.Ordinal));
        Console.WriteLine();
        Console.WriteLine($"bursts ({Report.LoadAverage()}):");
        await BurstAsync(ledger, worst, callers, oneIdentity: true, ct);
        await BurstAsync(ledger, worst, callers, oneIdentity: false, ct);
        await BurstAsync(ledger, streams, 4, oneIdentity: false, ct);
    }

    /// <summary>On a fresh process at rest, one warm-up request, then the burst; memory grows from the process at rest.</summary>
    private static async Task BurstAsync(BenchLedger ledger, AloneRun alone, int callers, bool oneIdentity, CancellationToken ct)
    {
        var (cpu, rest) = await FreshAsync(ledger, ct);
        var role = alone.Call.Roles[0];
        await alone.Call.SendAsync(ReadClient(ledger, "burst-warm-up", role), ct);
        var clients = Enumerable.Range(0, callers).Select(i => ReadClient(ledger, oneIdentity ? "burst-one" : $"burst-{i}", role)).ToList();
        var watch = ServerWatch.Start(ledger.ServerProcessId, cpu);
        var answers = await Task.WhenAll(clients.Select(c => alone.Call.SendAsync(c, ct)));
        var server = watch.Stop() with { RssBefore = rest };
        var served = answers.Count(a => IsServed(a.Status));
        var refused = answers.Count(a => a.Status == HttpStatusCode.TooManyRequests);
        // anything else (a 503 when the ledger ran out of connections, a 500) is counted and shown, not hidden
        var failed = answers.Where(a => !IsServed(a.Status) && a.Status != HttpStatusCode.TooManyRequests).ToList();
        var who = oneIdentity ? "one identity" : $"{callers} identities";
        var ceiling = served * alone.Server.RssGrowth;
        Console.WriteLine($"  {alone.Call.Name}, {callers} at once from {who}: {served} served, {refused} refused 429 (" +
                          $"{string.Join(", ", answers.Where(a => a.Status == HttpStatusCode.TooManyRequests).Select(a => (LedgerCalls.CodeOf(a.Head) ?? "?")).Distinct())}), " +
                          $"{failed.Count} failed{(failed.Count == 0 ? "" : $" ({string.Join(", ", failed.Select(a => $"{(int)a.Status} {(LedgerCalls.CodeOf(a.Head) ?? "?")}").Distinct())})")}; " +
                          $"{F(server.Wall.TotalSeconds)} s, CPU ledger {F(server.ServerCpu.TotalSeconds)} s, PostgreSQL {F(server.PostgresCpu.TotalSeconds)} s, " +
                          $"peak RSS +{AloneRun.Mib(server.RssGrowth)} (of {AloneRun.Mib(server.RssPeak)})");
        // each request the caps let through is bounded on its own, so the burst is bounded by what they hold side by side
        var bound = Math.Max(1, served) * MemoryTargetMiB * 1048576;
        Summary.Add(new SummaryRow("reads", $"{callers} x {alone.Call.Name} from {who}: peak RSS growth ({served} served, {refused} refused, {failed.Count} failed)",
            $"{F(server.RssGrowth / 1048576.0, "0.0")} MiB", $"{F(ceiling / 1048576.0, "0.0")} MiB ({served} x alone)",
            ceiling > 0 ? (double)server.RssGrowth / ceiling : null, $"< {Math.Max(1, served)} x {F(MemoryTargetMiB, "0")} MiB", server.RssGrowth < bound && failed.Count == 0));
    }
}
