using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using MlLedger.Api.Lineage;
using MlLedger.Api.Tests.Infrastructure;
using static MlLedger.Api.Tests.Infrastructure.Requests;

namespace MlLedger.Api.Tests.Lineage;

[Collection(LedgerCollection.Name)]
public sealed class LineageTests(LedgerFixture shared) : IClassFixture<LedgerFixture>
{
    private readonly LedgerApp _ledger = shared.App;

    private HttpClient Auditor => _ledger.Client("audrey", "auditor");

    private static string[] Ids(JsonObject graph) => graph["nodes"]!.AsArray().Select(n => (string)n!["id"]!).Order(StringComparer.Ordinal).ToArray();

    private static string[] Edges(JsonObject graph) =>
        graph["edges"]!.AsArray().Select(e => $"{e!["from"]} -{e["relation"]}-> {e["to"]}").Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public async Task Upstream_of_a_model_version_is_its_datasets_and_their_sources_and_nothing_else()
    {
        var life = await Lifecycles.Run(_ledger, "lin-up");
        await Lifecycles.Run(_ledger, "lin-other");

        var graph = await Auditor.GetAsync($"/v1/lineage/model-version/{life.ModelVersion}?direction=upstream").Expect(HttpStatusCode.OK);

        Assert.Equal(
            [$"dataset:{life.Clean}", $"dataset:{life.Holdout}", $"dataset:{life.Raw}", $"model-version:{life.ModelVersion}"],
            Ids(graph));
        Assert.Equal(
            [
                $"dataset:{life.Clean} -trained-on-> model-version:{life.ModelVersion}",
                $"dataset:{life.Holdout} -evaluated-on-> model-version:{life.ModelVersion}",
                $"dataset:{life.Raw} -derived-from-> dataset:{life.Clean}",
            ],
            Edges(graph));
        var model = graph["nodes"]!.AsArray().Single(n => (string)n!["id"]! == $"model-version:{life.ModelVersion}")!;
        Assert.Equal("production", (string?)model["status"]);
    }

    [Fact]
    public async Task Downstream_of_a_source_dataset_reaches_promotions_approvals_decisions_and_the_deployment()
    {
        var life = await Lifecycles.Run(_ledger, "lin-down");

        var graph = await Auditor.GetAsync($"/v1/lineage/dataset/{life.Raw}?direction=downstream").Expect(HttpStatusCode.OK);

        var nodes = graph["nodes"]!.AsArray().Select(n => n!.AsObject()).ToList();
        Assert.Contains(nodes, n => (string)n["id"]! == $"deployment:{life.DeploymentId}" && (string)n["status"]! == "active");
        Assert.Contains(nodes, n => (string)n["id"]! == $"promotion:{life.PromotionId}" && (string)n["status"]! == "approved");
        Assert.Contains(nodes, n => (string)n["id"]! == $"promotion:{life.RejectedPromotionId}" && (string)n["status"]! == "rejected");
        Assert.Equal(["dave rejected"], nodes.Where(n => (string)n["kind"]! == "approval" && (string)n["status"]! == "rejected")
            .Select(n => (string)n["label"]!).ToArray());
        Assert.Equal(2, nodes.Count(n => (string)n["kind"]! == "approval" && (string)n["status"]! == "approved"));
        Assert.Contains(nodes, n => (string)n["kind"]! == "policy-decision" && (string)n["status"]! == "allowed");
        Assert.DoesNotContain(nodes, n => ((string)n["id"]!).Contains(life.Holdout, StringComparison.Ordinal)); // upstream only
        var lifeSeqs = life.Seqs.ToHashSet();
        Assert.All(nodes, n => Assert.Contains((long)n["seq"]!, lifeSeqs)); // every node cites an entry of this lifecycle
    }

