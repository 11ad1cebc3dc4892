using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using static MlLedger.Api.Tests.Infrastructure.Requests;

namespace MlLedger.Api.Tests.Faults;

/// <summary>
/// One answer a writer got: the HTTP status (<see cref="WriteLoad.Unreachable"/> when the connection failed,
/// <see cref="WriteLoad.TimedOut"/> when no answer came within <see cref="WriteLoad.AnswerTimeout"/>), the problem
/// code of an error, the entry of an acknowledged write, and how long the answer took.
/// </summary>
public sealed record WriteAnswer(string Dataset, string IdempotencyKey, int Status, string? Code, long? Seq, string? Hash, string? Failure)
{
    /// <summary>From sending the request to the end of its answer.</summary>
    public TimeSpan Took { get; init; }
}

/// <summary>
/// A few pipelines registering datasets as fast as the ledger answers, each dataset with its own Idempotency-Key,
/// every answer recorded. Runs until stopped; a writer whose ledger is not answering keeps trying the same write.
/// </summary>
public sealed class WriteLoad : IAsyncDisposable
{
    /// <summary>Generous: an answer that takes longer counts as none (status 0), which every test treats as a failure.</summary>
    public static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The connection was refused or broken: the ledger's process is not there (e.g. killed).</summary>
    public const int Unreachable = 0;

    /// <summary>The ledger took the request but did not answer within <see cref="AnswerTimeout"/>: it hangs.</summary>
    public const int TimedOut = -1;

    private readonly ConcurrentQueue<WriteAnswer> _answers = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<HttpClient> _clients = [];
    private readonly List<Task> _writers = [];
    private readonly string _prefix;
    private int _next;

    private WriteLoad(string prefix) => _prefix = prefix;

    /// <summary>Starts <paramref name="writers"/> writers against <paramref name="address"/>, each with the token it is given.</summary>
    public static WriteLoad Start(Uri address, Func<string> token, int writers, string prefix)
    {
        var load = new WriteLoad(prefix);
        for (var i = 0; i < writers; i++)
        {
            var client = new HttpClient { BaseAddress = address, Timeout = AnswerTimeout };
            client.DefaultRequestHeaders.Authorization = new("Bearer", token());
            load._clients.Add(client);
            load._writers.Add(Task.Run(() => load.Write(client)));
        }

        return load;
    }

    public IReadOnlyList<WriteAnswer> Answers => [.. _answers];

    public int Count(int status) => _answers.Count(a => a.Status == status);

    /// <summary>The datasets written (each possibly sent more than once).</summary>
    public int Writes => Volatile.Read(ref _next);

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_writers);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _clients.ForEach(c => c.Dispose());
        _stop.Dispose();
    }

    /// <summary>What a pipeline does after a 503 or no answer: the same request with the same Idempotency-Key.</summary>
    public static async Task<WriteAnswer> Send(HttpClient client, string dataset, string key, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/datasets")
        {
            Content = JsonContent.Create(Dataset(dataset, "1", Sha('c')), options: JsonSerializerOptions.Web),
        };
        request.Headers.Add("Idempotency-Key", key);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        return await Exchange(client, request, dataset, key, ct) with { Took = clock.Elapsed };
    }

    private static async Task<WriteAnswer> Exchange(HttpClient client, HttpRequestMessage request, string dataset, string key, CancellationToken ct)
    {
        try
        {
            using var response = await client.SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            var body = text.Length > 0 && text[0] == '{' ? JsonNode.Parse(text)!.AsObject() : null;
            var entry = body?["entries"]?.AsArray().FirstOrDefault();
            return new WriteAnswer(dataset, key, (int)response.StatusCode, (string?)body?["code"], (long?)entry?["seq"], (string?)entry?["hash"],
                null);
        }
        catch (HttpRequestException e)
        {
            return new WriteAnswer(dataset, key, Unreachable, null, null, null, e.Message);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            return new WriteAnswer(dataset, key, TimedOut, null, null, null, e.Message);
        }
    }

    private async Task Write(HttpClient client)
    {
        while (!_stop.IsCancellationRequested)
        {
            var n = Interlocked.Increment(ref _next);
            WriteAnswer answer;
            do
            {
                // as a pipeline does: a write the ledger could not take (503, or no ledger there) is sent again with
                // the same Idempotency-Key, after a pause, until it is answered
                answer = await Send(client, $"{_prefix}-{n}", $"{_prefix}-key-{n}");
                _answers.Enqueue(answer);
                if (answer.Status is 503 or Unreachable)
                {
                    await Task.Delay(100);
                }
            }
            while (answer.Status is 503 or Unreachable && !_stop.IsCancellationRequested);
        }
    }
}
