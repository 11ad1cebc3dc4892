using System.Diagnostics;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using MlLedger.Api.Keys;
using MlLedger.Policies;
using Npgsql;
using static MlLedger.Bench.Report;

namespace MlLedger.Bench;

/// <summary>
/// Entries/s through the ledger's append path against Marten appending the same events unsigned, in the same database
/// and run: 1 and 8 writers, one entry per transaction and batches of 100. Each writer has streams of its own, so
/// the figures measure the write path, not contention on one stream.
/// </summary>
internal static class AppendBench
{
    /// <summary>A dataset's life in the bench: its registration, then three checks (a dataset with thousands of checks would measure its read model's growth).</summary>
    private const int EntriesPerStream = 4;
    private const double TargetRatio = 0.8;
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(2);

    private static readonly (int Writers, int Batch)[] Shapes = [(1, 1), (8, 1), (1, 100), (8, 100)];

    public static async Task RunAsync(BenchOptions options, CancellationToken ct)
    {
        Heading("append mode: the ledger's append path against plain Marten, same database, same run");
        var window = TimeSpan.FromSeconds(options.AppendSeconds);
        using var martenErrors = new MartenErrors();
        await using var ledger = await BenchLedger.StartAsync(PolicySet.Load(options.PoliciesDirectory), martenErrors, _ => { }, ct);
        var keys = ledger.Services.GetRequiredService<LedgerKeys>();
        await using var signed = new LedgerAppender(ledger.Services.GetRequiredService<IDocumentStore>(), keys);
        await using var bare = await PlainAppender.Bare(ledger.ConnectionString, ct);
        await using var configured = await PlainAppender.LedgerConfigured(ledger.ConnectionString, keys, ct);
        IAppender[] appenders = [bare, configured, signed];
        var cpu = new CpuMeter(ledger.PostgresDirectory);
        Console.WriteLine($"ledger host on {ledger.Address}, embedded PostgreSQL in {ledger.PostgresDirectory}; each run: {F(Warmup.TotalSeconds, "0")} s " +
                          $"warm-up, then {F(window.TotalSeconds, "0")} s counted; each writer registers new datasets and records " +
                          $"{EntriesPerStream - 1} checks on each (a batch of 100 holds 25 whole lives)");

        await WaitForSequencerAsync(ledger, long.MaxValue, ct);
        foreach (var (writers, batch) in Shapes)
        {
            Console.WriteLine();
            Console.WriteLine($"{writers} writer{(writers == 1 ? "" : "s")}, {batch} entr{(batch == 1 ? "y" : "ies")} per transaction:");
            var rates = new Dictionary<IAppender, double>();
            foreach (var appender in appenders)
            {
                var run = await RunAsync(appender, writers, batch, window, cpu, ct);
                var rate = run.Entries / window.TotalSeconds;
                var line = $"  {appender.Name,-48} {Num(run.Entries),9} entries = {Num((long)rate),7} entries/s, " +
                           $"commit {MillisecondsLine(run.Latencies)}";
                var breakdown = signed.TakeBreakdown(); // counted from the start of the run, warm-up included
                if (appender == signed)
                {
                    // the log must hold every counted entry: the time the sequencer still needs after the window counts too
                    var drain = await WaitForSequencerAsync(ledger, run.LastSequence, ct);
                    rate = run.Entries / (window + drain).TotalSeconds;
                    line += $"; sequenced {F(drain.TotalMilliseconds, "0")} ms after the window, = {Num((long)rate)} entries/s into the log";
                    // the CPU the sequencer and the checkpoint issuer spend on every entry of the run is counted too
                    await WaitForSequencerAsync(ledger, run.LastOfAll, ct);
                }

                var used = cpu.Read() - run.CpuBefore;
                line += $"; CPU per entry {F(used.Process.TotalMilliseconds * 1000 / run.All, "0")} µs in the bench process, " +
                        $"{F(used.Postgres.TotalMilliseconds * 1000 / run.All, "0")} µs in PostgreSQL";

                rates[appender] = rate;
                Console.WriteLine(line);
                if (appender == signed)
                {
                    Console.WriteLine($"  {"",-48} per transaction: {breakdown}");
                }
            }

            var shape = $"{writers} writer{(writers == 1 ? "" : "s")} x {batch}/tx";
            Console.WriteLine($"  ratio ledger / plain Marten {F(rates[signed] / rates[bare])}; ledger / Marten as configured {F(rates[signed] / rates[configured])}");
            Summary.Ratio("append", $"signed entries/s, {shape}", rates[signed], rates[bare], "/s", "plain Marten", TargetRatio);
            Summary.Note("append", $"  same, vs Marten as the ledger configures it", $"{F(rates[signed] / rates[configured])} of {Num((long)rates[configured])}/s");
        }

        Console.WriteLine();
        Console.WriteLine($"ledger entries (SQL count): {Num(await ledger.CountEntriesAsync(ct))}; Marten errors logged: {martenErrors.Other}");
    }

