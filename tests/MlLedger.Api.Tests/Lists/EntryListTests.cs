using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using MlLedger.Api.Tests.Infrastructure;
using Npgsql;
using static MlLedger.Api.Tests.Infrastructure.Requests;

namespace MlLedger.Api.Tests.Lists;

/// <summary>GET /v1/entries: the audit trail, newest first, filtered by stream, type, actor and signed time, paged by sequence number.</summary>
[Collection(LedgerCollection.Name)]
public sealed class EntryListTests(PostgresFixture postgres) : IAsyncLifetime
{
    private LedgerApp _ledger = null!;

    public async Task InitializeAsync()
    {
        _ledger = await LedgerApp.StartAsync(postgres);
        var pipeline = _ledger.Client("ci-bot", "pipeline");
        await pipeline.Post("/v1/datasets", Dataset()).Expect(HttpStatusCode.Created);
        await pipeline.Post("/v1/models/churn/versions", ModelVersion()).Expect(HttpStatusCode.Created);
        await pipeline.Post("/v1/models/churn/versions/7/evaluations", new { dataset = "churn-train@3", metrics = new { auc = 0.91 } })
            .Expect(HttpStatusCode.Created);
        var promotion = await _ledger.Client("alice", "approver").Post("/v1/promotions", Promotion()).Expect(HttpStatusCode.Created);
        await _ledger.Client("bob", "approver").Post($"/v1/promotions/{promotion["id"]}/approvals", Approval()).Expect(HttpStatusCode.OK);
    }

    public async Task DisposeAsync() => await _ledger.DisposeAsync();

    [Fact]
    public async Task Paging_through_the_trail_gives_every_entry_once_newest_first_with_the_hash_the_entry_has()
    {
        var all = await All("/v1/entries?limit=2");
        Assert.Equal(await _ledger.StoredEntries(), all.Count);
        Assert.Equal(all.Select(e => (long)e["seq"]!).OrderDescending(), all.Select(e => (long)e["seq"]!));

        var auditor = _ledger.Client("audrey", "auditor");
        foreach (var item in all)
        {
            var entry = await auditor.GetAsync($"/v1/entries/{item["seq"]}").Expect(HttpStatusCode.OK);
            Assert.Equal((string?)entry["hash"], (string?)item["hash"]);
            Assert.Equal((string?)entry["streamId"], (string?)item["stream"]);
            Assert.Equal((string?)entry["eventType"], (string?)item["type"]);
            Assert.Equal((long)entry["streamVersion"]!, (long)item["streamVersion"]!);
        }
    }

    [Fact]
    public async Task The_actor_and_time_are_those_of_the_signed_statement()
    {
        var approval = Assert.Single(await All("/v1/entries?type=ApprovalGranted"));
        Assert.Equal("bob", (string?)approval["actor"]);
        Assert.Equal(TestIssuer.Issuer, (string?)approval["actorIssuer"]);

        var entry = await _ledger.Client("audrey", "auditor").GetAsync($"/v1/entries/{approval["seq"]}").Expect(HttpStatusCode.OK);
        var payload = JsonNode.Parse(Convert.FromBase64String((string)entry["envelope"]!["payload"]!))!;
        var signed = DateTimeOffset.Parse((string)payload["predicate"]!["ledger"]!["occurredAt"]!, CultureInfo.InvariantCulture);
        Assert.Equal(signed, Time(approval));
    }

    [Fact]
    public async Task Filters_by_stream_type_actor_and_time_narrow_the_trail()
    {
        Assert.All(await All("/v1/entries?stream=models/churn/7"), e => Assert.Equal("models/churn/7", (string?)e["stream"]));
        Assert.Equal(2, (await All("/v1/entries?stream=models/churn/7")).Count);
        Assert.Equal(["DatasetRegistered"], (await All("/v1/entries?type=DatasetRegistered")).Select(e => (string)e["type"]!));
        var byAlice = await All("/v1/entries?actor=alice");
        Assert.Equal(["PolicyEvaluated", "PromotionRequested"], byAlice.Select(e => (string)e["type"]!));

        var everything = await All("/v1/entries");
        var middle = everything[everything.Count / 2];
        var at = Uri.EscapeDataString((string)middle["at"]!);
        var before = await All($"/v1/entries?to={at}");
        var after = await All($"/v1/entries?from={at}");
        Assert.Equal(everything.Count, before.Count + after.Count);
        Assert.All(after, e => Assert.True(Time(e) >= Time(middle)));
        Assert.Empty(await All("/v1/entries?actor=nobody-at-all"));
    }

