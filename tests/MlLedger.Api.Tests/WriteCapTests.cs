using System.Net;
using MlLedger.Api.Keys;
using MlLedger.Api.Tests.Infrastructure;
using Npgsql;
using static MlLedger.Api.Tests.Infrastructure.Requests;

namespace MlLedger.Api.Tests;

/// <summary>
/// Writers of one stream take turns on a database lock; more of them than the connection pool holds must wait
/// without a connection, so that reads, health checks and the log keep theirs.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class WriteCapTests(LedgerFixture shared) : IClassFixture<LedgerFixture>
{
    private const int Writers = 150; // more than Npgsql's default pool of 100

    private readonly LedgerApp _ledger = shared.App;

    [Fact]
    public async Task More_writers_on_one_stream_than_the_pool_holds_never_wait_on_its_lock_with_more_connections_than_the_cap()
    {
        var pipeline = _ledger.Client("ci-bot", "pipeline");
        await pipeline.Post("/v1/datasets", Dataset("write-cap", "1")).Expect(HttpStatusCode.Created);
        var before = await _ledger.StoredEntries();

        using var stop = new CancellationTokenSource();
        var watching = WatchLockWaitersAsync(stop.Token);
        using var start = new SemaphoreSlim(0);
        var writes = Enumerable.Range(0, Writers).Select(async i =>
        {
            await start.WaitAsync();
            using var answer = await pipeline.Post("/v1/datasets/write-cap@1/checks", new { check = "drift-scan", result = "passed", details = $"scan {i}" });
            return answer.StatusCode;
        }).ToList();
        start.Release(Writers);
        var statuses = await Task.WhenAll(writes);
        using (var ready = await _ledger.Anonymous().GetAsync("/readyz"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        await stop.CancelAsync();
        var (samples, most) = await watching;

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(before + Writers, await _ledger.StoredEntries());
        Assert.True(samples > 0, "the waiters were never sampled");
        Assert.True(most <= LedgerKeys.MaxWriters, $"{most} connections waited on a stream lock at once; the cap is {LedgerKeys.MaxWriters}");
    }

    /// <summary>Samples, until stopped, how many of the ledger's connections wait on an advisory lock; answers the samples taken and the most seen.</summary>
    private async Task<(int Samples, long Most)> WatchLockWaitersAsync(CancellationToken stop)
    {
        await using var connection = new NpgsqlConnection(_ledger.ConnectionString);
        await connection.OpenAsync(CancellationToken.None);
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory'",
            connection);
        var (samples, most) = (0, 0L);
        while (!stop.IsCancellationRequested)
        {
            most = Math.Max(most, (long)(await command.ExecuteScalarAsync(CancellationToken.None))!);
            samples++;
            await Task.Delay(2, CancellationToken.None);
        }

        return (samples, most);
    }
}
