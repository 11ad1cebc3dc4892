using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using MlLedger.Api.Tests.Infrastructure;
using MlLedger.Integrity.Merkle;
using static MlLedger.Api.Tests.Infrastructure.Requests;
using static MlLedger.Api.Tests.Log.LogClient;

namespace MlLedger.Api.Tests.Log;

[Collection(LedgerCollection.Name)]
public sealed class TransparencyLogTests(LedgerFixture shared) : IClassFixture<LedgerFixture>
{
    private readonly LedgerApp _ledger = shared.App;

    [Fact]
    public async Task Every_entry_is_a_leaf_in_sequence_order_proven_under_the_signed_checkpoint()
    {
        var pipeline = _ledger.Client("ci-bot", "pipeline");
        var receipts = new List<JsonObject>
        {
            await pipeline.Post("/v1/datasets", Dataset("seq-train", "1")).Expect(HttpStatusCode.Created),
            await pipeline.Post("/v1/datasets", Dataset("seq-holdout", "1", Sha('c'))).Expect(HttpStatusCode.Created),
            await pipeline.Post("/v1/models/seq/versions", ModelVersion("1", null, "seq-train@1")).Expect(HttpStatusCode.Created),
        };
        var written = receipts.SelectMany(r => r["entries"]!.AsArray())
            .ToDictionary(e => (long)e!["seq"]!, e => (string)e!["hash"]!);

        var auditor = _ledger.Client("audrey", "auditor");
        var signed = await CheckpointCovering(auditor, await _ledger.StoredEntries());
        var sequences = await StoredSequences();
        Assert.Equal(sequences.Count, signed.Checkpoint.Size); // nothing else was written meanwhile in this class's ledger

        for (var index = 0; index < sequences.Count; index++)
        {
            var proof = await Inclusion(auditor, sequences[index]);
            Assert.Equal(index, (long)proof["logIndex"]!);
            Assert.Equal(signed.Checkpoint.Size, (long)proof["treeSize"]!);
            Assert.Equal(signed.Note, (string?)proof["checkpoint"]);
            MerkleVerifier.VerifyInclusion(index, signed.Checkpoint.Size, Hex(proof["leafHash"]),
                proof["hashes"]!.AsArray().Select(Hex).ToList(), signed.Checkpoint.RootHash);
        }

        // the leaf is the entry's dsse body: its SHA-256 is the hash the write answered, its leaf hash is in the tree
        foreach (var (seq, hash) in written)
        {
            var bundle = await auditor.GetAsync($"/v1/entries/{seq}/bundle").Expect(HttpStatusCode.OK);
            var body = Convert.FromBase64String((string)bundle["verificationMaterial"]!["tlogEntries"]![0]!["canonicalizedBody"]!);
            Assert.Equal(hash, Convert.ToHexStringLower(SHA256.HashData(body)));
            Assert.Equal(Convert.ToHexStringLower(MerkleHash.Leaf(body)), (string?)(await Inclusion(auditor, seq))["leafHash"]);
        }
    }

    [Fact]
    public async Task Each_checkpoint_is_kept_and_a_later_one_is_proven_consistent_with_it()
    {
        var pipeline = _ledger.Client("ci-bot", "pipeline");
        var auditor = _ledger.Client("audrey", "auditor");
        await pipeline.Post("/v1/datasets", Dataset("grow-a", "1")).Expect(HttpStatusCode.Created);
        var first = await CheckpointCovering(auditor, await _ledger.StoredEntries());

        await pipeline.Post("/v1/datasets", Dataset("grow-b", "1")).Expect(HttpStatusCode.Created);
        await pipeline.Post("/v1/datasets", Dataset("grow-c", "1")).Expect(HttpStatusCode.Created);
        var second = await CheckpointCovering(auditor, await _ledger.StoredEntries());
        Assert.True(second.Checkpoint.Size > first.Checkpoint.Size);

        using var kept = await auditor.GetAsync($"/v1/log/checkpoints/{first.Checkpoint.Size}");
        Assert.Equal(first.Note, await kept.Content.ReadAsStringAsync());

        var proof = await auditor.GetAsync($"/v1/log/proof/consistency?from={first.Checkpoint.Size}&to={second.Checkpoint.Size}")
            .Expect(HttpStatusCode.OK);
        MerkleVerifier.VerifyConsistency(first.Checkpoint.Size, second.Checkpoint.Size, proof["hashes"]!.AsArray().Select(Hex).ToList(),
            first.Checkpoint.RootHash, second.Checkpoint.RootHash);

        // an inclusion proof under the older checkpoint still verifies against its root
        var sequences = await StoredSequences();
        var old = await Inclusion(auditor, sequences[0], first.Checkpoint.Size);
        MerkleVerifier.VerifyInclusion(0, first.Checkpoint.Size, Hex(old["leafHash"]), old["hashes"]!.AsArray().Select(Hex).ToList(),
            first.Checkpoint.RootHash);
    }

