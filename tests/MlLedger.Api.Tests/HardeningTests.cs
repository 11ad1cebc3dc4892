using System.Net;
using System.Net.Http.Headers;
using System.Text;
using MlLedger.Api.Tests.Infrastructure;
using static MlLedger.Api.Tests.Infrastructure.Requests;

namespace MlLedger.Api.Tests;

/// <summary>
/// Inputs and database edits that once got through: decisions rest on the signed events, not on the unsigned
/// read models; nothing the strict verifier would later reject is ever signed; odd text is a 400, not a 500.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class HardeningTests(LedgerFixture shared) : IClassFixture<LedgerFixture>
{
    private readonly LedgerApp _ledger = shared.App;
    private static readonly string[] NulTrain = ["nul-train@1"];
    private readonly HttpClient _pipeline = shared.App.Client("ci-bot", "pipeline");

    [Fact]
    public async Task A_read_model_edited_in_sql_does_not_let_an_unpromoted_version_deploy()
    {
        await Lineage("forged", "1");
        Assert.Equal(1, await _ledger.Sql("UPDATE mlledger.mt_doc_modelversion SET data = jsonb_set(data, '{stage}', '\"Production\"') WHERE id = 'models/forged/1'"));

        var refused = await _pipeline.Post("/v1/deployments", Deployment("forged", "1")).Expect(HttpStatusCode.Conflict);
        Assert.Equal("stage-not-reached", (string?)refused["code"]);
    }

    [Fact]
    public async Task A_duplicate_json_key_is_refused_before_anything_is_signed()
    {
        await _pipeline.Post("/v1/datasets", Dataset("dup-train", "1")).Expect(HttpStatusCode.Created);
        const string body = """{"version":"1","artifactSha256":"BBB","framework":"x","trainedOn":["dup-train@1"],"parameters":{"a":{"b":1,"b":2}}}""";
        using var content = new StringContent(body.Replace("BBB", Sha('b'), StringComparison.Ordinal), Encoding.UTF8, "application/json");
        using var response = await _pipeline.PostAsync("/v1/models/dup/versions", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var verification = await _ledger.Client("audrey", "auditor").GetAsync("/v1/verification/streams").Expect(HttpStatusCode.OK);
        Assert.True((bool)verification["valid"]!, verification.ToJsonString());
    }

    [Theory]
    [InlineData("trailing-newline\n")]
    [InlineData("nul\u0000name")]
    public async Task A_name_with_a_control_character_is_a_400_and_stores_nothing(string name)
    {
        var before = await _ledger.StoredEntries();
        var problem = await _pipeline.Post("/v1/datasets", Dataset(name, "1")).Expect(HttpStatusCode.BadRequest);
        Assert.Contains("name", problem["errors"]!.AsObject().Select(e => e.Key));
        Assert.Equal(before, await _ledger.StoredEntries());
    }

    [Fact]
    public async Task A_nul_in_free_text_or_parameters_is_a_400_never_a_500()
    {
        await _pipeline.Post("/v1/datasets", Dataset("nul-train", "1")).Expect(HttpStatusCode.Created);
        var license = await _pipeline.Post("/v1/datasets", new
        {
            name = "nul-license", version = "1", uri = "s3://b/x", sha256 = Sha('a'), license = "MIT\u0000", containsPersonalData = false,
        }).Expect(HttpStatusCode.BadRequest);
        Assert.Contains("license", license["errors"]!.AsObject().Select(e => e.Key));

        var parameters = await _pipeline.Post("/v1/models/nul/versions", new
        {
            version = "1", artifactSha256 = Sha('b'), framework = "x", trainedOn = NulTrain,
            parameters = new Dictionary<string, object> { ["p"] = new { deep = "a\u0000b" } },
        }).Expect(HttpStatusCode.BadRequest);
        Assert.Equal("validation-failed", (string?)parameters["code"]);
    }

    [Fact]
    public async Task A_dataset_without_the_personal_data_flag_is_refused_rather_than_recorded_as_false()
    {
        var problem = await _pipeline.Post("/v1/datasets", new { name = "noflag", version = "1", uri = "s3://b/x", sha256 = Sha('a'), license = "MIT" })
            .Expect(HttpStatusCode.BadRequest);
        Assert.Contains("containsPersonalData", problem["errors"]!.AsObject().Select(e => e.Key));
    }

    [Fact]
    public async Task If_match_on_a_missing_resource_is_404_and_a_recorded_refusal_carries_its_etag()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/datasets/nowhere@1/checks")
        {
            Content = JsonContent(new { check = "pii-scan", result = "passed" }),
        };
        request.Headers.IfMatch.Add(new EntityTagHeaderValue("\"3\""));
        using var missing = await _pipeline.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        await Lineage("etag", "1");
        using var blocked = await _pipeline.Post("/v1/deployments", Deployment("etag", "1"));
        Assert.Equal(HttpStatusCode.Conflict, blocked.StatusCode);
        Assert.Equal("\"1\"", blocked.Headers.ETag?.Tag);
    }

    [Fact]
    public async Task An_older_staging_promotion_cannot_demote_a_production_version_and_a_duplicate_can_only_be_withdrawn()
    {
        await Lineage("demote", "1");
        var alice = _ledger.Client("alice", "approver");
        var toStaging = (string)(await alice.Post("/v1/promotions", Promotion("demote", "1", "staging")).Expect(HttpStatusCode.Created))["id"]!;
        var toProduction = (string)(await alice.Post("/v1/promotions", Promotion("demote", "1")).Expect(HttpStatusCode.Created))["id"]!;
        var duplicate = (string)(await alice.Post("/v1/promotions", Promotion("demote", "1")).Expect(HttpStatusCode.Created))["id"]!;

        foreach (var approver in new[] { "bob", "carol" })
        {
            await _ledger.Client(approver, "approver").Post($"/v1/promotions/{toProduction}/approvals", Approval()).Expect(HttpStatusCode.OK);
        }

        var late = await _ledger.Client("bob", "approver").Post($"/v1/promotions/{toStaging}/approvals", Approval()).Expect(HttpStatusCode.Conflict);
        Assert.Equal("already-in-stage", (string?)late["code"]);
        var stuck = await _ledger.Client("dave", "approver").Post($"/v1/promotions/{duplicate}/approvals", Approval()).Expect(HttpStatusCode.Conflict);
        Assert.Equal("already-in-stage", (string?)stuck["code"]);
        await alice.Post($"/v1/promotions/{duplicate}/withdrawal", new { reason = "superseded" }).Expect(HttpStatusCode.OK);

        var model = await _pipeline.GetAsync("/v1/models/demote/versions/1").Expect(HttpStatusCode.OK);
        Assert.Equal("production", (string?)model["stage"]);
    }

    private async Task Lineage(string model, string version)
    {
        await _pipeline.Post("/v1/datasets", Dataset($"{model}-train", "1")).Expect(HttpStatusCode.Created);
        await _pipeline.Post($"/v1/models/{model}/versions", ModelVersion(version, null, $"{model}-train@1")).Expect(HttpStatusCode.Created);
    }

    private static StringContent JsonContent(object body) =>
        new(System.Text.Json.JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
}
