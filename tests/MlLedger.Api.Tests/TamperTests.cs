using System.Net;
using MlLedger.Api.Tests.Infrastructure;
using static MlLedger.Api.Tests.Infrastructure.Requests;

namespace MlLedger.Api.Tests;

/// <summary>
/// Someone with database access edits stored rows directly. The ledger's own verification (endpoint and
/// `mlledger verify-stream`) must name the entry and why it fails.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class TamperTests(LedgerFixture shared) : IClassFixture<LedgerFixture>
{
    private readonly LedgerApp _ledger = shared.App;

    [Fact]
    public async Task Given_recorded_stream_When_event_data_is_updated_in_sql_Then_verification_names_the_entry()
    {
        var seq = await RegisterDataset("tamper-data");
        await Sql($"UPDATE mlledger.mt_events SET data = jsonb_set(data, '{{license}}', '\"MIT\"') WHERE seq_id = {seq}");

        var failure = await SingleFailure("datasets/tamper-data@1");
        Assert.Equal((seq, "event-data-mismatch"), failure);
    }

    [Fact]
    public async Task Given_recorded_stream_When_signed_envelope_is_replaced_in_sql_Then_signature_check_fails()
    {
        var first = await RegisterDataset("tamper-envelope");
        var second = await RegisterDataset("tamper-envelope-other");
        // move another entry's (validly signed) envelope onto this row
        await Sql($"UPDATE mlledger.mt_events SET headers = (SELECT headers FROM mlledger.mt_events WHERE seq_id = {second}) WHERE seq_id = {first}");

        var report = await Verify("datasets/tamper-envelope@1");
        Assert.False((bool)report["valid"]!);
        var codes = report["streams"]![0]!["entries"]![0]!["failures"]!.AsArray().Select(f => (string)f!["code"]!).ToList();
        Assert.Contains("stream-id", codes);
        Assert.Contains("event-data-mismatch", codes);
    }

    [Fact]
    public async Task Given_three_entries_When_the_middle_one_is_deleted_in_sql_Then_the_gap_is_reported()
    {
        await RegisterDataset("tamper-delete");
        var pipeline = _ledger.Client("ci-bot", "pipeline");
        var check = await pipeline.Post("/v1/datasets/tamper-delete@1/checks", new { check = "pii-scan", result = "passed" }).Expect(HttpStatusCode.OK);
        await pipeline.Post("/v1/datasets/tamper-delete@1/checks", new { check = "license-scan", result = "passed" }).Expect(HttpStatusCode.OK);
        await Sql($"DELETE FROM mlledger.mt_events WHERE seq_id = {(long)check["entries"]![0]!["seq"]!}");

        var report = await Verify("datasets/tamper-delete@1");
        Assert.False((bool)report["valid"]!);
        var codes = report["streams"]![0]!["entries"]!.AsArray().SelectMany(e => e!["failures"]!.AsArray()).Select(f => (string)f!["code"]!);
        Assert.Contains("version-gap", codes);
    }

    [Fact]
    public async Task Cli_verify_stream_exits_0_on_an_intact_stream_and_1_after_tampering()
    {
        var seq = await RegisterDataset("tamper-cli");
        var token = _ledger.Issuer.Token("audrey", "auditor");
        var cli = typeof(MlLedger.Cli.ExitCodes).Assembly.Location;

        var intact = await Processes.Run("dotnet", cli, "verify-stream", "datasets/tamper-cli@1", "--server", _ledger.Address.ToString(), "--token", token);
        Assert.True(intact.ExitCode == 0, intact.Output);

        await Sql($"UPDATE mlledger.mt_events SET data = jsonb_set(data, '{{sha256}}', '\"{Sha('f')}\"') WHERE seq_id = {seq}");
        var tampered = await Processes.Run("dotnet", cli, "verify-stream", "datasets/tamper-cli@1", "--server", _ledger.Address.ToString(), "--token", token);
        Assert.True(tampered.ExitCode == 1, tampered.Output);
        Assert.Contains("event-data-mismatch", tampered.Output, StringComparison.Ordinal);
    }

    private async Task<long> RegisterDataset(string name)
    {
        var created = await _ledger.Client("ci-bot", "pipeline").Post("/v1/datasets", Dataset(name, "1")).Expect(HttpStatusCode.Created);
        return (long)created["entries"]![0]!["seq"]!;
    }

    private async Task<(long Seq, string Code)> SingleFailure(string stream)
    {
        var report = await Verify(stream);
        Assert.False((bool)report["valid"]!);
        var entry = report["streams"]![0]!["entries"]!.AsArray().Single(e => !(bool)e!["isValid"]!)!;
        return ((long)entry["seq"]!, (string)entry["failures"]!.AsArray().Single()!["code"]!);
    }

    private async Task Sql(string sql) => Assert.Equal(1, await _ledger.Sql(sql));

    private Task<System.Text.Json.Nodes.JsonObject> Verify(string stream) =>
        _ledger.Client("audrey", "auditor").GetAsync($"/v1/verification/streams?stream={Uri.EscapeDataString(stream)}").Expect(HttpStatusCode.OK);
}
