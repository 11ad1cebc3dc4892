using System.Diagnostics;
using MlLedger.Domain.Policies;
using MlLedger.Policies;
using MlLedger.Policies.Evaluating;
using static MlLedger.Bench.Report;

namespace MlLedger.Bench;

/// <summary>
/// <c>policy</c> mode: <see cref="PolicyEngine.Evaluate"/> in a tight loop on the shipped set, timed per call and
/// per batch with Stopwatch timestamps, with the bytes it allocates per call.
/// </summary>
internal static class PolicyBench
{
    private const int BatchSize = 1_000;
    private static readonly TimeSpan WarmupTime = TimeSpan.FromSeconds(2);

    public static void Run(BenchOptions options)
    {
        Heading("policy mode: PolicyEngine.Evaluate, in process");
        var load = Stopwatch.StartNew();
        var set = PolicySet.Load(options.PoliciesDirectory);
        load.Stop();
        Console.WriteLine($"policy set {set.Digest[..16]}… ({string.Join(", ", set.Policies.Select(p => $"{p.Id} v{p.Version}"))}), " +
                          $"loaded and compiled in {F(load.Elapsed.TotalMilliseconds, "0.0")} ms");

        var allowed = SampleFacts.Allowed();
        var denied = SampleFacts.Denied();
        Console.WriteLine($"facts: {allowed.Datasets.Count} datasets ({allowed.ModelVersion.TrainedOn.Count} training, each with a pii-scan), " +
                          $"{allowed.Evaluations.Count} evaluations over {allowed.Evaluations.Select(e => e.Dataset).Distinct().Count()} datasets, " +
                          $"{allowed.Approvals.Count} approvals, {allowed.ModelVersion.StageHistory.Count} stage-history entry");
        Console.WriteLine($"timer: {F(TimerOverheadNanoseconds(), "0")} ns per timestamp pair (included in the per-call figures); " +
                          $"{Num(options.Iterations)} timed calls per case after ≥{WarmupTime.TotalSeconds:0} s of warm-up");
        Console.WriteLine();

        var cases = new[] { ("allowed", allowed, true), ("denied", denied, false) };
        foreach (var (name, facts, expected) in cases)
        {
            var decision = PolicyEngine.Evaluate(set, facts);
            var failed = decision.Failures.Select(f => $"{f.Policy}/{f.Rule}").ToList();
            Console.WriteLine($"case {name}: decision allowed={decision.Allowed.ToString().ToLowerInvariant()} " +
                              $"({decision.Rules.Count} rules, {failed.Count} failed{(failed.Count > 0 ? ": " + string.Join(", ", failed) : "")})" +
                              (decision.Allowed == expected ? "" : "  <-- NOT THE EXPECTED DECISION"));
            var calls = Measure(set, facts, options.Iterations);
            Summary.Note("policy", $"PolicyEngine.Evaluate p99, {name} case, in process", $"{F(Microseconds(calls.Percentile(99)))} µs");
            Console.WriteLine();
        }
    }

    private static Distribution Measure(PolicySet set, PolicyFacts facts, int iterations)
    {
        var sink = 0;
        var warm = Stopwatch.StartNew();
        var warmCalls = 0;
        while (warm.Elapsed < WarmupTime || warmCalls < 50_000)
        {
            sink += PolicyEngine.Evaluate(set, facts).Rules.Count;
            warmCalls++;
        }

        var perCall = new long[iterations];
        var batches = new long[iterations / BatchSize];
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var gen0 = GC.CollectionCount(0);
        var gen1 = GC.CollectionCount(1);
        var gen2 = GC.CollectionCount(2);
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var start = Stopwatch.GetTimestamp();
        var batchStart = start;
        for (var i = 0; i < iterations; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            var decision = PolicyEngine.Evaluate(set, facts);
            var t1 = Stopwatch.GetTimestamp();
            perCall[i] = t1 - t0;
            sink += decision.Rules.Count;
            if ((i + 1) % BatchSize == 0)
            {
                batches[i / BatchSize] = t1 - batchStart;
                batchStart = t1;
            }
        }

        var total = Stopwatch.GetTimestamp() - start;
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        var calls = new Distribution(perCall);
        var perBatch = new Distribution(batches.Select(b => b / BatchSize)); // mean per call within each batch

        Console.WriteLine($"  per call  : {MicrosecondsLine(calls)}");
        if (perBatch.Count > 0)
        {
            Console.WriteLine($"  per batch : {Num(perBatch.Count)} batches of {Num(BatchSize)}, mean per call: best {F(Microseconds(perBatch.Min))}  " +
                              $"p50 {F(Microseconds(perBatch.Percentile(50)))}  worst {F(Microseconds(perBatch.Max))} µs");
        }

        Console.WriteLine($"  throughput: {Num((long)(iterations / (total / (double)Stopwatch.Frequency)))} calls/s on one thread " +
                          $"({F(Milliseconds(total), "0")} ms for {Num(iterations)} calls)");
        Console.WriteLine($"  allocated : {Num(allocated / iterations)} bytes per call; GCs during the run: gen0 {GC.CollectionCount(0) - gen0}, " +
                          $"gen1 {GC.CollectionCount(1) - gen1}, gen2 {GC.CollectionCount(2) - gen2}  (checksum {sink % 10})");
        return calls;
    }

    private static double TimerOverheadNanoseconds()
    {
        const int n = 1_000_000;
        long sum = 0;
        for (var i = 0; i < n; i++)
        {
            var a = Stopwatch.GetTimestamp();
            sum += Stopwatch.GetTimestamp() - a;
        }

        return sum * 1e9 / Stopwatch.Frequency / n;
    }
}
