using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using MlLedger.Api.Keys;
using MlLedger.Api.Tests.Infrastructure;
using MlLedger.Integrity.Dsse;
using MlLedger.Integrity.Entries;
using MlLedger.Integrity.Signing;
using static MlLedger.Api.Tests.Infrastructure.Requests;
using static MlLedger.Api.Tests.Log.LogClient;

namespace MlLedger.Api.Tests.Log;

/// <summary>
/// Someone with database access changes the stored ledger after it was logged and checkpointed; the ledger's
/// self-check (GET /v1/verification/log) names what was done and to which entry.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class LogSelfCheckTests(PostgresFixture postgres) : IAsyncLifetime
{
    private LedgerApp _ledger = null!;
    private List<long> _seqs = [];

    public async Task InitializeAsync()
    {
        _ledger = await LedgerApp.StartAsync(postgres);
        var pipeline = _ledger.Client("ci-bot", "pipeline");
        foreach (var name in new[] { "self-a", "self-b", "self-c", "self-d" })
        {
            var receipt = await pipeline.Post("/v1/datasets", Dataset(name, "1")).Expect(HttpStatusCode.Created);
            _seqs.Add((long)receipt["entries"]![0]!["seq"]!);
        }

        await CheckpointCovering(Auditor, await _ledger.StoredEntries());
    }

    public async Task DisposeAsync() => await _ledger.DisposeAsync();

    private HttpClient Auditor => _ledger.Client("audrey", "auditor");

    [Fact]
    public async Task An_untouched_ledger_checks_valid()
    {
        var report = await SelfCheck();
        Assert.True((bool)report["valid"]!, report.ToJsonString());
        Assert.Equal(await _ledger.StoredEntries(), (long)report["leaves"]! + (long)report["pendingEntries"]!);
    }

    [Fact]
    public async Task Edited_event_data_is_named()
    {
        await _ledger.Sql($"UPDATE mlledger.mt_events SET data = jsonb_set(data, '{{license}}', '\"MIT\"') WHERE seq_id = {_seqs[1]}");
        await ExpectFailure("event-data-mismatch", _seqs[1]);
    }

    [Fact]
    public async Task An_envelope_swapped_for_another_entry_s_is_named()
    {
        await _ledger.Sql($"UPDATE mlledger.mt_events SET headers = (SELECT headers FROM mlledger.mt_events WHERE seq_id = {_seqs[0]}) WHERE seq_id = {_seqs[2]}");
        await ExpectFailure("leaf-hash-mismatch", _seqs[2]);
    }

    [Fact]
    public async Task A_deleted_entry_is_named()
    {
        await _ledger.Sql($"DELETE FROM mlledger.mt_events WHERE seq_id = {_seqs[1]}");
        await ExpectFailure("entry-deleted", _seqs[1]);
    }

    [Fact]
    public async Task An_entry_inserted_under_a_sequence_number_the_log_has_passed_is_named()
    {
        // a copy of a real, validly signed entry, slipped in under an unused sequence number below the log's position
        await _ledger.Sql(
            "INSERT INTO mlledger.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, headers, is_archived) " +
            "SELECT 0, gen_random_uuid(), stream_id, version + 1, data, type, timestamp, tenant_id, mt_dotnet_type, headers, false " +
            $"FROM mlledger.mt_events WHERE seq_id = {_seqs[2]}");
        await ExpectFailure("entry-not-logged", 0);
    }

    [Fact]
    public async Task Reordered_entries_are_named()
    {
        await _ledger.Sql($"UPDATE mlledger.mt_events SET seq_id = -seq_id WHERE seq_id IN ({_seqs[0]}, {_seqs[1]})");
        await _ledger.Sql($"UPDATE mlledger.mt_events SET seq_id = CASE seq_id WHEN {-_seqs[0]} THEN {_seqs[1]} ELSE {_seqs[0]} END WHERE seq_id < 0");
        var report = await ExpectFailure("leaf-hash-mismatch", _seqs[0]);
        Assert.Contains(Failures(report), f => (string?)f["code"] == "leaf-hash-mismatch" && (long?)f["seq"] == _seqs[1]);
    }

    [Fact]
    public async Task A_truncated_log_is_reported_against_its_checkpoint()
    {
        var last = _seqs[^1];
        await _ledger.Sql($"DELETE FROM mlledger.mt_events WHERE seq_id >= {last}");
        await _ledger.Sql($"DELETE FROM mlledger.log_nodes WHERE level = 0 AND idx >= (SELECT idx FROM mlledger.log_leaves WHERE seq = {last})");
        await _ledger.Sql($"DELETE FROM mlledger.log_leaves WHERE seq >= {last}");
        var report = await ExpectFailure("log-truncated", null);

        // regrown: a new entry is appended after the hole, which the check names
        await _ledger.Client("ci-bot", "pipeline").Post("/v1/datasets", Dataset("self-e", "1")).Expect(HttpStatusCode.Created);
        await Eventually.Get(async () => Failures(await SelfCheck()).Any(f => (string?)f["code"] == "leaf-missing") ? "hole" : null,
            "the regrown log's hole");
        Assert.False((bool)report["valid"]!);
    }

    [Fact]
    public async Task A_forged_entry_the_ledger_never_signed_is_never_logged_and_is_named()
    {
        // an entry signed by some other key, appended after everything logged so far
        using var forger = Integrity.Signing.LedgerSigningKey.Generate();
        var sealer = new Integrity.Entries.EntrySealer(new Integrity.Signing.KeyRing(forger, DateTimeOffset.UnixEpoch, []));
        var sealed_ = sealer.Seal(new Integrity.Entries.UnsignedEntry("DatasetWithdrawn", new JsonObject { ["reason"] = "forged" },
            new Integrity.Statements.StatementSubject("datasets/self-a@1", Sha('a')),
            new Integrity.Entries.EntryMetadata("datasets/self-a@1", 99, null, "mallory", DateTimeOffset.UtcNow)));
        var headers = new JsonObject { ["dsse"] = sealed_.Envelope.ToJson(), ["keyid"] = sealed_.KeyId, ["hash"] = sealed_.Hash };
        await _ledger.Sql(
            "INSERT INTO mlledger.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, headers, is_archived) " +
            $"SELECT nextval('mlledger.mt_events_sequence'), gen_random_uuid(), stream_id, 99, '{{\"reason\":\"forged\"}}'::jsonb, 'dataset_withdrawn', " +
            $"timestamp, tenant_id, mt_dotnet_type, '{headers.ToJsonString()}'::jsonb, false FROM mlledger.mt_events WHERE seq_id = {_seqs[0]}");

        var report = await SelfCheck();
        Assert.False((bool)report["valid"]!);
        Assert.Contains(Failures(report), f => (string?)f["code"] == "bad-entry" && ((string?)f["message"])!.Contains("not a ledger key", StringComparison.Ordinal));

        // the sequencer pauses on it rather than skip it: a valid entry written after it waits too
        var after = await _ledger.Client("ci-bot", "pipeline").Post("/v1/datasets", Dataset("self-after", "1")).Expect(HttpStatusCode.Created);
        await Task.Delay(TimeSpan.FromSeconds(3)); // several sequencer wake-ups; with skipping, the entry would be a leaf by now
        using var proof = await Auditor.GetAsync($"/v1/log/proof/inclusion?seq={(long)after["entries"]![0]!["seq"]!}&treeSize=1");
        Assert.Equal(HttpStatusCode.NotFound, proof.StatusCode);
        Assert.Equal(2, (long)(await SelfCheck())["pendingEntries"]!);
    }

    [Fact]
    public async Task An_entry_signed_by_the_ledger_key_but_stored_in_another_DER_form_is_never_logged_and_is_named()
    {
        // a signature by the ledger's own key, stored with Wycheproof tcId 6's transformation: s without its leading zero byte
        var keys = _ledger.Services.GetRequiredService<LedgerKeys>().Current;
        var sealed_ = keys.Sealer.Seal(new UnsignedEntry("DatasetWithdrawn", new JsonObject { ["reason"] = "re-encoded" },
            new Integrity.Statements.StatementSubject("datasets/self-a@1", Sha('a')),
            new EntryMetadata("datasets/self-a@1", 99, null, "mallory", DateTimeOffset.UtcNow)));
        var envelope = sealed_.Envelope;
        byte[] other = WithoutTheLeadingZeroOfS(SignWithHighS(keys.Ring.Active, Pae.Encode(envelope.PayloadType, envelope.Payload)));
        Assert.True(P256DerSignature.FindDefect(other) is { } defect && defect.StartsWith("s is negative", StringComparison.Ordinal));
        envelope = envelope with { Signatures = [envelope.Signatures[0] with { Sig = other }] };
        var headers = new JsonObject { ["dsse"] = envelope.ToJson(), ["keyid"] = sealed_.KeyId, ["hash"] = sealed_.Hash };
        await _ledger.Sql(
            "INSERT INTO mlledger.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, headers, is_archived) " +
            $"SELECT nextval('mlledger.mt_events_sequence'), gen_random_uuid(), stream_id, 99, '{{\"reason\":\"re-encoded\"}}'::jsonb, 'dataset_withdrawn', " +
            $"timestamp, tenant_id, mt_dotnet_type, '{headers.ToJsonString()}'::jsonb, false FROM mlledger.mt_events WHERE seq_id = {_seqs[0]}");

        var report = await SelfCheck();

        Assert.False((bool)report["valid"]!);
        Assert.Contains(Failures(report), f => (string?)f["code"] == "bad-entry" && ((string?)f["message"])!.Contains("not in the one DER form", StringComparison.Ordinal));
        Assert.Equal(1, (long)report["pendingEntries"]!);
    }

    /// <summary>What an auditor would do to the tampered ledger: export it and verify the bundle offline.</summary>
    public static readonly TheoryData<string> Tampering = new()
    {
        "UPDATE mlledger.mt_events SET data = jsonb_set(data, '{license}', '\"MIT\"') WHERE seq_id = {1}",
        "UPDATE mlledger.mt_events SET data = jsonb_set(data, '{rowCount}', '1e100000') WHERE seq_id = {1}",
        "UPDATE mlledger.mt_events SET type = 'dataset_withdrawn' WHERE seq_id = {2}",
        "UPDATE mlledger.mt_events SET stream_id = (SELECT stream_id FROM mlledger.mt_events WHERE seq_id = {0}), version = 5 WHERE seq_id = {2}",
        "UPDATE mlledger.mt_events SET version = 7 WHERE seq_id = {3}",
        "UPDATE mlledger.mt_events SET headers = (SELECT headers FROM mlledger.mt_events WHERE seq_id = {0}) WHERE seq_id = {2}",
        "UPDATE mlledger.mt_events SET headers = jsonb_set(headers, '{dsse}', (headers ->> 'dsse')::jsonb) WHERE seq_id = {1}",
        "UPDATE mlledger.mt_events SET headers = '[]' WHERE seq_id = {3}",
    };

    [Theory]
    [MemberData(nameof(Tampering))]
    public async Task Whatever_the_offline_verifier_refuses_in_an_export_the_self_check_reports(string sql)
    {
        await _ledger.Sql(Enumerable.Range(0, _seqs.Count).Aggregate(sql, (text, i) => text.Replace($"{{{i}}}", $"{_seqs[i]}", StringComparison.Ordinal)));
        var directory = Directory.CreateTempSubdirectory("mlledger-agree-").FullName;
        try
        {
            var bundle = Path.Combine(directory, "export.jsonl");
            var root = Path.Combine(directory, "trusted_root.json");
            await File.WriteAllBytesAsync(bundle, await Auditor.GetByteArrayAsync("/v1/export"));
            await File.WriteAllBytesAsync(root, await Auditor.GetByteArrayAsync("/v1/log/trusted-root"));

            var offline = await Cli.CliRunner.Run("verify", bundle, "--trusted-root", root, "--output", "json");
            var report = await SelfCheck();

            Assert.True(offline.ExitCode == 1, offline.ToString());
            Assert.False((bool)report["valid"]!, report.ToJsonString());
            var found = Failures(report).Select(f => ((string?)f["code"], (long?)f["seq"])).ToHashSet();
            var offlineFailures = JsonNode.Parse(offline.Output)!["failures"]!.AsArray();
            Assert.NotEmpty(offlineFailures);
            foreach (var failure in offlineFailures)
            {
                var expected = ((string?)failure!["code"], (long?)failure["seq"]);
                Assert.True(found.Contains(expected), $"the verifier found {expected}, the self-check did not: {report.ToJsonString()}");
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static byte[] SignWithHighS(LedgerSigningKey key, byte[] data)
    {
        for (int attempt = 0; attempt < 200; attempt++)
        {
            byte[] signature = key.SignDer(data);
            int s = 4 + signature[3];
            if (signature[s + 1] == 33)
            {
                return signature;
            }
        }

        throw new InvalidOperationException("200 signatures in a row had s below 2^255.");
    }

    /// <summary>SEQUENCE { r, s } with the zero byte that keeps s positive removed (and the lengths fixed).</summary>
    private static byte[] WithoutTheLeadingZeroOfS(byte[] der)
    {
        int s = 4 + der[3];
        return [0x30, (byte)(der[1] - 1), .. der[2..s], 0x02, 32, .. der[(s + 3)..]];
    }

    private async Task<JsonObject> SelfCheck() => await Auditor.GetAsync("/v1/verification/log").Expect(HttpStatusCode.OK);

    private static IEnumerable<JsonNode> Failures(JsonObject report) => report["failures"]!.AsArray().Select(f => f!);

    private async Task<JsonObject> ExpectFailure(string code, long? seq, string? alsoCode = null)
    {
        var report = await SelfCheck();
        Assert.False((bool)report["valid"]!, report.ToJsonString());
        Assert.True(Failures(report).Any(f => (string?)f["code"] == code && (seq is null || (long?)f["seq"] == seq)),
            $"no {code} failure for entry {seq}: {report.ToJsonString()}");
        if (alsoCode is not null)
        {
            Assert.Contains(Failures(report), f => (string?)f["code"] == alsoCode);
        }

        return report;
    }
}
