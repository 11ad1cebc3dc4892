using System.Net;
using System.Text;
using MlLedger.Api.Tests.Infrastructure;
using static MlLedger.Api.Tests.Infrastructure.Requests;

namespace MlLedger.Api.Tests.Fuzz;

/// <summary>
/// A body over the limit is answered 413 and its connection closed, with <c>Connection: close</c> on the answer:
/// the unread rest of the body cannot be drained, and a client that kept the connection would lose its next
/// request on it ("response ended prematurely"), a request the ledger never saw.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class OversizedBodyConnectionTests(LedgerFixture shared) : IClassFixture<LedgerFixture>
{
    private readonly LedgerApp _ledger = shared.App;

    [Theory]
    [InlineData(false, "{\"name\":\"")]
    [InlineData(true, "{\"name\":\"")]
    [InlineData(true, "[\"")] // refused as the wrong type before the limit is reached: the rest is still unread
    public async Task After_a_refused_oversized_body_the_next_request_of_the_client_is_answered(bool chunked, string prefix)
    {
        // one connection, so that the second request would go out on the first one's connection if it were kept
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 1 };
        using var client = new HttpClient(handler) { BaseAddress = _ledger.Address };
        client.DefaultRequestHeaders.Authorization = new("Bearer", _ledger.Issuer.Token("ci-bot", "pipeline"));
        var huge = Encoding.UTF8.GetBytes($"{prefix}{new string('a', 600 * 1024)}\"");

        for (var i = 0; i < 5; i++)
        {
            using var oversized = new HttpRequestMessage(HttpMethod.Post, "/v1/datasets") { Content = chunked ? new UnsizedContent(huge) : new ByteArrayContent(huge) };
            oversized.Content.Headers.ContentType = new("application/json");
            using var refused = await client.SendAsync(oversized);
            Assert.True(refused.StatusCode is HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.BadRequest, $"{refused.StatusCode}");
            Assert.True(refused.Headers.ConnectionClose == true, $"{(int)refused.StatusCode} without Connection: close ({refused.Headers})");

            await client.Post("/v1/datasets", Dataset($"after-refusal-{(chunked ? "chunked" : "sized")}-{prefix.Length}-{i}", "1")).Expect(HttpStatusCode.Created);
        }
    }

    /// <summary>A body sent without Content-Length (chunked).</summary>
    internal sealed class UnsizedContent(byte[] bytes) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
