using System.Diagnostics;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using MlLedger.Policies;
using static MlLedger.Bench.Report;

namespace MlLedger.Bench;

/// <summary>
/// <c>console</c> mode: the lists and the console's pages on a ledger of --entries entries holding --promotions pending
/// production promotions, all awaiting one approver who holds the risk-officer role. The real host runs in this process on a
/// throwaway PostgreSQL; requests are sent one at a time over loopback, timed at the client and at the server (endpoint and
/// SQL), round robin over the targets. Each figure is printed beside its ceiling from the same run.
/// </summary>
internal static class ConsoleBench
{
    private const double ListCeilingMilliseconds = 50;
    private const double PageCeilingMilliseconds = 150;
    private const double DepthCeilingRatio = 2;
    private const double QuietLoad = 1.0;
    private static readonly double[] Depths = [0.01, 0.5, 0.99];
    private const string TrailTable = "<caption class=\"caption\">Entries, newest first</caption>";

    public static async Task RunAsync(BenchOptions options, CancellationToken ct)
    {
        Heading("console mode: the inbox, a promotion and the audit trail, as an approver sees them");
        var policies = PolicySet.Load(options.PoliciesDirectory);
        using var probe = new RequestProbe();
        using var martenErrors = new MartenErrors();
        await using var ledger = await BenchLedger.StartAsync(policies, martenErrors, probe.Attach, ct);
        Console.WriteLine($"ledger host on {ledger.Address} (dev mode, policy set {policies.Digest[..16]}…), embedded PostgreSQL in {ledger.PostgresDirectory}");

        var seed = await ConsoleSeeding.RunAsync(ledger, options, ct);
        Console.WriteLine($"seeded: {seed.Line}");
        if (seed.Pending != options.Promotions || seed.AwaitingMe != seed.Pending)
        {
            Console.WriteLine($"  NOTE: {Num(options.Promotions)} pending promotions were asked for; {Num(seed.Pending)} are pending and {Num(seed.AwaitingMe)} await {ConsoleSeeding.Approver}");
        }

        var api = ledger.Client(ConsoleSeeding.Approver, ConsoleSeeding.ApproverRoles);
        using var session = await ConsoleSession.SignInAsync(ledger.Address, ConsoleSeeding.Approver, ConsoleSeeding.ApproverRoles, ct);
        Console.WriteLine($"signed in to the console as {ConsoleSeeding.Approver} ({string.Join(", ", ConsoleSeeding.ApproverRoles)}) through the dev sign-in form");
        var depths = await TrailDepths.FindAsync(api, seed.Entries, Depths, ct);

        var ids = seed.SampleIds;
        PageTarget[] lists =
        [
            new("GET /v1/promotions?awaiting=me", api, _ => "/v1/promotions?awaiting=me", "\"items\""),
            new("inbox page /", session.Client, _ => "/", "Promotions awaiting your decision"),
            new("promotion page /promotions/{id}", session.Client, n => $"/promotions/{ids[n % ids.Count]}", "<legend>Decision</legend>"),
        ];
        // the trail's one statement takes the sequence number it starts before, if any, and the page size plus one
        var trail = new List<PageTarget> { new("/trail, first page", session.Client, _ => "/trail", TrailTable, [TrailDepths.PageSize + 1]) };
        trail.AddRange(depths.Select(d => new PageTarget(d.Name, session.Client, _ => $"/trail?cursor={Uri.EscapeDataString(d.Cursor)}", TrailTable,
            [d.Before, TrailDepths.PageSize + 1])));
        PageTarget[] targets = [.. lists, .. trail];

        var timer = new PageTimer(probe, new CpuMeter(ledger.PostgresDirectory));
        await SettleAsync(options.SettleSeconds, ct);
        await timer.RunAsync(targets, Warmup, ct);
        Console.WriteLine($"warm-up: {Warmup} rounds of the {targets.Length} requests, promotion pages cycling over {ids.Count} promotions");
        var loadBefore = LoadAverage();
        var clock = Stopwatch.StartNew();
        var samples = await timer.RunAsync(targets, options.Requests, ct);
        Console.WriteLine($"timed: {options.Requests} rounds in {F(clock.Elapsed.TotalSeconds, "0.0")} s; {loadBefore} before, {LoadAverage()} after");
        if (options.ShowSql || options.Explain)
        {
            var plans = options.Explain ? new SqlPlans(ledger.ConnectionString) : null;
            plans?.Install(ledger.Services.GetRequiredService<IDocumentStore>());
            Console.WriteLine();
            foreach (var target in targets)
            {
                await timer.ShowSqlAsync(target, plans, ct);
            }
        }

        Console.WriteLine();
        Heading("console mode: results");
        Console.WriteLine($"ledger: {seed.Line}; each request alone, {options.Requests} of each, times in ms");
        foreach (var target in targets)
        {
            Print(target, samples[target]);
        }

        var p99 = targets.ToDictionary(t => t, t => Milliseconds(new Distribution(samples[t].Select(s => s.Client)).Percentile(99)));
        var pending = $"{Num(seed.AwaitingMe)} awaiting, {Num(seed.Entries)} entries";
        foreach (var target in lists)
        {
            var ceiling = target == lists[0] ? ListCeilingMilliseconds : PageCeilingMilliseconds;
            AtMost($"{target.Name} p99 (p50 {P50(samples[target])}), {pending}", p99[target], ceiling);
        }

        var first = p99[trail[0]];
        Summary.Note("console", $"{trail[0].Name} p99 (p50 {P50(samples[trail[0]])}), {Num(seed.Entries)} entries", $"{F(first, "0.0")} ms");
        foreach (var target in trail.Skip(1))
        {
            var ratio = p99[target] / first;
            Console.WriteLine($"{target.Name}: p99 {F(p99[target], "0.0")} ms = {F(ratio)} x the first page's {F(first, "0.0")} ms " +
                              $"(ceiling {F(DepthCeilingRatio, "0")} x): {(ratio <= DepthCeilingRatio ? "within it" : "OVER it")}");
            Summary.Add(new SummaryRow("console", $"{target.Name} p99 (p50 {P50(samples[target])})", $"{F(p99[target], "0.0")} ms",
                $"{F(first, "0.0")} ms (first page)", ratio, $"ratio <= {F(DepthCeilingRatio, "0.0")}", ratio <= DepthCeilingRatio));
        }

        Console.WriteLine($"cleaning up {ledger.PostgresDirectory} ...");
    }

