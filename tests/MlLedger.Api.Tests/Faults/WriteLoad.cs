using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using static MlLedger.Api.Tests.Infrastructure.Requests;

namespace MlLedger.Api.Tests.Faults;

/// <summary>
/// One answer a writer got: the HTTP status (0 when no answer came: the connection failed or the client gave up),
/// the problem code of an error, and the entry of an acknowledged write.
/// </summary>
public sealed record WriteAnswer(string Dataset, string IdempotencyKey, int Status, string? Code, long? Seq, string? Hash, string? Failure);

/// <summary>
/// A few pipelines registering datasets as fast as the ledger answers, each write with its own Idempotency-Key,
/// every answer recorded. Runs until stopped; a writer whose ledger is not answering keeps trying.
/// </summary>
public sealed class WriteLoad : IAsyncDisposable
{
    /// <summary>Generous: an answer that takes longer counts as none (status 0), which every test treats as a failure.</summary>
    public static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(30);

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
        try
        {
            using var response = await client.SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            var body = text.Length > 0 && text[0] == '{' ? JsonNode.Parse(text)!.AsObject() : null;
            var entry = body?["entries"]?.AsArray().FirstOrDefault();
            return new WriteAnswer(dataset, key, (int)response.StatusCode, (string?)body?["code"], (long?)entry?["seq"], (string?)entry?["hash"],
                null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return new WriteAnswer(dataset, key, 0, null, null, null, e.GetType().Name + ": " + e.Message);
        }
    }

    private async Task Write(HttpClient client)
    {
        while (!_stop.IsCancellationRequested)
        {
            var n = Interlocked.Increment(ref _next);
            var answer = await Send(client, $"{_prefix}-{n}", $"{_prefix}-key-{n}");
            _answers.Enqueue(answer);
            if (answer.Status != 201)
            {
                await Task.Delay(20); // a ledger that is down is not hammered in a tight loop
            }
        }
    }
}
