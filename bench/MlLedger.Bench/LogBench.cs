using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlLedger.Integrity.Checkpoints;
using MlLedger.Integrity.Merkle;
using MlLedger.Policies;
using Npgsql;
using static MlLedger.Bench.Report;

namespace MlLedger.Bench;

/// <summary>
/// The transparency log under load, on the real host (HotCold daemon, 1 s checkpoints):
/// 1. sustained writes for --log-seconds: how long after a write is acknowledged its entry is a leaf (sequencer lag)
///    and under a signed checkpoint, and whether that lag grows over the run;
/// 2. the log grown to --leaves leaves (synthetic leaf hashes appended to the real ones with the sequencer's own
///    tree code, and a checkpoint over all of them signed with the ledger's key), then inclusion and consistency proof latency
///    through the API, each proof checked against the checkpoint's root.
/// </summary>
internal static class LogBench
{
    private static readonly string[] TrainTags = ["train"];

    public static async Task RunAsync(BenchOptions options, CancellationToken ct)
    {
        Console.WriteLine("== log mode: sequencer lag under load, then proofs at scale ==");
        var policies = PolicySet.Load(options.PoliciesDirectory);
        using var martenErrors = new MartenErrors();
        await using var ledger = await BenchLedger.StartAsync(policies, martenErrors, _ => { }, ct);
        await SequencerLag(ledger, options, martenErrors, ct);
        await Proofs(ledger, options, ct);
    }