    /// <summary>Untimed rounds before the timed ones, so that tiered compilation has settled.</summary>
    private const int Warmup = 30;

    private static void AtMost(string figure, double p99, double ceiling)
    {
        Console.WriteLine($"{figure}: p99 {F(p99, "0.0")} ms against the {F(ceiling, "0")} ms ceiling: {(p99 < ceiling ? "within it" : "OVER it")}");
        Summary.AtMost("console", figure, p99, "ms", ceiling);
    }

    private static string P50(List<PageSample> samples) => $"{F(Milliseconds(new Distribution(samples.Select(s => s.Client)).Percentile(50)), "0.0")} ms";

    private static void Print(PageTarget target, List<PageSample> samples)
    {
        string Line(IEnumerable<long> ticks)
        {
            var d = new Distribution(ticks);
            return $"p50 {F(Milliseconds(d.Percentile(50)), "0.0"),6}  p99 {F(Milliseconds(d.Percentile(99)), "0.0"),6}  max {F(Milliseconds(d.Max), "0.0"),6}";
        }

        var cpu = samples.Average(s => s.ProcessCpu.TotalMilliseconds);
        var pg = samples.Average(s => s.PostgresCpu.TotalMilliseconds);
        Console.WriteLine($"{target.Name}");
        Console.WriteLine($"  client round trip     : {Line(samples.Select(s => s.Client))}  ({Num((long)samples.Average(s => s.Bytes))} bytes)");
        Console.WriteLine($"  endpoint (server)     : {Line(samples.Select(s => s.Server.Endpoint))}");
        Console.WriteLine($"    SQL                 : {Line(samples.Select(s => s.Server.Sql))}  ({samples[0].Server.Commands} commands)");
        Console.WriteLine($"    rest of the endpoint: {Line(samples.Select(s => s.Server.Rest))}");
        Console.WriteLine($"  outside the endpoint  : {Line(samples.Select(s => Math.Max(0, s.Client - s.Server.Endpoint)))}");
        Console.WriteLine($"  CPU per request (mean): this process {F(cpu, "0.0")} ms, PostgreSQL {F(pg, "0.0")} ms");
    }

    /// <summary>Waits, at most <paramref name="seconds"/>, for the 1-minute load average to fall below <see cref="QuietLoad"/> (seeding's own load drains first).</summary>
    private static async Task SettleAsync(int seconds, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var report = TimeSpan.Zero;
        while (Load1() is { } load && load >= QuietLoad && clock.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            if (clock.Elapsed >= report)
            {
                Console.WriteLine($"  waiting for the 1-minute load average to fall below {F(QuietLoad, "0.0")} ({Duration(clock.Elapsed)}, at most {seconds} s): {LoadAverage()}");
                report = clock.Elapsed + TimeSpan.FromSeconds(30);
            }

            await Task.Delay(TimeSpan.FromSeconds(5), ct);
        }

        Console.WriteLine($"after {F(clock.Elapsed.TotalSeconds, "0")} s of waiting: {LoadAverage()}{(Load1() >= QuietLoad ? " (not below it: measuring anyway)" : "")}");
    }

    private static double? Load1()
    {
        try
        {
            return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
