using System.Net;
using System.Text.Json.Nodes;
using MlLedger.Api.Tests.Infrastructure;
using static MlLedger.Api.Tests.Infrastructure.Requests;

namespace MlLedger.Api.Tests.Lists;

/// <summary>GET /v1/datasets, /v1/models and /v1/models/{name}/versions.</summary>
[Collection(LedgerCollection.Name)]
public sealed class CatalogListTests(LedgerFixture shared) : IClassFixture<LedgerFixture>
{
    private readonly LedgerApp _ledger = shared.App;

    [Fact]
    public async Task Datasets_are_listed_newest_first_with_their_checks_and_status()
    {
        var pipeline = _ledger.Client("ci-bot", "pipeline");
        await pipeline.Post("/v1/datasets", Dataset("cat-a", "1")).Expect(HttpStatusCode.Created);
        await pipeline.Post("/v1/datasets", Dataset("cat-a", "2")).Expect(HttpStatusCode.Created);
        await pipeline.Post("/v1/datasets/cat-a@1/checks", new { check = "pii-scan", result = "failed", details = "emails" }).Expect(HttpStatusCode.OK);
        await pipeline.Post("/v1/datasets/cat-a@1/checks", new { check = "pii-scan", result = "passed" }).Expect(HttpStatusCode.OK);
        await pipeline.Post("/v1/datasets/cat-a@2/withdrawal", new { reason = "mislabelled" }).Expect(HttpStatusCode.OK);

        var auditor = _ledger.Client("audrey", "auditor");
        var page = await auditor.GetAsync("/v1/datasets?name=cat-a").Expect(HttpStatusCode.OK);
        var items = page["items"]!.AsArray();
        Assert.Equal(["cat-a@2", "cat-a@1"], items.Select(i => (string)i!["id"]!));
        Assert.Equal("withdrawn", (string?)items[0]!["status"]);
        Assert.Equal("passed", (string?)items[1]!["checks"]!["pii-scan"]); // the latest result counts
        var active = await auditor.GetAsync("/v1/datasets?name=cat-a&status=active").Expect(HttpStatusCode.OK);
        Assert.Equal(["cat-a@1"], active["items"]!.AsArray().Select(i => (string)i!["id"]!));

        var first = await auditor.GetAsync("/v1/datasets?name=cat-a&limit=1").Expect(HttpStatusCode.OK);
        var second = await auditor.GetAsync($"/v1/datasets?name=cat-a&limit=1&cursor={first["next"]}").Expect(HttpStatusCode.OK);
        Assert.Equal(["cat-a@2", "cat-a@1"], Ids(first).Concat(Ids(second)));
        Assert.Null(second["next"]);
    }

    [Fact]
    public async Task Models_are_listed_by_name_with_their_versions_and_stages()
    {
        var pipeline = _ledger.Client("ci-bot", "pipeline");
        await pipeline.Post("/v1/datasets", Dataset("cat-train", "1")).Expect(HttpStatusCode.Created);
        foreach (var (model, version) in new[] { ("cat-m1", "1"), ("cat-m1", "2"), ("cat-m2", "1") })
        {
            await pipeline.Post($"/v1/models/{model}/versions", ModelVersion(version, null, "cat-train@1")).Expect(HttpStatusCode.Created);
        }

        var promotion = await _ledger.Client("alice", "approver").Post("/v1/promotions", Promotion("cat-m1", "1", "staging")).Expect(HttpStatusCode.Created);
        await _ledger.Client("bob", "approver").Post($"/v1/promotions/{promotion["id"]}/approvals", Approval()).Expect(HttpStatusCode.OK);

        var auditor = _ledger.Client("audrey", "auditor");
        var models = new List<JsonNode>();
        string? next = null;
        do
        {
            var page = await auditor.GetAsync($"/v1/models?limit=1{(next is null ? "" : $"&cursor={next}")}").Expect(HttpStatusCode.OK);
            models.AddRange(page["items"]!.AsArray()!);
            next = (string?)page["next"];
        }
        while (next is not null);

        var names = models.Select(m => (string)m!["name"]!).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        var m1 = models.Single(m => (string?)m!["name"] == "cat-m1");
        Assert.Equal(2, (long)m1["versions"]!);
        Assert.Equal("2", (string?)m1["latestVersion"]);
        Assert.Equal(["1"], m1["staging"]!.AsArray().Select(v => (string)v!));
        Assert.Empty(m1["production"]!.AsArray());

        var versions = await auditor.GetAsync("/v1/models/cat-m1/versions").Expect(HttpStatusCode.OK);
        Assert.Equal(["cat-m1@2", "cat-m1@1"], Ids(versions));
        Assert.Equal("staging", (string?)versions["items"]![1]!["stage"]);
        var missing = await auditor.GetAsync("/v1/models/no-such-model/versions").Expect(HttpStatusCode.NotFound);
        Assert.Equal("not-found", (string?)missing["code"]);
    }

    [Theory]
    [InlineData("/v1/datasets?status=retired", "status")]
    [InlineData("/v1/datasets?limit=1000", "limit")]
    [InlineData("/v1/models?cursor=x", "cursor")]
    [InlineData("/v1/models/churn/versions?limit=0", "limit")]
    public async Task A_bad_query_is_a_400_naming_the_field(string path, string field)
    {
        var problem = await _ledger.Client("audrey", "auditor").GetAsync(path).Expect(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]![field]);
    }

    private static IEnumerable<string> Ids(JsonObject page) => page["items"]!.AsArray().Select(i => (string)i!["id"]!);
}
