using System.Net;
using Microsoft.Extensions.DependencyInjection;
using MlLedger.Api.Log;
using MlLedger.Api.Tests.Infrastructure;
using static MlLedger.Api.Tests.Infrastructure.Requests;
using static MlLedger.Api.Tests.Log.LogClient;

namespace MlLedger.Api.Tests.Log;

/// <summary>Someone with database access rewrites the log: the ledger refuses to sign over it.</summary>
[Collection(LedgerCollection.Name)]
public sealed class LogTamperTests(PostgresFixture postgres) : IAsyncLifetime
{
    private LedgerApp _ledger = null!;

    public async Task InitializeAsync() => _ledger = await LedgerApp.StartAsync(postgres);

    public async Task DisposeAsync() => await _ledger.DisposeAsync();

    [Fact]
    public async Task Rewritten_subtree_hashes_stop_the_next_checkpoint()
    {
        var pipeline = _ledger.Client("ci-bot", "pipeline");
        await pipeline.Post("/v1/datasets", Dataset("tamper-a", "1")).Expect(HttpStatusCode.Created);
        await pipeline.Post("/v1/datasets", Dataset("tamper-b", "1")).Expect(HttpStatusCode.Created);
        var auditor = _ledger.Client("audrey", "auditor");
        var signed = await CheckpointCovering(auditor, await _ledger.StoredEntries());

        await _ledger.Sql("UPDATE mlledger.log_nodes SET hash = sha256(hash)");
        await pipeline.Post("/v1/datasets", Dataset("tamper-c", "1")).Expect(HttpStatusCode.Created);
        var log = _ledger.Services.GetRequiredService<LogStore>();
        var entries = await _ledger.StoredEntries();
        await Eventually.Get(async () => (await log.State(CancellationToken.None)).Size >= entries ? "sequenced" : null, "the new entry's leaf");

        var issuer = _ledger.Services.GetRequiredService<CheckpointIssuer>();
        var refused = await Assert.ThrowsAsync<LogIntegrityException>(() => issuer.IssueIfGrown(CancellationToken.None));
        Assert.Contains($"do not give the root that checkpoint {signed.Checkpoint.Size} signed", refused.Message, StringComparison.Ordinal);
        Assert.Equal(signed.Checkpoint.Size, (await log.LatestCheckpoint(CancellationToken.None))!.TreeSize);
    }

    [Fact]
    public async Task A_log_shorter_than_its_latest_checkpoint_is_reported_as_truncated()
    {
        var pipeline = _ledger.Client("ci-bot", "pipeline");
        await pipeline.Post("/v1/datasets", Dataset("trunc-a", "1")).Expect(HttpStatusCode.Created);
        var auditor = _ledger.Client("audrey", "auditor");
        var signed = await CheckpointCovering(auditor, await _ledger.StoredEntries());

        await _ledger.Sql("UPDATE mlledger.mt_doc_logstate SET data = jsonb_set(data, '{size}', '0'::jsonb)");
        var issuer = _ledger.Services.GetRequiredService<CheckpointIssuer>();
        var refused = await Assert.ThrowsAsync<LogIntegrityException>(() => issuer.IssueIfGrown(CancellationToken.None));
        Assert.Contains($"checkpoint {signed.Checkpoint.Size} was signed: it was truncated", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleted_checkpoints_stop_the_next_one_because_the_ledger_remembers_what_it_signed()
    {
        var pipeline = _ledger.Client("ci-bot", "pipeline");
        await pipeline.Post("/v1/datasets", Dataset("forget-a", "1")).Expect(HttpStatusCode.Created);
        var signed = await CheckpointCovering(_ledger.Client("audrey", "auditor"), await _ledger.StoredEntries());

        await _ledger.Sql("DELETE FROM mlledger.log_checkpoints");
        await pipeline.Post("/v1/datasets", Dataset("forget-b", "1")).Expect(HttpStatusCode.Created);
        var issuer = _ledger.Services.GetRequiredService<CheckpointIssuer>();
        var refused = await Assert.ThrowsAsync<LogIntegrityException>(() => issuer.IssueIfGrown(CancellationToken.None));
        Assert.Contains($"This ledger signed checkpoint {signed.Checkpoint.Size}, but the database's latest is none", refused.Message, StringComparison.Ordinal);

        // operators see it: /readyz reports the log check Degraded (still serving) once the background issuer has refused
        var ready = await Eventually.Get(async () =>
        {
            using var response = await _ledger.Anonymous().GetAsync("/readyz");
            var body = await response.Content.ReadAsStringAsync();
            return response.StatusCode == HttpStatusCode.OK && body == "Degraded" ? body : null;
        }, "/readyz to report the log Degraded");
        Assert.Equal("Degraded", ready);
    }

    [Fact]
    public async Task A_relabelled_checkpoint_row_stops_the_next_one()
    {
        var pipeline = _ledger.Client("ci-bot", "pipeline");
        await pipeline.Post("/v1/datasets", Dataset("label-a", "1")).Expect(HttpStatusCode.Created);
        var signed = await CheckpointCovering(_ledger.Client("audrey", "auditor"), await _ledger.StoredEntries());

        await _ledger.Sql($"UPDATE mlledger.log_checkpoints SET tree_size = tree_size + 1000 WHERE tree_size = {signed.Checkpoint.Size}");
        var issuer = _ledger.Services.GetRequiredService<CheckpointIssuer>();
        var refused = await Assert.ThrowsAsync<LogIntegrityException>(() => issuer.IssueIfGrown(CancellationToken.None));
        Assert.Contains($"signs size {signed.Checkpoint.Size}: the table was edited", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Leaves_reordered_before_their_first_checkpoint_are_never_signed()
    {
        // a ledger whose issuer signs only when asked here (one attempt at start, then hourly)
        await using var slow = await LedgerApp.StartAsync(postgres,
            options => options with { Log = options.Log with { CheckpointInterval = TimeSpan.FromHours(1) } });
        var pipeline = slow.Client("ci-bot", "pipeline");
        await pipeline.Post("/v1/datasets", Dataset("order-a", "1")).Expect(HttpStatusCode.Created);
        await pipeline.Post("/v1/datasets", Dataset("order-b", "1")).Expect(HttpStatusCode.Created);
        var log = slow.Services.GetRequiredService<LogStore>();
        var entries = await slow.StoredEntries();
        await Eventually.Get(async () => (await log.State(CancellationToken.None)).Size >= entries ? "sequenced" : null, "the entries' leaves");

        // the last two leaves swap entries, and their stored hashes with them: the tree stays self-consistent
        await slow.Sql($"UPDATE mlledger.log_leaves SET seq = -seq WHERE idx IN ({entries - 2}, {entries - 1})");
        await slow.Sql(
            "UPDATE mlledger.log_leaves l SET seq = -o.seq FROM mlledger.log_leaves o " +
            $"WHERE l.idx IN ({entries - 2}, {entries - 1}) AND o.idx = {2 * entries - 3} - l.idx");
        await slow.Sql(
            "UPDATE mlledger.log_nodes n SET hash = o.hash FROM mlledger.log_nodes o " +
            $"WHERE n.level = 0 AND o.level = 0 AND n.idx IN ({entries - 2}, {entries - 1}) AND o.idx = {2 * entries - 3} - n.idx");

        var issuer = slow.Services.GetRequiredService<CheckpointIssuer>();
        var refused = await Assert.ThrowsAsync<LogIntegrityException>(() => issuer.IssueIfGrown(CancellationToken.None));
        Assert.Contains("does not follow entry", refused.Message, StringComparison.Ordinal);
    }
}