    [Theory]
    [InlineData("type=Approved", "type")]
    [InlineData("stream=", "stream")]
    [InlineData("actor=", "actor")]
    [InlineData("from=2026-03-01", "from")]
    [InlineData("from=2026-03-01T00:00:00", "from")]  // no offset: whose midnight?
    [InlineData("to=yesterday", "to")]
    [InlineData("from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z", "to")]
    [InlineData("limit=-1", "limit")]
    [InlineData("cursor=WyJlbnRyaWVzIiwieCJd", "cursor")] // ["entries","x"]
    public async Task A_bad_filter_is_a_400_naming_the_field(string query, string field)
    {
        var problem = await _ledger.Client("audrey", "auditor").GetAsync($"/v1/entries?{query}").Expect(HttpStatusCode.BadRequest);
        Assert.Equal("validation-failed", (string?)problem["code"]);
        Assert.NotNull(problem["errors"]![field]);
    }

    [Fact]
    public async Task Entries_written_before_the_index_existed_are_indexed_at_the_next_start()
    {
        var expected = (await All("/v1/entries")).Select(e => e.ToJsonString()).ToList();
        await _ledger.Sql("DELETE FROM mlledger.entry_index");
        Assert.Empty(await All("/v1/entries"));

        var database = _ledger.ConnectionString;
        _ledger.KeepDatabase();
        await _ledger.DisposeAsync();
        _ledger = await LedgerApp.StartAsync(postgres, o => o with { ConnectionString = database });
        Assert.Equal(expected, (await All("/v1/entries")).Select(e => e.ToJsonString()));
    }

    [Fact]
    public async Task An_entry_whose_envelope_cannot_be_read_is_listed_without_actor_or_time()
    {
        var seq = (long)(await All("/v1/entries?type=DatasetRegistered"))[0]["seq"]!;
        await _ledger.Sql($"DELETE FROM mlledger.entry_index WHERE seq = {seq}");
        await _ledger.Sql($"UPDATE mlledger.mt_events SET headers = jsonb_set(headers, '{{dsse}}', '\"not an envelope\"') WHERE seq_id = {seq}");
        await using (var connection = new NpgsqlConnection(_ledger.ConnectionString))
        {
            await connection.OpenAsync();
            await using var backfill = new NpgsqlCommand(
                "INSERT INTO mlledger.entry_index (seq, stream, type, actor, actor_issuer, at, occurred_at) SELECT e.seq_id, e.stream_id, " +
                $"e.type, f.actor, f.actor_issuer, f.at, f.occurred_at FROM mlledger.mt_events e CROSS JOIN LATERAL mlledger.entry_facts(e.headers) f WHERE e.seq_id = {seq}", connection);
            Assert.Equal(1, await backfill.ExecuteNonQueryAsync());
        }

        var item = Assert.Single(await All("/v1/entries?type=DatasetRegistered"));
        Assert.Null(item["actor"]);
        Assert.Null(item["at"]);
    }

    private static DateTimeOffset Time(JsonObject item) => DateTimeOffset.Parse((string)item["at"]!, CultureInfo.InvariantCulture);

    private async Task<List<JsonObject>> All(string path)
    {
        var auditor = _ledger.Client("audrey", "auditor");
        var items = new List<JsonObject>();
        string? next = null;
        do
        {
            var separator = path.Contains('?', StringComparison.Ordinal) ? "&" : "?";
            var page = await auditor.GetAsync(next is null ? path : $"{path}{separator}cursor={next}").Expect(HttpStatusCode.OK);
            items.AddRange(page["items"]!.AsArray().Select(i => i!.AsObject()));
            next = (string?)page["next"];
        }
        while (next is not null);

        return items;
    }
}
