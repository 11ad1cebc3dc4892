using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MlLedger.Api.Tests.Cli;
using MlLedger.Api.Tests.Infrastructure;
using MlLedger.Api.Tests.Log;
using MlLedger.Integrity.Dsse;
using static MlLedger.Api.Tests.Infrastructure.Requests;
using static MlLedger.Api.Tests.Log.LogClient;

namespace MlLedger.Api.Tests.Keys;

/// <summary>
/// <c>POST /v1/keys/rotation</c> and <c>mlledger keys rotate</c>: the ledger's key is replaced while it runs; what was
/// signed before keeps verifying, online and offline, and the change itself is an entry signed by the old key.
/// </summary>
[Collection(LedgerCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class KeyRotationTests(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("mlledger-rotation-").FullName;
    private LedgerApp _ledger = null!;

    public async Task InitializeAsync() => _ledger = await LedgerApp.StartAsync(postgres);

    public async Task DisposeAsync()
    {
        await _ledger.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private HttpClient Auditor => _ledger.Client("audrey", "auditor");

    [Fact]
    public async Task After_a_rotation_old_and_new_entries_and_checkpoints_all_verify_and_the_rotation_is_signed_by_the_old_key()
    {
        var pipeline = _ledger.Client("ci-bot", "pipeline");
        var before = await Seq(pipeline.Post("/v1/datasets", Dataset("rot-a", "1")));
        var oldCheckpoint = await CheckpointCovering(Auditor, await _ledger.StoredEntries());
        var oldKey = Assert.Single(await LogClient.Keys(Auditor));

        var rotation = await _ledger.Client("ops", "admin").PostAsync("/v1/keys/rotation", null).Expect(HttpStatusCode.Created);
        Assert.Equal(oldKey.KeyId, (string?)rotation["previousKeyId"]);
        var newKeyId = (string)rotation["keyId"]!;
        Assert.NotEqual(oldKey.KeyId, newKeyId);

        var after = await Seq(pipeline.Post("/v1/datasets", Dataset("rot-b", "1")));
        Assert.Equal(oldKey.KeyId, await KeyIdOf((long)rotation["entries"]![0]!["seq"]!));
        Assert.Equal(oldKey.KeyId, await KeyIdOf(before));
        Assert.Equal(newKeyId, await KeyIdOf(after));
        var statement = JsonNode.Parse(Encoding.UTF8.GetString(await PayloadOf((long)rotation["entries"]![0]!["seq"]!)))!;
        Assert.Equal(newKeyId, (string?)statement["predicate"]!["event"]!["newKeyId"]);

        // the key list and the trusted root: the old key retired where the new one begins
        var keys = (await Auditor.GetAsync("/v1/keys").Expect(HttpStatusCode.OK))["keys"]!.AsArray();
        var retired = keys.Single(k => (string?)k!["keyId"] == oldKey.KeyId)!;
        var active = keys.Single(k => (string?)k!["keyId"] == newKeyId)!;
        Assert.Equal(("retired", "active"), ((string?)retired["status"], (string?)active["status"]));
        Assert.Equal((DateTimeOffset)retired["validUntil"]!, (DateTimeOffset)active["validFrom"]!);
        var root = await Auditor.GetAsync("/v1/log/trusted-root").Expect(HttpStatusCode.OK);
        Assert.Equal(2, root["tlogs"]!.AsArray().Count);
        Assert.NotNull(root["tlogs"]![0]!["publicKey"]!["validFor"]!["end"]);

        var latest = await CheckpointCovering(Auditor, await _ledger.StoredEntries());
        var self = await Auditor.GetAsync("/v1/verification/log").Expect(HttpStatusCode.OK);
        Assert.True((bool)self["valid"]!, self.ToJsonString());
        Assert.True((int)self["checkpointsChecked"]! >= 2);

        // offline, with the trusted root as served now: the whole log, and consistency with the checkpoint kept before
        var rootFile = await Save("trusted_root.json", root.ToJsonString());
        var bundle = await Save("audit.jsonl", await Auditor.GetStringAsync($"/v1/export?since={oldCheckpoint.Checkpoint.Size}"));
        var kept = await Save("kept.txt", oldCheckpoint.Note);
        var verified = await CliRunner.Run("verify", bundle, "--trusted-root", rootFile, "--checkpoint", kept);
        Assert.True(verified.ExitCode == 0, verified.ToString());

        // an entry signed before the rotation, under a checkpoint signed after it, for sigstore-js
        var entry = await Save("before.sigstore.json", await Auditor.GetStringAsync($"/v1/entries/{before}/bundle"));
        var js = await SigstoreJs.Verify(entry, rootFile, await Save("old.pem", oldKey.Pem));
        Assert.True(js.ExitCode == 0, js.Output);
        Assert.NotEqual(oldCheckpoint.Note, latest.Note);
    }

    [Fact]
    public async Task Writes_racing_a_rotation_all_land_and_every_entry_verifies()
    {
        var pipeline = _ledger.Client("ci-bot", "pipeline");
        var writes = Enumerable.Range(0, 40).Select(i => pipeline.Post("/v1/datasets", Dataset($"race-rot-{i}", "1"))).ToList();
        var rotation = _ledger.Client("ops", "admin").PostAsync("/v1/keys/rotation", null);
        var answers = await Task.WhenAll(writes);
        using var rotated = await rotation;
        Assert.Equal(HttpStatusCode.Created, rotated.StatusCode);
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Created, a.StatusCode));

        await CheckpointCovering(Auditor, await _ledger.StoredEntries());
        var streams = await Auditor.GetAsync("/v1/verification/streams").Expect(HttpStatusCode.OK);
        Assert.True((bool)streams["valid"]!, streams.ToJsonString());
        var self = await Auditor.GetAsync("/v1/verification/log").Expect(HttpStatusCode.OK);
        Assert.True((bool)self["valid"]!, self.ToJsonString());
    }

    [Fact]
    public async Task The_cli_rotates_with_an_admin_token_and_files_hold_the_new_key_only()
    {
        var result = await CliRunner.Run("keys", "rotate", "--server", _ledger.Address.ToString(),
            "--token", _ledger.Issuer.Token("ops", ["admin"]));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("rotated:", result.Output, StringComparison.Ordinal);

        var ring = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(_ledger.KeysDirectory, "keyring.json")))!["keys"]!.AsArray();
        Assert.Equal(["active", "retired"], ring.Select(k => (string)k!["status"]!).Order().ToArray());
        var privateKey = Path.Combine(_ledger.KeysDirectory, "ledger-signing-key.pem");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(privateKey));
        using var active = Integrity.Signing.LedgerSigningKey.FromPem(await File.ReadAllTextAsync(privateKey));
        Assert.Equal((string?)ring.Single(k => (string?)k!["status"] == "active")!["keyId"], active.KeyId);
        Assert.False(File.Exists(Path.Combine(_ledger.KeysDirectory, "ledger-signing-key.pem.next")));
        Assert.False(File.Exists(Path.Combine(_ledger.KeysDirectory, "keyring.json.next")));
    }

    [Theory]
    [InlineData("auditor", HttpStatusCode.Forbidden)]
    [InlineData("pipeline", HttpStatusCode.Forbidden)]
    [InlineData("approver", HttpStatusCode.Forbidden)]
    public async Task Only_an_admin_rotates(string role, HttpStatusCode status)
    {
        using var refused = await _ledger.Client("someone", role).PostAsync("/v1/keys/rotation", null);
        Assert.Equal(status, refused.StatusCode);
        using var anonymous = await _ledger.Anonymous().PostAsync("/v1/keys/rotation", null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Single(await LogClient.Keys(Auditor));
    }

    private static async Task<long> Seq(Task<HttpResponseMessage> write) => (long)(await write.Expect(HttpStatusCode.Created))["entries"]![0]!["seq"]!;

    private async Task<string?> KeyIdOf(long seq) =>
        (string?)(await Auditor.GetAsync($"/v1/entries/{seq}").Expect(HttpStatusCode.OK))["keyId"];

    private async Task<byte[]> PayloadOf(long seq) =>
        Convert.FromBase64String((string)(await Auditor.GetAsync($"/v1/entries/{seq}").Expect(HttpStatusCode.OK))["envelope"]!["payload"]!);

    private async Task<string> Save(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        await File.WriteAllTextAsync(path, text);
        return path;
    }
}
