using System.Net;
using MlLedger.Api.Tests.Infrastructure;
using static MlLedger.Api.Tests.Reports.ReportClient;

namespace MlLedger.Api.Tests.Reports;

/// <summary>
/// A report prints what the log commits to: a stored row edited by the database owner does not change it, and an entry
/// whose envelope no longer rebuilds its leaf stops the report instead of being printed.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class ReportTamperTests(PostgresFixture postgres) : IAsyncLifetime
{
    private LedgerApp _ledger = null!;
    private Lifecycle _life = null!;

    private HttpClient Auditor => _ledger.Client("audrey", "auditor");

    public async Task InitializeAsync()
    {
        _ledger = await LedgerApp.StartAsync(postgres);
        _life = await Lifecycles.Run(_ledger, "tamper");
        await SettledCheckpoint(_ledger, Auditor);
    }

    public async Task DisposeAsync() => await _ledger.DisposeAsync();

    [Fact]
    public async Task An_edited_event_row_does_not_change_what_the_report_prints()
    {
        var evaluation = (long)_life.Answers[5]["entries"]![0]!["seq"]!;
        Assert.Equal(1, await _ledger.Sql(
            $"UPDATE mlledger.mt_events SET data = jsonb_set(data, '{{metrics,auc}}', '0.99') WHERE seq_id = {evaluation}"));

        var report = await Get(Auditor, $"/v1/reports/compliance/{_life.Model}/1.pdf");

        Assert.True(report.Mentions("0.91"), "the signed value is missing");
        Assert.False(report.Mentions("0.99"), "the edited row was printed");
    }

    [Fact]
    public async Task An_entry_whose_envelope_was_swapped_stops_the_report()
    {
        var seqs = _life.Seqs.ToList();
        Assert.Equal(1, await _ledger.Sql(
            $"UPDATE mlledger.mt_events SET headers = jsonb_set(headers, '{{dsse}}', " +
            $"(SELECT headers->'dsse' FROM mlledger.mt_events WHERE seq_id = {seqs[0]})) WHERE seq_id = {seqs[1]}"));

        var problem = await Auditor.GetAsync($"/v1/reports/compliance/{_life.Model}/1.pdf").Expect(HttpStatusCode.InternalServerError);

        Assert.Equal("ledger-integrity", (string?)problem["code"]);
        Assert.Contains($"Entry {seqs[1]}", (string?)problem["detail"], StringComparison.Ordinal);
    }
}
