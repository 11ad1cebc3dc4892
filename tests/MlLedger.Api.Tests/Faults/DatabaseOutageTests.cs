using System.Net;
using MlLedger.Api.Hosting;
using MlLedger.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace MlLedger.Api.Tests.Faults;

/// <summary>
/// PostgreSQL stops under write load and comes back. While it is down every write is answered, and answered 503
/// storage-unavailable; /readyz says unready and /healthz still answers. Once it is back writes succeed again, the
/// log catches up, and nothing that was acknowledged is lost. The ledger runs on a cluster of its own, which the
/// test stops and starts.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class DatabaseOutageTests(PostgresFixture postgres, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"mlledger-outage-{Guid.NewGuid():N}");
    private EmbeddedPostgres _cluster = null!;
    private LedgerApp _ledger = null!;

    public async Task InitializeAsync()
    {
        _cluster = await EmbeddedPostgres.StartAsync(_directory);
        var connection = _cluster.ConnectionStringFor(EmbeddedPostgres.DatabaseName);
        _ledger = await LedgerApp.StartAsync(postgres, options => options with { ConnectionString = connection });
    }

    public async Task DisposeAsync()
    {
        await _ledger.DisposeAsync();
        await _cluster.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Given_writes_under_way_When_PostgreSQL_stops_and_returns_Then_writes_answer_503_then_resume_and_nothing_acknowledged_is_lost()
    {
        var anonymous = _ledger.Anonymous();
        anonymous.Timeout = WriteLoad.AnswerTimeout;
        await using var load = WriteLoad.Start(_ledger.Address, () => _ledger.Issuer.Token("ci-bot", "pipeline"), writers: 4, "outage");
        await Until(() => load.Count(201) >= 40, "writes acknowledged before the outage");

        await _cluster.InterruptAsync();
        var beforeOutage = load.Answers.Count;
        await Until(() => load.Answers.Skip(beforeOutage).Count(a => a.Status == 503) >= 20, "writes answered 503 during the outage");
        using (var ready = await anonymous.GetAsync("/readyz"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        }

        using (var live = await anonymous.GetAsync("/healthz"))
        {
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }

        using (var refused = await _ledger.Client("ci-bot", "pipeline").Post("/v1/datasets", Requests.Dataset("outage-direct", "1")))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        }

        await _cluster.ResumeAsync();
        var afterOutage = load.Answers.Count;
        await Until(() => load.Answers.Skip(afterOutage).Count(a => a.Status == 201) >= 40, "writes acknowledged after the outage");
        await load.StopAsync();
        await Until(async () =>
        {
            using var ready = await anonymous.GetAsync("/readyz");
            return ready.StatusCode == HttpStatusCode.OK;
        }, "/readyz to answer 200 again");

        var answers = load.Answers;
        var tally = LedgerAudit.Tally(answers);
        output.WriteLine($"answers: {tally}; slowest 503: {answers.Where(a => a.Status == 503).Max(a => a.Took.TotalMilliseconds):F0} ms");
        Assert.True(answers.All(a => a.Status == 201 || a is { Status: 503, Code: "storage-unavailable" }),
            $"every write is acknowledged or answered 503 storage-unavailable; got {tally}; first other: " +
            answers.FirstOrDefault(a => a.Status is not (201 or 503)));

        // the client's side: a 503 is retried with its Idempotency-Key, which tells it whether the write had landed
        var pipeline = _ledger.Client("ci-bot", "pipeline");
        var resolved = await LedgerAudit.Resolve(pipeline, answers);
        Assert.All(resolved, r => Assert.Equal(201, r.Status));
        var all = answers.Where(a => a.Status == 201).Concat(resolved).ToList();
        Assert.Equal(all.Count, all.Select(a => a.Seq).Distinct().Count());

        var figures = await LedgerAudit.Run(_ledger.ConnectionString, _ledger.Client("audrey", "auditor"), all, Path.Combine(_directory, "audit"));
        Assert.True(figures.Passed, $"{figures}; writes: {tally}");
        Assert.Equal(all.Count, figures.StoredEntries - 1); // and one PolicySetPublished entry at start
    }

    private static Task Until(Func<bool> condition, string what) => Until(() => Task.FromResult(condition()), what);

    private static async Task Until(Func<Task<bool>> condition, string what) =>
        await Eventually.Get(async () => await condition() ? what : null, what);
}
