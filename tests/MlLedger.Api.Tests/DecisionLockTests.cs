using System.Net;
using MlLedger.Api.Tests.Infrastructure;
using Npgsql;
using static MlLedger.Api.Tests.Infrastructure.Requests;

namespace MlLedger.Api.Tests;

/// <summary>
/// A policy decision holds the streams it read until it commits: while another transaction is changing a training
/// dataset (here: holds its stream row), an approval that must read that dataset waits rather than deciding on facts
/// that may be about to change.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class DecisionLockTests(LedgerFixture shared) : IClassFixture<LedgerFixture>
{
    private readonly LedgerApp _ledger = shared.App;

    [Fact]
    public async Task An_approval_waits_while_a_dataset_it_reads_is_being_changed_and_completes_after()
    {
        var pipeline = _ledger.Client("ci-bot", "pipeline");
        var dataset = (string)(await pipeline.Post("/v1/datasets", Dataset("lock-data", "1")).Expect(HttpStatusCode.Created))["id"]!;
        await pipeline.Post("/v1/models/lock-model/versions", ModelVersion("1", null, dataset)).Expect(HttpStatusCode.Created);
        var promotion = (string)(await _ledger.Client("alice", "approver").Post("/v1/promotions", Promotion("lock-model", "1", "staging"))
            .Expect(HttpStatusCode.Created))["id"]!;

        await using var writer = new NpgsqlConnection(_ledger.ConnectionString);
        await writer.OpenAsync();
        await using var transaction = await writer.BeginTransactionAsync();
        await using (var hold = new NpgsqlCommand("SELECT 1 FROM mlledger.mt_streams WHERE id = 'datasets/lock-data@1' FOR UPDATE", writer, transaction))
        {
            Assert.Equal(1, await hold.ExecuteScalarAsync());
        }

        var approval = _ledger.Client("bob", "approver").Post($"/v1/promotions/{promotion}/approvals", Approval());
        var finished = await Task.WhenAny(approval, Task.Delay(TimeSpan.FromSeconds(2)));
        Assert.NotSame(approval, finished); // still waiting for the dataset

        await transaction.CommitAsync();
        var approved = await approval.Expect(HttpStatusCode.OK);
        Assert.Equal(4, approved["entries"]!.AsArray().Count); // granted, evaluated (allowed), approved, stage changed
    }
}
