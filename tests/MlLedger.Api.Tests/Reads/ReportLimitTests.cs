using System.Net;
using MlLedger.Api.Hosting;
using MlLedger.Api.Tests.Infrastructure;
using MlLedger.Api.Tests.Reports;

namespace MlLedger.Api.Tests.Reads;

/// <summary>A ledger whose reports may read at most 10 entries.</summary>
public sealed class SmallReportsFixture(PostgresFixture postgres) : IAsyncLifetime
{
    public const int ReportEntries = 10;

    public LedgerApp App { get; private set; } = null!;

    public Lifecycle Life { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = await LedgerApp.StartAsync(postgres, options => options with { ReadLimits = new ReadLimits { ReportEntries = ReportEntries } });
        Life = await Lifecycles.Run(App, "small");
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}

/// <summary>
/// A report is laid out in memory as a whole, so it reads at most so many entries: past that it is 422 report-too-large
/// and nothing is recorded; a report within the limit is served.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class ReportLimitTests(SmallReportsFixture shared) : IClassFixture<SmallReportsFixture>
{
    private readonly LedgerApp _ledger = shared.App;

    [Fact]
    public async Task A_report_that_would_read_more_entries_than_its_limit_is_422_and_records_nothing()
    {
        using var auditor = _ledger.Client("audrey", "auditor");
        await ReportClient.SettledCheckpoint(_ledger, auditor);
        var before = await _ledger.StoredEntries();

        var problem = await auditor.GetAsync($"/v1/reports/compliance/{shared.Life.Model}/1.pdf").Expect(HttpStatusCode.UnprocessableEntity);

        Assert.Equal("report-too-large", (string?)problem["code"]);
        Assert.Equal(SmallReportsFixture.ReportEntries, (int?)problem["limit"]);
        Assert.Contains("shorter period", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.Equal(before, await _ledger.StoredEntries());
    }

    [Fact]
    public async Task A_report_within_the_limit_is_served()
    {
        using var auditor = _ledger.Client("audrey", "auditor");
        await ReportClient.SettledCheckpoint(_ledger, auditor);

        var report = await ReportClient.Get(auditor, $"/v1/reports/dataset-impact/{shared.Life.Holdout}.pdf");

        Assert.True(report.Mentions(shared.Life.Holdout), report.Text);
    }
}
