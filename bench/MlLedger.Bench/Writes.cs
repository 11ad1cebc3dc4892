using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using static MlLedger.Bench.Report;

namespace MlLedger.Bench;

/// <summary>
/// Writes through the API, counted, and retried with backoff as a pipeline would when the ledger answers that a
/// concurrent change won (409 concurrency-conflict) or that it is briefly unavailable (503).
/// </summary>
internal sealed class Writes
{
    private const int MaxAttempts = 8;
    private long _requests;
    private long _retries;
    private long _entries;

    public long Requests => Interlocked.Read(ref _requests);

    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>Entries the answered writes say they appended.</summary>
    public long Entries => Interlocked.Read(ref _entries);

    /// <summary>
    /// POSTs a JSON body and answers the receipt. With <paramref name="refusal"/>, the write must be a refusal the ledger
    /// recorded (409 with the entries it appended, e.g. a blocked deployment); without it, any 2xx.
    /// </summary>
    public async Task<JsonObject> PostAsync(HttpClient client, string path, object body, CancellationToken ct, bool refusal = false)
    {
        for (var attempt = 1; ; attempt++)
        {
            Interlocked.Increment(ref _requests);
            using var response = await client.PostAsJsonAsync(path, body, JsonSerializerOptions.Web, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            var answer = Parse(text);
            var recorded = answer["entries"] is JsonArray { Count: > 0 };
            if (refusal ? response.StatusCode == HttpStatusCode.Conflict && recorded : response.IsSuccessStatusCode)
            {
                Interlocked.Add(ref _entries, answer.Entries());
                return answer;
            }

            var retryable = response.StatusCode == HttpStatusCode.ServiceUnavailable ||
                            (response.StatusCode == HttpStatusCode.Conflict && (string?)answer["code"] == "concurrency-conflict");
            if (!retryable || attempt == MaxAttempts)
            {
                throw new BenchFailure($"POST {path} answered {(int)response.StatusCode} (expected {(refusal ? "a recorded 409" : "2xx")}): " +
                                       (text.Length <= 600 ? text : text[..600] + "…"));
            }

            Interlocked.Increment(ref _retries);
            await Task.Delay(TimeSpan.FromMilliseconds((10 << Math.Min(attempt, 7)) * (0.5 + Random.Shared.NextDouble())), ct);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> for 0 .. count-1 on <paramref name="concurrency"/> parallel clients, printing progress
    /// every 5 s; answers the elapsed time.
    /// </summary>
    public async Task<TimeSpan> ParallelAsync(string what, int count, int concurrency, Func<int, Task> work, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var entries0 = Entries;
        var next = -1;
        var done = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < count && !stop.IsCancellationRequested; i = Interlocked.Increment(ref next))
            {
                try
                {
                    await work(i);
                    Interlocked.Increment(ref done);
                }
                catch
                {
                    await stop.CancelAsync(); // one failure stops the others: the scenario would be incomplete
                    throw;
                }
            }
        }, ct)).ToList();

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5));
        var all = Task.WhenAll(workers);
        while (await Task.WhenAny(all, timer.WaitForNextTickAsync(ct).AsTask()) != all)
        {
            var rate = (Entries - entries0) / clock.Elapsed.TotalSeconds;
            Console.WriteLine($"  {what} {Duration(clock.Elapsed)}: {Num(Volatile.Read(ref done))} / {Num(count)}, " +
                              $"{Num(Entries - entries0)} entries ({Num((long)rate)} entries/s), {Num(Retries)} retries so far");
        }

        await all;
        return clock.Elapsed;
    }

    private static JsonObject Parse(string text)
    {
        try
        {
            return text.Length == 0 ? [] : JsonNode.Parse(text) as JsonObject ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
