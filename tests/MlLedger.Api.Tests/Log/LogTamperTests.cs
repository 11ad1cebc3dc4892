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
        Assert.Contains($"does not extend the signed checkpoint {signed.Checkpoint.Size}", refused.Message, StringComparison.Ordinal);
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
}