    [Fact]
    public async Task As_of_a_tree_size_or_a_time_the_graph_is_what_it_was_then()
    {
        var pipeline = _ledger.Client("ci-bot", "pipeline");
        await pipeline.Post("/v1/datasets", Dataset("lin-asof-raw", "1", Sha('1'))).Expect(HttpStatusCode.Created);
        var before = await Eventually.Get(async () =>
        {
            var state = await _ledger.Services.GetRequiredService<MlLedger.Api.Log.LogStore>().State(CancellationToken.None);
            var entries = await _ledger.StoredEntries();
            return state.Size == entries ? (object)state.Size : null;
        }, "the log to catch up");
        var time = DateTimeOffset.UtcNow;
        await Task.Delay(20);
        await pipeline.Post("/v1/datasets", Dataset("lin-asof-clean", "1", Sha('2'), ["lin-asof-raw@1"])).Expect(HttpStatusCode.Created);
        await pipeline.Post("/v1/datasets/lin-asof-raw@1/withdrawal", new { reason = "consent revoked" }).Expect(HttpStatusCode.OK);

        var now = await Auditor.GetAsync("/v1/lineage/dataset/lin-asof-raw@1").Expect(HttpStatusCode.OK);
        var bySize = await Auditor.GetAsync($"/v1/lineage/dataset/lin-asof-raw@1?asOf={before}").Expect(HttpStatusCode.OK);
        var byTime = await Auditor.GetAsync($"/v1/lineage/dataset/lin-asof-raw@1?asOf={Uri.EscapeDataString(time.ToString("O"))}")
            .Expect(HttpStatusCode.OK);

        Assert.Equal(["dataset:lin-asof-clean@1", "dataset:lin-asof-raw@1"], Ids(now));
        Assert.Equal("withdrawn", (string?)now["nodes"]!.AsArray().Single(n => (string)n!["id"]! == "dataset:lin-asof-raw@1")!["status"]);
        foreach (var then in new[] { bySize, byTime })
        {
            Assert.Equal(["dataset:lin-asof-raw@1"], Ids(then));
            Assert.Equal("registered", (string?)then["nodes"]![0]!["status"]);
            Assert.Empty(then["edges"]!.AsArray());
        }

        Assert.Equal((long)before, (long)bySize["asOf"]!["treeSize"]!);
        await Auditor.GetAsync("/v1/lineage/dataset/lin-asof-clean@1?asOf=0").Expect(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Withdrawing_a_dataset_shows_the_deployments_it_affects()
    {
        var life = await Lifecycles.Run(_ledger, "lin-impact");

        var withdrawn = await _ledger.Client("ci-bot", "pipeline")
            .Post($"/v1/datasets/{life.Raw}/withdrawal", new { reason = "licence revoked" }).Expect(HttpStatusCode.OK);
        var impact = await Auditor.GetAsync($"/v1/datasets/{life.Raw}/impact").Expect(HttpStatusCode.OK);

        foreach (var answer in new[] { impact, withdrawn["impact"]!.AsObject() })
        {
            Assert.Equal("withdrawn", (string?)answer["status"]);
            Assert.Equal([life.Clean], answer["derivedDatasets"]!.AsArray().Select(d => (string)d!).ToArray());
            var model = Assert.Single(answer["models"]!.AsArray())!;
            Assert.Equal(life.ModelVersion, (string?)model["modelVersion"]);
            Assert.Equal("trained-on", (string?)model["uses"]![0]!["relation"]);
            Assert.Equal(life.Clean, (string?)model["uses"]![0]!["dataset"]);
            var live = Assert.Single(answer["deployedNow"]!.AsArray())!;
            Assert.Equal(life.DeploymentId, (string?)live["deploymentId"]);
            Assert.Equal("prod-eu", (string?)live["environment"]);
        }
    }

    [Theory]
    [InlineData("/v1/lineage/table/x", HttpStatusCode.BadRequest, "bad-kind")]
    [InlineData("/v1/lineage/dataset/nope@1", HttpStatusCode.NotFound, "not-found")]
    [InlineData("/v1/lineage/dataset/x@1?direction=sideways", HttpStatusCode.BadRequest, "bad-direction")]
    [InlineData("/v1/lineage/dataset/x@1?depth=0", HttpStatusCode.BadRequest, "bad-depth")]
    [InlineData("/v1/lineage/dataset/x@1?depth=65", HttpStatusCode.BadRequest, "bad-depth")]
    [InlineData("/v1/lineage/dataset/x@1?asOf=yesterday", HttpStatusCode.BadRequest, "bad-as-of")]
    [InlineData("/v1/lineage/dataset/x@1?asOf=99999999999", HttpStatusCode.BadRequest, "bad-as-of")]
    [InlineData("/v1/lineage/dataset/x@1?asOf=999999999999999999999999", HttpStatusCode.BadRequest, "bad-as-of")]
    [InlineData("/v1/datasets/nope@1/impact", HttpStatusCode.NotFound, "not-found")]
    public async Task Bad_lineage_questions_get_a_clear_problem(string path, HttpStatusCode status, string code)
    {
        var problem = await Auditor.GetAsync(path).Expect(status);
        Assert.Equal(code, (string?)problem["code"]);
    }

    [Fact]
    public async Task Lineage_needs_a_token_and_pipelines_may_read_it()
    {
        await Lifecycles.Run(_ledger, "lin-auth");
        await _ledger.Anonymous().GetAsync("/v1/lineage/dataset/lin-auth-raw@1").Expect(HttpStatusCode.Unauthorized);
        await _ledger.Client("ci-bot", "pipeline").GetAsync("/v1/lineage/dataset/lin-auth-raw@1").Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_walk_that_stops_at_its_depth_says_it_is_truncated()
    {
        var life = await Lifecycles.Run(_ledger, "lin-depth");

        var shallow = await Auditor.GetAsync($"/v1/lineage/dataset/{life.Raw}?direction=downstream&depth=1").Expect(HttpStatusCode.OK);
        var deep = await Auditor.GetAsync($"/v1/lineage/dataset/{life.Raw}?direction=downstream&depth=10").Expect(HttpStatusCode.OK);
        var impact = await Auditor.GetAsync($"/v1/datasets/{life.Raw}/impact").Expect(HttpStatusCode.OK);

        Assert.True((bool)shallow["truncated"]!);
        Assert.Equal([$"dataset:{life.Clean}", $"dataset:{life.Raw}"], Ids(shallow));
        Assert.False((bool)deep["truncated"]!);
        Assert.False((bool)impact["truncated"]!);
    }

    [Fact]
    public async Task A_graph_past_the_node_limit_is_refused_with_its_limit()
    {
        var life = await Lifecycles.Run(_ledger, "lin-limit");
        var lineage = _ledger.Services.GetRequiredService<LineageQuery>();

        var refused = await Assert.ThrowsAsync<LineageTooLargeException>(() =>
            lineage.Walk($"dataset:{life.Raw}", upstream: false, downstream: true, 10, LineageCut.Now, CancellationToken.None, limit: 3));
        var fits = await lineage.Walk($"dataset:{life.Raw}", upstream: false, downstream: true, 10, LineageCut.Now, CancellationToken.None, limit: 100);

        Assert.Equal(3, refused.Limit);
        Assert.InRange(fits.Nodes.Count, 4, 100);
    }

    [Fact]
    public async Task A_graph_past_the_edge_limit_is_refused_with_its_limit()
    {
        var life = await Lifecycles.Run(_ledger, "lin-edges");
        var lineage = _ledger.Services.GetRequiredService<LineageQuery>();

        var refused = await Assert.ThrowsAsync<LineageTooLargeException>(() =>
            lineage.Walk($"dataset:{life.Raw}", upstream: false, downstream: true, 10, LineageCut.Now, CancellationToken.None, edgeLimit: 2));
        var fits = await lineage.Walk($"dataset:{life.Raw}", upstream: false, downstream: true, 10, LineageCut.Now, CancellationToken.None, edgeLimit: 1000);

        Assert.Equal(2, refused.Limit);
        Assert.Contains("more than 2 edges", refused.Message, StringComparison.Ordinal);
        Assert.InRange(fits.Edges.Count, 3, 1000);
    }
}
