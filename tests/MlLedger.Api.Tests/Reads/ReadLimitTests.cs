using System.Net;
using MlLedger.Api.Hosting;
using MlLedger.Api.Tests.Infrastructure;
using MlLedger.Api.Tests.Reports;

namespace MlLedger.Api.Tests.Reads;

/// <summary>A ledger whose reports may read at most 10 entries, and whose reads load read models of at most 3,000 bytes stored.</summary>
public sealed class SmallReadsFixture(PostgresFixture postgres) : IAsyncLifetime
{
    public const int ReportEntries = 10;
    public const long ReadModelBytes = 3_000;

    public LedgerApp App { get; private set; } = null!;

    public Lifecycle Life { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = await LedgerApp.StartAsync(postgres, options => options with
        {
            ReadLimits = new ReadLimits { ReportEntries = ReportEntries, ReadModelBytes = ReadModelBytes },
        });
        Life = await Lifecycles.Run(App, "small");
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}

/// <summary>
/// A report is laid out in memory as a whole, so it reads at most so many entries: past that it is 422 report-too-large
/// and nothing is recorded; a report within the limit is served. A read model is loaded whole, so one stored larger than
/// the limit is 422 resource-too-large, and its entries are still read through the stream's verification.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class ReadLimitTests(SmallReadsFixture shared) : IClassFixture<SmallReadsFixture>
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
        Assert.Equal(SmallReadsFixture.ReportEntries, (int?)problem["limit"]);
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

    [Fact]
    public async Task A_read_model_stored_larger_than_the_limit_is_422_and_its_entries_are_still_read_in_pages()
    {
        using var pipeline = _ledger.Client("ci-bot", "pipeline");
        await pipeline.Post("/v1/datasets", Requests.Dataset("grown", "1")).Expect(HttpStatusCode.Created);
        await pipeline.GetAsync("/v1/datasets/grown@1").Expect(HttpStatusCode.OK);
        for (var i = 0; i < 12; i++)
        {
            // distinct text, so that PostgreSQL's compression does not shrink the document below the limit
            var details = string.Concat(Enumerable.Range(0, 8).Select(_ => Guid.NewGuid().ToString("N")));
            await pipeline.Post("/v1/datasets/grown@1/checks", new { check = $"scan-{i}", result = "passed", details }).Expect(HttpStatusCode.OK);
        }

        var problem = await pipeline.GetAsync("/v1/datasets/grown@1").Expect(HttpStatusCode.UnprocessableEntity);

        Assert.Equal("resource-too-large", (string?)problem["code"]);
        Assert.Equal(SmallReadsFixture.ReadModelBytes, (long?)problem["limit"]);
        Assert.True((long)problem["storedBytes"]! > SmallReadsFixture.ReadModelBytes, problem.ToJsonString());
        Assert.Contains("/v1/verification/streams?stream=datasets%2Fgrown%401", (string?)problem["detail"], StringComparison.Ordinal);
        using var auditor = _ledger.Client("audrey", "auditor");
        var stream = await auditor.GetAsync("/v1/verification/streams?stream=datasets%2Fgrown%401").Expect(HttpStatusCode.OK);
        Assert.Equal(13, stream["streams"]![0]!["entries"]!.AsArray().Count);
    }
}
