using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using static MlLedger.Bench.Report;

namespace MlLedger.Bench;

/// <summary>What a load run measured: answers inside the counted window, their latencies and statuses.</summary>
internal sealed record LoadResult(string Name, long Requests, TimeSpan Window, Distribution Latencies, IReadOnlyDictionary<int, long> Statuses,
    long Failures, CpuTimes Cpu)
{
    public double PerSecond => Requests / Window.TotalSeconds;

    /// <summary>CPU time per answered request over the counted window: this process (host, client, bare endpoint) and PostgreSQL.</summary>
    public string CpuLine =>
        $"CPU per request: {F(Cpu.Process.TotalMilliseconds / Math.Max(1, Requests))} ms in the bench process (host + load generator), " +
        $"{F(Cpu.Postgres.TotalMilliseconds / Math.Max(1, Requests))} ms in PostgreSQL; " +
        $"{F((Cpu.Process + Cpu.Postgres).TotalSeconds / Window.TotalSeconds)} of {Environment.ProcessorCount} CPUs busy";

    public string Line =>
        $"{Name,-40} {Num((long)PerSecond),6} req/s ({Num(Requests)} in {F(Window.TotalSeconds, "0.0")} s), {MillisecondsLine(Latencies)}; " +
        string.Join(", ", Statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {Num(s.Value)}")) + (Failures > 0 ? $", {Num(Failures)} failed" : "");
}

/// <summary>
/// A bounded load generator on loopback: <c>connections</c> workers, each with one connection of its own, send
/// requests back to back for a warm-up and then a counted window (or until the requests run out). Latency is taken
/// at the client, from the start of the send to the end of the body.
/// </summary>
internal static class LoadLoop
{
    /// <summary>
    /// <paramref name="request"/> makes request n (numbered across all workers) or null when there are no more;
    /// <paramref name="token"/> is the bearer token of worker w, if any.
    /// </summary>
    public static async Task<LoadResult> RunAsync(string name, Uri address, int connections, TimeSpan warmup, TimeSpan window,
        Func<long, HttpRequestMessage?> request, Func<int, string?> token, CpuMeter cpu, CancellationToken ct)
    {
        var next = -1L;
        var clock = Stopwatch.StartNew();
        var statuses = new ConcurrentDictionary<int, long>();
        var failures = 0L;
        var firstFailure = "";
        var stoppedAt = TimeSpan.Zero;
        var workers = Enumerable.Range(0, connections).Select(w => Task.Run(async () =>
        {
            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 1, UseProxy = false, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
            using var client = new HttpClient(handler) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
            if (token(w) is { } bearer)
            {
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            }

            var latencies = new List<long>();
            while (clock.Elapsed < warmup + window && request(Interlocked.Increment(ref next)) is { } message)
            {
                using (message)
                {
                    var started = Stopwatch.GetTimestamp();
                    var counted = clock.Elapsed >= warmup;
                    try
                    {
                        using var response = await client.SendAsync(message, ct);
                        await response.Content.ReadAsByteArrayAsync(ct);
                        if (counted && clock.Elapsed < warmup + window)
                        {
                            latencies.Add(Stopwatch.GetTimestamp() - started);
                            statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                        }
                    }
                    catch (HttpRequestException e)
                    {
                        if (Interlocked.Increment(ref failures) == 1)
                        {
                            firstFailure = e.Message;
                        }
                    }
                }
            }

            return latencies;
        }, ct)).ToList();
        var cpuAtStart = default(CpuTimes);
        var done = Task.WhenAll(workers);
        var windowStarted = Task.Delay(warmup, ct).ContinueWith(_ => cpuAtStart = cpu.Read(), TaskScheduler.Default);
        await Task.WhenAny(done, Task.Delay(warmup + window, ct));
        var cpuAtEnd = cpu.Read();
        await windowStarted;
        var all = await done;
        stoppedAt = clock.Elapsed;
        if (failures > 0)
        {
            Console.WriteLine($"  {name}: {Num(failures)} requests failed without an answer, the first: {firstFailure}");
        }

        // a run that ran out of requests before the end of the window counts the time it actually ran
        var counted = stoppedAt < warmup + window ? stoppedAt - warmup : window;
        var latenciesAll = all.SelectMany(l => l).ToList();
        if (counted <= TimeSpan.Zero || latenciesAll.Count == 0)
        {
            throw new BenchFailure($"{name}: the requests ran out during the warm-up; seed more");
        }

        return new LoadResult(name, latenciesAll.Count, counted, new Distribution(latenciesAll), statuses, failures, cpuAtEnd - cpuAtStart);
    }

    public static HttpRequestMessage PostJson(string path, string json) =>
        new(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
}
