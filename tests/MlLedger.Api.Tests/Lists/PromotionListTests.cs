using System.Net;
using System.Text.Json.Nodes;
using MlLedger.Api.Tests.Infrastructure;
using static MlLedger.Api.Tests.Infrastructure.Requests;

namespace MlLedger.Api.Tests.Lists;

/// <summary>
/// GET /v1/promotions on the shipped policies (production: two approvers other than the requester, one a risk officer):
/// filters, the approver's inbox (awaiting=me) and keyset pages that hold still while writes happen.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class PromotionListTests(ShippedPoliciesFixture shared) : IClassFixture<ShippedPoliciesFixture>
{
    private readonly LedgerApp _ledger = shared.App;

    [Fact]
    public async Task Given_a_pending_production_promotion_Then_the_inbox_holds_it_for_exactly_those_who_can_advance_its_quorum()
    {
        var id = await RequestProduction("inbox-model", "1", requester: "pat");
        Assert.True(await Awaits("bob", id, "approver"));
        Assert.True(await Awaits("rita", id, "approver", "risk-officer"));
        Assert.False(await Awaits("pat", id, "approver"));                 // the requester
        Assert.False(await Awaits("percy", id, "pipeline"));               // cannot decide at all
        Assert.False(await Awaits("audrey", id, "auditor"));

        await _ledger.Client("bob", "approver").Post($"/v1/promotions/{id}/approvals", Approval()).Expect(HttpStatusCode.OK);
        Assert.False(await Awaits("bob", id, "approver"));                 // decided already
        Assert.False(await Awaits("dave", id, "approver"));                // one more plain approver leaves the risk officer missing
        Assert.True(await Awaits("rita", id, "approver", "risk-officer"));

        await _ledger.Client("rita", "approver", "risk-officer").Post($"/v1/promotions/{id}/approvals", Approval("reject", "not yet"))
            .Expect(HttpStatusCode.OK);
        Assert.False(await Awaits("carol", id, "approver", "risk-officer")); // no longer pending
    }

    [Fact]
    public async Task An_inbox_item_carries_what_a_decision_needs()
    {
        var id = await RequestProduction("item-model", "4", requester: "pat");
        var page = await _ledger.Client("rita", "approver", "risk-officer").GetAsync("/v1/promotions?awaiting=me&model=item-model")
            .Expect(HttpStatusCode.OK);
        var item = Assert.Single(page["items"]!.AsArray())!;
        Assert.Equal(id, (string?)item["id"]);
        Assert.Equal(("item-model", "4", "production", "pending", "pat"),
            ((string?)item["model"], (string?)item["version"], (string?)item["targetStage"], (string?)item["status"], (string?)item["requestedBy"]));
        Assert.Equal(Sha('4'), (string?)item["artifactSha256"]);
        Assert.True((long)item["ageSeconds"]! >= 0);
        Assert.Empty(item["decisions"]!.AsArray());
        var decision = item["decision"]!;
        Assert.False((bool)decision["allowed"]!);
        var failing = decision["failing"]!.AsArray().Select(r => (string)r!["rule"]!).ToList();
        Assert.Contains("two-approvers-with-risk-officer", failing);
        Assert.All(decision["failing"]!.AsArray(), r => Assert.False(string.IsNullOrEmpty((string?)r!["reason"])));
        Assert.Null(page["next"]);
    }

    [Fact]
    public async Task Filters_by_status_model_and_target_stage_narrow_the_list()
    {
        var pending = await RequestProduction("filter-model", "1", requester: "pat");
        var withdrawn = await RequestProduction("filter-model", "2", requester: "pat");
        await _ledger.Client("pat", "approver").Post($"/v1/promotions/{withdrawn}/withdrawal", new { reason = "superseded" }).Expect(HttpStatusCode.OK);
        var auditor = _ledger.Client("audrey", "auditor");

        Assert.Equal([withdrawn, pending], await Ids(auditor, "/v1/promotions?model=filter-model"));
        Assert.Equal([pending], await Ids(auditor, "/v1/promotions?model=filter-model&status=pending"));
        Assert.Equal([withdrawn], await Ids(auditor, "/v1/promotions?model=filter-model&status=withdrawn"));
        Assert.Empty(await Ids(auditor, "/v1/promotions?model=filter-model&targetStage=staging"));
        Assert.Equal(2, (await Ids(auditor, "/v1/promotions?model=filter-model&targetStage=production")).Count);
    }

    [Theory]
    [InlineData("status=open", "status")]
    [InlineData("status=Pending", "status")]
    [InlineData("targetStage=none", "targetStage")]
    [InlineData("targetStage=prod", "targetStage")]
    [InlineData("awaiting=you", "awaiting")]
    [InlineData("model=", "model")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=501", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    [InlineData("cursor=WyJlbnRyaWVzIiwiMTIiXQ", "cursor")] // a cursor of the audit trail
    public async Task A_bad_filter_is_a_400_naming_the_field(string query, string field)
    {
        var problem = await _ledger.Client("audrey", "auditor").GetAsync($"/v1/promotions?{query}").Expect(HttpStatusCode.BadRequest);
        Assert.Equal("validation-failed", (string?)problem["code"]);
        Assert.NotNull(problem["errors"]![field]);
    }

    [Fact]
    public async Task Pages_follow_each_other_without_repeats_or_gaps_while_promotions_are_requested()
    {
        var requested = new List<string>();
        for (var v = 1; v <= 7; v++)
        {
            requested.Add(await RequestProduction("paged-model", $"{v}", requester: "pat"));
        }

        var auditor = _ledger.Client("audrey", "auditor");
        var first = await auditor.GetAsync("/v1/promotions?model=paged-model&limit=3").Expect(HttpStatusCode.OK);
        var seen = Items(first);
        var next = (string?)first["next"];
        var later = new List<string>();
        while (next is not null)
        {
            later.Add(await RequestProduction("paged-model", $"{10 + later.Count}", requester: "pat")); // written between pages
            var page = await auditor.GetAsync($"/v1/promotions?model=paged-model&limit=3&cursor={next}").Expect(HttpStatusCode.OK);
            seen.AddRange(Items(page));
            next = (string?)page["next"];
        }

        Assert.Equal(requested.AsEnumerable().Reverse(), seen);
        Assert.Equal(later.AsEnumerable().Reverse().Concat(requested.AsEnumerable().Reverse()),
            await Ids(auditor, "/v1/promotions?model=paged-model&limit=500"));
    }

    [Fact]
    public async Task Listing_needs_a_reading_role()
    {
        await _ledger.Anonymous().GetAsync("/v1/promotions").Expect(HttpStatusCode.Unauthorized);
        await _ledger.Client("someone").GetAsync("/v1/promotions").Expect(HttpStatusCode.Forbidden);
    }

    private async Task<string> RequestProduction(string model, string version, string requester)
    {
        var pipeline = _ledger.Client("ci-bot", "pipeline");
        await pipeline.Post("/v1/datasets", Dataset($"{model}-train", version, sha: Sha('d'))).Expect(HttpStatusCode.Created);
        await pipeline.Post($"/v1/models/{model}/versions", ModelVersion(version, Sha(version[0]), $"{model}-train@{version}")).Expect(HttpStatusCode.Created);
        var promotion = await _ledger.Client(requester, "approver").Post("/v1/promotions", Promotion(model, version)).Expect(HttpStatusCode.Created);
        return (string)promotion["id"]!;
    }

    private async Task<bool> Awaits(string subject, string id, params string[] roles)
    {
        var client = _ledger.Client(subject, roles);
        var ids = new List<string>();
        string? next = null;
        do
        {
            var page = await client.GetAsync($"/v1/promotions?awaiting=me&limit=500{(next is null ? "" : $"&cursor={next}")}").Expect(HttpStatusCode.OK);
            ids.AddRange(Items(page));
            next = (string?)page["next"];
        }
        while (next is not null);

        return ids.Contains(id);
    }

    private static async Task<List<string>> Ids(HttpClient client, string path) => Items(await client.GetAsync(path).Expect(HttpStatusCode.OK));

    private static List<string> Items(JsonObject page) => page["items"]!.AsArray().Select(i => (string)i!["id"]!).ToList();
}