    [Theory]
    [InlineData("/v1/log/proof/inclusion?seq=0", HttpStatusCode.BadRequest, "bad-parameter")]
    [InlineData("/v1/log/proof/inclusion?seq=1&treeSize=0", HttpStatusCode.BadRequest, "bad-parameter")]
    [InlineData("/v1/log/proof/inclusion?seq=987654321", HttpStatusCode.NotFound, "not-sequenced")]
    [InlineData("/v1/log/proof/inclusion?seq=1&treeSize=987654321", HttpStatusCode.BadRequest, "bad-tree-size")]
    [InlineData("/v1/log/proof/consistency?from=0&to=1", HttpStatusCode.BadRequest, "bad-tree-size")]
    [InlineData("/v1/log/proof/consistency?from=2&to=1", HttpStatusCode.BadRequest, "bad-tree-size")]
    [InlineData("/v1/log/proof/consistency?from=1&to=987654321", HttpStatusCode.BadRequest, "bad-tree-size")]
    [InlineData("/v1/log/checkpoints/987654321", HttpStatusCode.NotFound, "no-checkpoint")]
    [InlineData("/v1/entries/987654321/bundle", HttpStatusCode.NotFound, "not-found")]
    public async Task Requests_outside_the_log_are_refused_with_a_problem_code(string path, HttpStatusCode status, string code)
    {
        // one entry at least (the first row registers it, later rows find it registered)
        using (await _ledger.Client("ci-bot", "pipeline").Post("/v1/datasets", Dataset("edge", "1")))
        {
        }

        var auditor = _ledger.Client("audrey", "auditor");
        await CheckpointCovering(auditor, 1);

        var problem = await auditor.GetAsync(path).Expect(status);
        Assert.Equal(code, (string?)problem["code"]);
    }

    [Theory]
    [InlineData("/v1/log/checkpoint")]
    [InlineData("/v1/log/checkpoints/1")]
    [InlineData("/v1/log/proof/inclusion?seq=1")]
    [InlineData("/v1/log/proof/consistency?from=1&to=1")]
    [InlineData("/v1/log/trusted-root")]
    [InlineData("/v1/entries/1/bundle")]
    public async Task Log_endpoints_need_a_token(string path)
    {
        using var response = await _ledger.Anonymous().GetAsync(path);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task The_trusted_root_lists_the_ledger_key_as_the_log_key()
    {
        var auditor = _ledger.Client("audrey", "auditor");
        var root = await auditor.GetAsync("/v1/log/trusted-root").Expect(HttpStatusCode.OK);
        Assert.Equal("application/vnd.dev.sigstore.trustedroot+json;version=0.1", (string?)root["mediaType"]);

        var key = Assert.Single(await LogClient.Keys(auditor));
        var tlog = Assert.Single(root["tlogs"]!.AsArray())!;
        Assert.Equal(Convert.ToBase64String(key.SpkiDer), (string?)tlog["publicKey"]!["rawBytes"]);
        Assert.Equal(Convert.ToBase64String(SHA256.HashData(key.SpkiDer)), (string?)tlog["logId"]!["keyId"]);
        Assert.Equal("PKIX_ECDSA_P256_SHA_256", (string?)tlog["publicKey"]!["keyDetails"]);
    }

    private async Task<List<long>> StoredSequences()
    {
        var found = new List<long>();
        await using var connection = new Npgsql.NpgsqlConnection(_ledger.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT seq_id FROM mlledger.mt_events WHERE stream_id <> 'mt_tombstone' ORDER BY seq_id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            found.Add(reader.GetInt64(0));
        }

        return found;
    }
}