    /// <summary>
    /// Entries counted in the window, the last sequence number among them and their commit latencies; every entry of the
    /// run (warm-up included), the last sequence number of all, and the CPU times when the run started.
    /// </summary>
    private sealed record Run(long Entries, long LastSequence, Distribution Latencies, long All, long LastOfAll, CpuTimes CpuBefore);

    private static async Task<Run> RunAsync(IAppender appender, int writers, int batch, TimeSpan window, CpuMeter cpu, CancellationToken ct)
    {
        var cpuBefore = cpu.Read();
        var clock = Stopwatch.StartNew();
        var countFrom = Warmup;
        var countTo = Warmup + window;
        var results = await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var counted = 0L;
            var all = 0L;
            var last = 0L;
            var lastOfAll = 0L;
            var latencies = new List<long>();
            for (var n = 0L; clock.Elapsed < countTo; n++)
            {
                var started = Stopwatch.GetTimestamp();
                var sequence = await appender.AppendAsync(Batch($"{writers}x{batch}", w, n, batch), ct);
                var at = clock.Elapsed;
                all += batch;
                lastOfAll = Math.Max(lastOfAll, sequence);
                if (at >= countFrom && at < countTo)
                {
                    counted += batch;
                    last = Math.Max(last, sequence);
                    latencies.Add(Stopwatch.GetTimestamp() - started);
                }
            }

            return (counted, all, last, lastOfAll, latencies);
        }, ct)));
        return new Run(results.Sum(r => r.counted), results.Max(r => r.last), new Distribution(results.SelectMany(r => r.latencies)),
            Math.Max(1, results.Sum(r => r.all)), results.Max(r => r.lastOfAll), cpuBefore);
    }

    /// <summary>
    /// Transaction n of writer w: entries n x size onwards of the writer's sequence, in which every dataset gets
    /// <see cref="EntriesPerStream"/> entries in a row (its registration first), grouped by dataset.
    /// </summary>
    private static List<(string, IReadOnlyList<object>)> Batch(string shape, int writer, long n, int size)
    {
        var by = $"bench-writer-{writer}";
        return Enumerable.Range(0, size)
            .Select(i => n * size + i)
            .GroupBy(e => e / EntriesPerStream)
            .Select(g =>
            {
                var id = $"append-{shape}-w{writer}-s{g.Key}@1";
                var events = g.Select(e => e % EntriesPerStream == 0 ? (object)AppendEvents.Registered(id, by) : AppendEvents.Check(id, e, by)).ToList();
                return (id, (IReadOnlyList<object>)events);
            })
            .ToList();
    }

    /// <summary>Waits until the sequencer has logged every entry up to <paramref name="sequence"/> (every stored entry for MaxValue).</summary>
    private static async Task<TimeSpan> WaitForSequencerAsync(BenchLedger ledger, long sequence, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        await using var connection = new NpgsqlConnection(ledger.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            $"SELECT coalesce((SELECT (data->>'lastSequence')::bigint FROM {BenchLedger.Schema}.mt_doc_logstate), 0), " +
            $"coalesce((SELECT max(seq_id) FROM {BenchLedger.Schema}.mt_events), 0)", connection);
        while (true)
        {
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                await reader.ReadAsync(ct);
                var (logged, stored) = (reader.GetInt64(0), reader.GetInt64(1));
                if (logged >= Math.Min(sequence, stored))
                {
                    return clock.Elapsed;
                }
            }

            if (clock.Elapsed > TimeSpan.FromMinutes(5))
            {
                throw new BenchFailure($"the sequencer did not reach sequence {sequence} within 5 minutes");
            }

            await Task.Delay(2, ct);
        }
    }
}