    private static async Task SequencerLag(BenchLedger ledger, BenchOptions options, MartenErrors martenErrors, CancellationToken ct)
    {
        var writes = new ConcurrentQueue<(long Seq, long AckedAt)>();
        var sequenced = new ConcurrentDictionary<long, long>(); // seq -> first time seen sequenced (ticks)
        var covered = new List<(long At, long Size)>(); // checkpoint sizes as they appear
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var started = Stopwatch.GetTimestamp();
        var deadline = TimeSpan.FromSeconds(options.LogSeconds);

        var monitor = Task.Run(async () =>
        {
            await using var connection = new NpgsqlConnection(ledger.ConnectionString);
            await connection.OpenAsync(ct);
            long lastSeq = 0, lastCheckpoint = -1, leaves = 0;
            // after the writers stop: until the last write is a leaf and under a checkpoint
            while (!stop.IsCancellationRequested || lastSeq < MaxSeq(writes) || lastCheckpoint < leaves)
            {
                var (seq, size, tree) = await Positions(connection, ct);
                leaves = tree;
                var now = Stopwatch.GetTimestamp();
                if (seq > lastSeq)
                {
                    sequenced[seq] = now;
                    lastSeq = seq;
                }

                if (size > lastCheckpoint)
                {
                    covered.Add((now, size));
                    lastCheckpoint = size;
                }

                await Task.Delay(2, CancellationToken.None);
            }
        }, CancellationToken.None);

        var writers = Enumerable.Range(0, options.Concurrency).Select(w => Task.Run(async () =>
        {
            var client = ledger.Client($"bench-writer-{w}", "pipeline");
            for (var i = 0; Stopwatch.GetElapsedTime(started) < deadline; i++)
            {
                var body = new
                {
                    name = $"lag-{w}-{i}", version = "1", uri = $"s3://bench/lag/{w}/{i}", sha256 = new string('a', 64),
                    license = "CC-BY-4.0", containsPersonalData = false, tags = TrainTags, derivedFrom = Array.Empty<string>(),
                };
                using var response = await client.PostAsJsonAsync("/v1/datasets", body, JsonSerializerOptions.Web, ct);
                if (response.StatusCode != HttpStatusCode.Created)
                {
                    throw new BenchFailure($"write answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
                }

                var receipt = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
                writes.Enqueue(((long)receipt["entries"]![0]!["seq"]!, Stopwatch.GetTimestamp()));
            }
        }, ct)).ToList();
        await Task.WhenAll(writers);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var stoppedAt = Stopwatch.GetTimestamp();
        await stop.CancelAsync();
        await monitor.WaitAsync(TimeSpan.FromMinutes(5), ct);

        // a write's lag: from its acknowledgement to the first observation of the sequencer at or past it
        var marks = sequenced.OrderBy(p => p.Key).Select(p => (p.Key, p.Value)).ToArray();
        var ordered = writes.OrderBy(w => w.AckedAt).ToArray();
        var lags = ordered.Select(w => Math.Max(0, FirstAtOrAfter(marks, w.Seq) - w.AckedAt)).ToArray();
        var leafIndexes = await LeafIndexes(ledger, ct);
        var checkpointLags = ordered.Select(w => Math.Max(0, FirstCovering(covered, leafIndexes[w.Seq]) - w.AckedAt)).ToArray();
        var quarter = Math.Max(1, lags.Length / 4);

        // once the writers stop, the sequencer has the machine to itself: how fast does it drain what is left?
        var lastAcked = ordered.Max(w => w.Seq);
        var behind = marks.Where(m => m.Item2 <= stoppedAt).Select(m => m.Item1).DefaultIfEmpty(0).Max();
        var drained = FirstAtOrAfter(marks, lastAcked);
        var backlog = ordered.Count(w => w.Seq > behind);

        Console.WriteLine($"sustained writes: {Num(ordered.Length)} dataset registrations in {F(elapsed.TotalSeconds, "0.0")} s " +
                          $"({F(ordered.Length / elapsed.TotalSeconds, "0")} entries/s, {options.Concurrency} clients)");
        Console.WriteLine($"  acknowledged -> leaf (sequencer lag):     {MillisecondsLine(new Distribution(lags))}");
        Console.WriteLine($"  acknowledged -> under a signed checkpoint: {MillisecondsLine(new Distribution(checkpointLags))}");
        Console.WriteLine($"  sequencer lag p99, first quarter of the run {F(Milliseconds(new Distribution(lags.Take(quarter)).Percentile(99)))} ms, " +
                          $"last quarter {F(Milliseconds(new Distribution(lags.Skip(lags.Length - quarter)).Percentile(99)))} ms");
        Console.WriteLine($"  backlog when the writers stopped: {Num(backlog)} entries, drained in {F(Math.Max(0, Milliseconds(drained - stoppedAt)), "0")} ms" +
                          (backlog >= 1000 && drained > stoppedAt ? $" ({F(backlog / Math.Max(1e-9, (drained - stoppedAt) / (double)Stopwatch.Frequency), "0")} entries/s)" : ""));
        if (martenErrors.Other > 0)
        {
            Console.WriteLine($"  Marten errors logged: {martenErrors.Other}");
        }

        Summary.Note("log", $"sequencer lag p99 under {options.Concurrency} writers", $"{F(Milliseconds(new Distribution(lags).Percentile(99)))} ms");
    }

    private static async Task Proofs(BenchLedger ledger, BenchOptions options, CancellationToken ct)
    {
        var grow = await SyntheticLog.GrowAsync(ledger, options.Leaves, ct);
        var auditor = ledger.Client("bench-auditor", "auditor");
        var checkpoint = await WaitForCheckpoint(auditor, grow.Size, ct);
        Console.WriteLine($"log grown to {Num(grow.Size)} leaves ({Num(grow.Synthetic)} synthetic) in {F(grow.Elapsed.TotalSeconds, "0.0")} s; " +
                          $"checkpoint {Num(checkpoint.Size)} signed");

        var random = new Random(6962);
        var inclusion = new List<long>();
        var consistency = new List<long>();
        for (var i = 0; i < options.Warmup + options.Checks; i++)
        {
            var index = random.NextInt64(grow.FirstSynthetic, grow.Size);
            var t0 = Stopwatch.GetTimestamp();
            var proof = await auditor.GetFromJsonAsync<JsonObject>($"/v1/log/proof/inclusion?seq={SyntheticLog.SeqBase + index}", ct);
            var t1 = Stopwatch.GetTimestamp();
            var from = random.NextInt64(1, grow.Size);
            var link = await auditor.GetFromJsonAsync<JsonObject>($"/v1/log/proof/consistency?from={from}&to={checkpoint.Size}", ct);
            var t2 = Stopwatch.GetTimestamp();
            if (i < options.Warmup)
            {
                continue;
            }

            inclusion.Add(t1 - t0);
            consistency.Add(t2 - t1);
            if (i % 100 == 0)
            {
                // the answers are real proofs: they verify against the signed root
                MerkleVerifier.VerifyInclusion(index, checkpoint.Size, Convert.FromHexString((string)proof!["leafHash"]!),
                    proof["hashes"]!.AsArray().Select(h => Convert.FromHexString((string)h!)).ToList(), checkpoint.RootHash);
                Ensure(Convert.FromHexString((string)link!["toRoot"]!).AsSpan().SequenceEqual(checkpoint.RootHash), "consistency proof root");
            }
        }

        Console.WriteLine($"GET /v1/log/proof/inclusion at {Num(checkpoint.Size)} leaves ({Num(inclusion.Count)} sequential): {MillisecondsLine(new Distribution(inclusion))}");
        Console.WriteLine($"GET /v1/log/proof/consistency to {Num(checkpoint.Size)} leaves: {MillisecondsLine(new Distribution(consistency))}");
        Summary.AtMost("log", $"inclusion proof p99 at {Num(checkpoint.Size)} leaves", Milliseconds(new Distribution(inclusion).Percentile(99)), "ms", 5);
        Summary.AtMost("log", $"consistency proof p99 at {Num(checkpoint.Size)} leaves", Milliseconds(new Distribution(consistency).Percentile(99)), "ms", 5);
    }

    /// <summary>The sequencer's last appended sequence number, the latest checkpoint's size (-1 when none) and the tree size.</summary>
    private static async Task<(long Seq, long Checkpoint, long Leaves)> Positions(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT coalesce((SELECT (data->>'lastSequence')::bigint FROM {BenchLedger.Schema}.mt_doc_logstate), 0), " +
            $"coalesce((SELECT max(tree_size) FROM {BenchLedger.Schema}.log_checkpoints), -1), " +
            $"coalesce((SELECT (data->>'size')::bigint FROM {BenchLedger.Schema}.mt_doc_logstate), 0)", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    private static async Task<Dictionary<long, long>> LeafIndexes(BenchLedger ledger, CancellationToken ct)
    {
        var indexes = new Dictionary<long, long>();
        await using var connection = new NpgsqlConnection(ledger.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand($"SELECT seq, idx FROM {BenchLedger.Schema}.log_leaves", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            indexes[reader.GetInt64(0)] = reader.GetInt64(1);
        }

        return indexes;
    }

    private static long MaxSeq(ConcurrentQueue<(long Seq, long AckedAt)> writes) => writes.IsEmpty ? 0 : writes.Max(w => w.Seq);

    /// <summary>The first observation time at which the sequencer had reached <paramref name="seq"/>.</summary>
    private static long FirstAtOrAfter((long Seq, long At)[] marks, long seq)
    {
        var found = long.MaxValue;
        for (var i = marks.Length - 1; i >= 0 && marks[i].Seq >= seq; i--)
        {
            found = Math.Min(found, marks[i].At);
        }

        return found == long.MaxValue ? throw new BenchFailure($"entry {seq} was never sequenced") : found;
    }

    private static long FirstCovering(List<(long At, long Size)> checkpoints, long leafIndex) =>
        checkpoints.FirstOrDefault(c => c.Size > leafIndex) is { At: > 0 } hit
            ? hit.At
            : throw new BenchFailure($"leaf {leafIndex} was never under a checkpoint");

    /// <summary>The latest checkpoint once it covers at least <paramref name="size"/> leaves (2 minutes at most).</summary>
    public static async Task<Checkpoint> WaitForCheckpoint(HttpClient auditor, long size, CancellationToken ct)
    {
        var deadline = Stopwatch.GetTimestamp() + 120 * Stopwatch.Frequency;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            var note = await auditor.GetStringAsync("/v1/log/checkpoint", ct);
            var body = note[..(note.IndexOf("\n\n", StringComparison.Ordinal) + 1)];
            var checkpoint = Checkpoint.Parse(body);
            if (checkpoint.Size >= size)
            {
                return checkpoint;
            }

            await Task.Delay(50, ct);
        }

        throw new BenchFailure($"no checkpoint of {size} leaves within 2 minutes (see the host's log for the issuer's refusal)");
    }

    private static string MillisecondsLine(Distribution d) =>
        $"p50 {F(Milliseconds(d.Percentile(50)))}  p90 {F(Milliseconds(d.Percentile(90)))}  p99 {F(Milliseconds(d.Percentile(99)))}  " +
        $"max {F(Milliseconds(d.Max))} ms";

    private static void Ensure(bool condition, string what)
    {
        if (!condition)
        {
            throw new BenchFailure($"{what} does not match the signed checkpoint");
        }
    }
}
