using System.Net;
using System.Text.Json.Nodes;
using MlLedger.Api.Tests.Infrastructure;
using MlLedger.Integrity.Checkpoints;
using MlLedger.Integrity.Signing;

namespace MlLedger.Api.Tests.Log;

internal sealed record SignedCheckpoint(Checkpoint Checkpoint, string Note);

/// <summary>What an auditor's client does with the log endpoints: fetch, check signatures, wait for sequencing.</summary>
internal static class LogClient
{
    /// <summary>The ledger's public keys as /v1/keys serves them.</summary>
    public static async Task<IReadOnlyList<LedgerPublicKey>> Keys(HttpClient client)
    {
        var keys = await client.GetAsync("/v1/keys").Expect(HttpStatusCode.OK);
        return keys["keys"]!.AsArray().Select(k => LedgerPublicKey.FromPem((string)k!["pem"]!)).ToList();
    }

    /// <summary>The latest checkpoint once it covers at least <paramref name="size"/> leaves, verified with the served keys.</summary>
    public static async Task<SignedCheckpoint> CheckpointCovering(HttpClient client, long size)
    {
        var keys = await Keys(client);
        return await Eventually.Get(async () =>
        {
            using var response = await client.GetAsync("/v1/log/checkpoint");
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
            var note = await response.Content.ReadAsStringAsync();
            var checkpoint = CheckpointNotes.Verify(note, LedgerApp.LogOrigin, keys);
            return checkpoint.Size >= size ? new SignedCheckpoint(checkpoint, note) : null;
        }, $"a checkpoint of at least {size} leaves");
    }

    public static async Task<JsonObject> Inclusion(HttpClient client, long seq, long? treeSize = null) =>
        await client.GetAsync($"/v1/log/proof/inclusion?seq={seq}" + (treeSize is { } size ? $"&treeSize={size}" : ""))
            .Expect(HttpStatusCode.OK);

    public static byte[] Hex(JsonNode? node) => Convert.FromHexString((string)node!);
}
