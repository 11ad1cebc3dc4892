using System.Net;
using MlLedger.Api.Tests.Infrastructure;
using Npgsql;

namespace MlLedger.Api.Tests.Faults;

/// <summary>
/// The connection to PostgreSQL breaks after COMMIT was carried out but before its reply came back: the ledger
/// cannot know the write landed. It must not answer 201 (it does not know) nor 500 (nothing is wrong with the
/// request): it answers 503, and the client's retry with the same Idempotency-Key answers the entry that landed.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class LostCommitReplyTests(PostgresFixture postgres) : IAsyncLifetime
{
    private CommitReplyCutter _cutter = null!;
    private LedgerApp _ledger = null!;
    private string _database = "";

    public async Task InitializeAsync()
    {
        _database = await postgres.CreateDatabaseAsync();
        var direct = new NpgsqlConnectionStringBuilder(_database);
        _cutter = CommitReplyCutter.Start(direct.Port);
        var relayed = new NpgsqlConnectionStringBuilder(_database) { Host = "127.0.0.1", Port = _cutter.Port }.ConnectionString;
        _ledger = await LedgerApp.StartAsync(postgres, options => options with { ConnectionString = relayed });
    }

    public async Task DisposeAsync()
    {
        await _ledger.DisposeAsync();
        await _cutter.DisposeAsync();
        await postgres.DropDatabaseAsync(_database);
    }

    [Fact]
    public async Task Given_the_reply_to_COMMIT_is_lost_When_writing_Then_503_and_the_retry_with_the_key_answers_the_landed_entry()
    {
        var pipeline = _ledger.Client("ci-bot", "pipeline");
        pipeline.Timeout = WriteLoad.AnswerTimeout;
        _cutter.CutCommitAfter("lost-reply");

        var first = await WriteLoad.Send(pipeline, "lost-reply", "lost-reply-attempt");
        Assert.Equal(1, _cutter.Cut);
        Assert.Equal((503, "storage-unavailable"), (first.Status, first.Code));

        var stored = await LedgerAudit.StoredHashes(_database);
        var retry = await WriteLoad.Send(pipeline, "lost-reply", "lost-reply-attempt");
        Assert.Equal(201, retry.Status);
        Assert.True(stored.TryGetValue(retry.Seq!.Value, out var hash), $"entry {retry.Seq} had landed before the retry");
        Assert.Equal(hash, retry.Hash);

        // a retry without the key cannot learn the outcome: the dataset is already registered
        var unkeyed = await pipeline.Post("/v1/datasets", Requests.Dataset("lost-reply", "1", Requests.Sha('c'))).Expect(HttpStatusCode.Conflict);
        Assert.NotEqual("storage-unavailable", (string?)unkeyed["code"]);
    }
}
