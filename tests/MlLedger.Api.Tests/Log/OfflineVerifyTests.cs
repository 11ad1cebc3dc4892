using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using MlLedger.Api.Log;
using MlLedger.Api.Tests.Cli;
using MlLedger.Api.Tests.Infrastructure;
using MlLedger.Integrity.Checkpoints;
using MlLedger.Integrity.Signing;
using static MlLedger.Api.Tests.Infrastructure.Requests;
using static MlLedger.Api.Tests.Log.LogClient;

namespace MlLedger.Api.Tests.Log;

/// <summary>
/// The auditor's path, on a real ledger: download the trusted root and an audit bundle (GET /v1/export), keep a
/// checkpoint, and check everything offline with <c>mlledger verify</c>. Someone with database access then changes
/// the stored ledger; the next export fails verification and the failing entry is named.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class OfflineVerifyTests(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("mlledger-offline-").FullName;
    private LedgerApp _ledger = null!;
    private readonly List<long> _seqs = [];
    private string _root = "";
    private SignedCheckpoint _kept = null!;

    public async Task InitializeAsync()
    {
        _ledger = await LedgerApp.StartAsync(postgres);
        await Write("off-a", "off-b", "off-c", "off-d");
        _kept = await CheckpointCovering(Auditor, await _ledger.StoredEntries());
        _root = await Save("trusted_root.json", await Auditor.GetStringAsync("/v1/log/trusted-root"));
    }

    public async Task DisposeAsync()
    {
        await _ledger.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private HttpClient Auditor => _ledger.Client("audrey", "auditor");

    [Fact]
    public async Task An_honest_export_verifies_offline_also_against_the_kept_checkpoint()
    {
        await Write("off-e");
        var later = await CheckpointCovering(Auditor, await _ledger.StoredEntries());

        var whole = await Verify(await Export($"?since={_kept.Checkpoint.Size}"), _kept);
        Assert.True(whole.ExitCode == 0, whole.ToString());

        // only what is new since the kept checkpoint, with the consistency proof from it
        var since = await Verify(await Export($"?from={_kept.Checkpoint.Size}&since={_kept.Checkpoint.Size}"), _kept);
        Assert.True(since.ExitCode == 0, since.ToString());
        var report = JsonNode.Parse(since.Output)!;
        Assert.Equal(later.Checkpoint.Size - _kept.Checkpoint.Size, (long)report["entriesRead"]!);
    }

    [Fact]
    public async Task A_bundle_of_another_log_under_the_same_key_is_refused()
    {
        // the trusted root vouches for the key as the key of another log name
        var root = JsonNode.Parse(await File.ReadAllTextAsync(_root))!;
        root["tlogs"]![0]!["baseUrl"] = "https://staging.example/log";
        var otherRoot = await Save("other_root.json", root.ToJsonString());

        var result = await CliRunner.Run("verify", await Export(""), "--trusted-root", otherRoot, "--output", "json");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("origin-not-trusted", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Edited_event_data_is_named()
    {
        await _ledger.Sql($"UPDATE mlledger.mt_events SET data = jsonb_set(data, '{{license}}', '\"MIT\"') WHERE seq_id = {_seqs[1]}");
        ExpectFailure(await Verify(await Export("")), "event-data-mismatch", _seqs[1]);
    }

    [Fact]
    public async Task An_envelope_replaced_by_one_signed_with_another_key_is_named()
    {
        using var forger = LedgerSigningKey.Generate();
        var forged = new Integrity.Dsse.DsseEnvelope("application/vnd.in-toto+json", "{}"u8.ToArray(),
            [new Integrity.Dsse.DsseSignature(forger.KeyId, forger.SignDer(Integrity.Dsse.Pae.Encode("application/vnd.in-toto+json", "{}"u8)))]);
        await _ledger.Sql($"UPDATE mlledger.mt_events SET headers = jsonb_set(headers, '{{dsse}}', to_jsonb('{forged.ToJson()}'::text)) WHERE seq_id = {_seqs[2]}");
        ExpectFailure(await Verify(await Export("")), "unknown-key", _seqs[2]);
    }

    [Fact]
    public async Task A_deleted_entry_leaves_a_gap_that_is_named()
    {
        await _ledger.Sql($"DELETE FROM mlledger.mt_events WHERE seq_id = {_seqs[1]}");
        var result = await Verify(await Export(""));
        ExpectFailure(result, "log-index", _seqs[2]);
        Assert.Contains("root-mismatch", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reordered_entries_are_named()
    {
        await _ledger.Sql($"UPDATE mlledger.mt_events SET seq_id = -seq_id WHERE seq_id IN ({_seqs[0]}, {_seqs[1]})");
        await _ledger.Sql($"UPDATE mlledger.mt_events SET seq_id = CASE seq_id WHEN {-_seqs[0]} THEN {_seqs[1]} ELSE {_seqs[0]} END WHERE seq_id < 0");
        var result = await Verify(await Export(""));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("root-mismatch", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_checkpoint_signed_with_a_replaced_log_key_is_refused()
    {
        using var impostor = LedgerSigningKey.Generate();
        var note = CheckpointNotes.Sign(_kept.Checkpoint, impostor);
        await _ledger.Sql($"UPDATE mlledger.log_checkpoints SET note = '{note}', key_id = '{impostor.KeyId}' WHERE tree_size = {_kept.Checkpoint.Size}");
        var result = await Verify(await Export($"?to={_kept.Checkpoint.Size}"));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("checkpoint-unverified", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_log_truncated_and_regrown_by_the_database_owner_is_refused_by_the_ledger_and_a_fork_for_the_auditor()
    {
        // the database owner deletes an entry, wipes the log and lets the ledger rebuild it after a restart
        var keys = Path.Combine(_directory, "keys");
        Directories.CopyFiles(_ledger.KeysDirectory, keys);
        var connection = _ledger.ConnectionString;
        _ledger.KeepDatabase();
        await _ledger.DisposeAsync();
        await using (var admin = new Npgsql.NpgsqlConnection(connection))
        {
            await admin.OpenAsync();
            await using var wipe = new Npgsql.NpgsqlCommand(
                $"DELETE FROM mlledger.mt_events WHERE seq_id = {_seqs[1]}; TRUNCATE mlledger.log_leaves, mlledger.log_nodes, mlledger.log_checkpoints; " +
                "DELETE FROM mlledger.mt_doc_logstate; DELETE FROM mlledger.mt_event_progression WHERE name LIKE 'LogSequencer%';", admin);
            await wipe.ExecuteNonQueryAsync();
        }

        // the ledger remembers the checkpoint it signed (beside its keys, outside the database): it signs nothing new
        _ledger = await LedgerApp.StartAsync(postgres, options => options with { ConnectionString = connection, KeysDirectory = keys });
        await Write("off-f");
        var issuer = _ledger.Services.GetRequiredService<CheckpointIssuer>();
        var refusal = await Eventually.Get(() => Task.FromResult(issuer.LastRefusal), "the issuer's refusal");
        Assert.Contains($"This ledger signed checkpoint {_kept.Checkpoint.Size}", refusal, StringComparison.Ordinal);
        using (var none = await Auditor.GetAsync("/v1/log/checkpoint"))
        {
            Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        }

        // someone who also controls the ledger's host removes that memory: the regrown log is signed and consistent
        // with itself, but not with the checkpoint the auditor kept
        var address = _ledger.ConnectionString;
        await _ledger.DisposeAsync();
        File.Delete(Path.Combine(keys, CheckpointMemory.FileName));
        _ledger = await LedgerApp.StartAsync(postgres, options => options with { ConnectionString = address, KeysDirectory = keys });
        await Write("off-g");
        await CheckpointCovering(Auditor, await _ledger.StoredEntries());
        var alone = await Verify(await Export(""));
        Assert.True(alone.ExitCode == 0, alone.ToString());
        var result = await Verify(await Export(""), _kept);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("fork-detected", result.Output, StringComparison.Ordinal);
    }

    private async Task Write(params string[] names)
    {
        var pipeline = _ledger.Client("ci-bot", "pipeline");
        foreach (var name in names)
        {
            var receipt = await pipeline.Post("/v1/datasets", Dataset(name, "1")).Expect(HttpStatusCode.Created);
            _seqs.Add((long)receipt["entries"]![0]!["seq"]!);
        }
    }

    private async Task<string> Export(string query)
    {
        using var response = await Auditor.GetAsync($"/v1/export{query}");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.Equal("application/jsonl", response.Content.Headers.ContentType?.MediaType);
        return await Save($"export-{Guid.NewGuid():N}.jsonl", await response.Content.ReadAsStringAsync());
    }

    private async Task<CliResult> Verify(string bundle, SignedCheckpoint? kept = null)
    {
        var args = new List<string> { "verify", bundle, "--trusted-root", _root, "--output", "json" };
        if (kept is not null)
        {
            args.AddRange(["--checkpoint", await Save($"kept-{kept.Checkpoint.Size}.txt", kept.Note)]);
        }

        return await CliRunner.Run([.. args]);
    }

    private static void ExpectFailure(CliResult result, string code, long seq)
    {
        Assert.True(result.ExitCode == 1, result.ToString());
        var failures = JsonNode.Parse(result.Output)!["failures"]!.AsArray();
        Assert.True(failures.Any(f => (string?)f!["code"] == code && (long?)f["seq"] == seq), $"no {code} naming entry {seq}: {result}");
    }

    private async Task<string> Save(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        await File.WriteAllTextAsync(path, text);
        return path;
    }
}
