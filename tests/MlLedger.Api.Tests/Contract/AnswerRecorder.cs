using System.Collections.Concurrent;

namespace MlLedger.Api.Tests.Contract;

/// <summary>One answer the ledger gave: what was asked, the status, the media type and the body (JSON bodies only).</summary>
public sealed record RecordedAnswer(string Method, string Path, int Status, string? MediaType, string? Body);

/// <summary>Keeps every answer that passes through the clients it is given to (see <see cref="Infrastructure.LedgerApp.Recorder"/>).</summary>
public sealed class AnswerRecorder
{
    private readonly ConcurrentQueue<RecordedAnswer> _answers = new();

    public IReadOnlyCollection<RecordedAnswer> Answers => _answers;

    public HttpMessageHandler Handler() => new Recording(this) { InnerHandler = new HttpClientHandler { AllowAutoRedirect = false } };

    private sealed class Recording(AnswerRecorder recorder) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            var media = response.Content.Headers.ContentType?.MediaType;
            string? body = null;
            if (media is not null && media.EndsWith("json", StringComparison.Ordinal))
            {
                await response.Content.LoadIntoBufferAsync(cancellationToken);
                body = await response.Content.ReadAsStringAsync(cancellationToken);
            }

            recorder._answers.Enqueue(new RecordedAnswer(request.Method.Method, request.RequestUri!.AbsolutePath, (int)response.StatusCode, media, body));
            return response;
        }
    }
}
