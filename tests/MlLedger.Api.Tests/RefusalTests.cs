using System.Net;
using System.Text.Json.Nodes;
using MlLedger.Api.Tests.Infrastructure;
using static MlLedger.Api.Tests.Infrastructure.Requests;

namespace MlLedger.Api.Tests;

/// <summary>
/// The ledger's rules refuse with 409 and a machine-readable code, and a refusal appends nothing, except a blocked
/// deployment, which is itself recorded. Unknown resources named in the URL are 404. Each test uses its own names.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class RefusalTests(LedgerFixture shared) : IClassFixture<LedgerFixture>
{
    private readonly LedgerApp _ledger = shared.App;
    private readonly HttpClient _pipeline = shared.App.Client("ci-bot", "pipeline");
    private readonly HttpClient _alice = shared.App.Client("alice", "approver");
    private readonly HttpClient _bob = shared.App.Client("bob", "approver");
    private readonly HttpClient _carol = shared.App.Client("carol", "approver");

    [Fact]
    public async Task Registering_a_model_version_on_an_unknown_dataset_is_refused()
    {
        var refusal = await Refused(() => _pipeline.Post("/v1/models/ref-unknown/versions", ModelVersion("1", null, "ref-never-registered@1")));

        Assert.Equal("dataset-not-found", (string?)refusal["code"]);
    }

    [Fact]
    public async Task Registering_a_model_version_on_a_withdrawn_dataset_is_refused()
    {
        var dataset = await RegisterDataset("ref-withdrawn");
        await _pipeline.Post($"/v1/datasets/{dataset}/withdrawal", new { reason = "licence revoked" }).Expect(HttpStatusCode.OK);

        var refusal = await Refused(() => _pipeline.Post("/v1/models/ref-withdrawn/versions", ModelVersion("1", null, dataset)));

        Assert.Equal("dataset-withdrawn", (string?)refusal["code"]);
    }

    [Fact]
    public async Task Registering_the_same_dataset_twice_is_refused()
    {
        await RegisterDataset("ref-duplicate");

        var refusal = await Refused(() => _pipeline.Post("/v1/datasets", Dataset("ref-duplicate", "1", Sha('d'))));

        Assert.Equal("dataset-already-registered", (string?)refusal["code"]);
    }

    [Fact]
    public async Task The_same_approver_approving_twice_is_refused()
    {
        var promotion = await RequestPromotion("ref-twice", "production");
        await _bob.Post($"/v1/promotions/{promotion}/approvals", Approval()).Expect(HttpStatusCode.OK);

        var refusal = await Refused(() => _bob.Post($"/v1/promotions/{promotion}/approvals", Approval()));

        Assert.Equal("already-decided", (string?)refusal["code"]);
        var details = await _bob.GetAsync($"/v1/promotions/{promotion}").Expect(HttpStatusCode.OK);
        Assert.Equal("pending", (string?)details["status"]);
    }

    [Fact]
    public async Task Approving_after_a_rejection_is_refused()
    {
        var promotion = await RequestPromotion("ref-rejected", "production");
        await _bob.Post($"/v1/promotions/{promotion}/approvals", Approval("reject", "holdout leakage")).Expect(HttpStatusCode.OK);

        var refusal = await Refused(() => _carol.Post($"/v1/promotions/{promotion}/approvals", Approval()));

        Assert.Equal("promotion-not-pending", (string?)refusal["code"]);
        var details = await _carol.GetAsync($"/v1/promotions/{promotion}").Expect(HttpStatusCode.OK);
        Assert.Equal("rejected", (string?)details["status"]);
    }

    [Fact]
    public async Task The_requester_rejecting_their_own_promotion_is_refused()
    {
        var promotion = await RequestPromotion("ref-self-reject", "production");

        var refusal = await Refused(() => _alice.Post($"/v1/promotions/{promotion}/approvals", Approval("reject", "changed my mind")));

        Assert.Equal("self-rejection", (string?)refusal["code"]);
    }

    [Fact]
    public async Task Promoting_a_retired_model_version_is_refused()
    {
        await RegisterModel("ref-retired");
        await _pipeline.Post("/v1/models/ref-retired/versions/1/retirement", new { reason = "superseded" }).Expect(HttpStatusCode.OK);

        var refusal = await Refused(() => _alice.Post("/v1/promotions", Promotion("ref-retired", "1", "staging")));

        Assert.Equal("model-version-retired", (string?)refusal["code"]);
    }

    [Fact]
    public async Task Promoting_a_model_version_that_does_not_exist_is_refused()
    {
        var refusal = await Refused(() => _alice.Post("/v1/promotions", Promotion("ref-ghost", "1", "staging")));

        Assert.Equal("model-version-not-found", (string?)refusal["code"]);
    }

    [Fact]
    public async Task Deploying_another_artifact_than_the_registered_one_is_blocked_and_the_block_is_recorded()
    {
        await RegisterModel("ref-mismatch");
        var before = await _ledger.StoredEntries();

        var blocked = await _pipeline.Post("/v1/deployments", Deployment("ref-mismatch", "1", "dev-eu", Sha('c'))).Expect(HttpStatusCode.Conflict);

        Assert.Equal("artifact-mismatch", (string?)blocked["code"]);
        Assert.Equal(before + 1, await _ledger.StoredEntries());
        await AssertOneDeploymentBlocked(blocked, "artifact-mismatch");
    }

    [Fact]
    public async Task Deploying_to_an_unknown_environment_is_blocked_and_the_block_is_recorded()
    {
        await RegisterModel("ref-moon");
        var before = await _ledger.StoredEntries();

        var blocked = await _pipeline.Post("/v1/deployments", Deployment("ref-moon", "1", "moon-base")).Expect(HttpStatusCode.Conflict);

        Assert.Equal("unknown-environment", (string?)blocked["code"]);
        Assert.Equal(before + 1, await _ledger.StoredEntries());
        await AssertOneDeploymentBlocked(blocked, "unknown-environment");
    }

    [Fact]
    public async Task Deploying_a_model_version_that_does_not_exist_is_refused_without_an_entry()
    {
        var refusal = await Refused(() => _pipeline.Post("/v1/deployments", Deployment("ref-nothing", "1", "dev-eu")));

        Assert.Equal("model-version-not-found", (string?)refusal["code"]);
    }

    [Theory]
    [InlineData("/v1/datasets/ref-nowhere@1")]
    [InlineData("/v1/models/ref-nowhere/versions/1")]
    [InlineData("/v1/promotions/0197a5d2-0000-7000-8000-0000000000ff")]
    [InlineData("/v1/deployments/0197a5d2-0000-7000-8000-0000000000ff")]
    [InlineData("/v1/entries/987654321")]
    public async Task Reading_something_unknown_is_answered_404(string path)
    {
        var problem = await _pipeline.GetAsync(path).Expect(HttpStatusCode.NotFound);

        Assert.Equal("not-found", (string?)problem["code"]);
    }

    [Fact]
    public async Task Approving_an_unknown_promotion_is_answered_404_and_nothing_is_stored()
    {
        var before = await _ledger.StoredEntries();

        var problem = await _bob.Post("/v1/promotions/0197a5d2-0000-7000-8000-0000000000fe/approvals", Approval()).Expect(HttpStatusCode.NotFound);

        Assert.Equal("not-found", (string?)problem["code"]);
        Assert.Equal(before, await _ledger.StoredEntries());
    }

    [Fact]
    public async Task Recording_a_check_on_an_unknown_dataset_is_answered_404_and_nothing_is_stored()
    {
        var before = await _ledger.StoredEntries();

        var problem = await _pipeline.Post("/v1/datasets/ref-nowhere@2/checks", new { check = "pii-scan", result = "passed" })
            .Expect(HttpStatusCode.NotFound);

        Assert.Equal("not-found", (string?)problem["code"]);
        Assert.Equal(before, await _ledger.StoredEntries());
    }

    [Fact]
    public async Task A_staging_promotion_completes_with_one_approval()
    {
        var promotion = await RequestPromotion("ref-staging", "staging");

        var approved = await _bob.Post($"/v1/promotions/{promotion}/approvals", Approval()).Expect(HttpStatusCode.OK);

        Assert.Equal(4, approved["entries"]!.AsArray().Count); // ApprovalGranted, PolicyEvaluated, PromotionApproved, ModelVersionStageChanged
        var details = await _bob.GetAsync($"/v1/promotions/{promotion}").Expect(HttpStatusCode.OK);
        Assert.Equal("approved", (string?)details["status"]);
        Assert.True((bool)details["decision"]!["allowed"]!);
        var model = await _bob.GetAsync("/v1/models/ref-staging/versions/1").Expect(HttpStatusCode.OK);
        Assert.Equal("staging", (string?)model["stage"]);
    }

    [Fact]
    public async Task A_production_promotion_stays_pending_after_one_approval_and_completes_with_the_second()
    {
        var promotion = await RequestPromotion("ref-production", "production");

        var first = await _bob.Post($"/v1/promotions/{promotion}/approvals", Approval()).Expect(HttpStatusCode.OK);
        Assert.Equal(2, first["entries"]!.AsArray().Count); // ApprovalGranted, PolicyEvaluated (denied)
        var pending = await _bob.GetAsync($"/v1/promotions/{promotion}").Expect(HttpStatusCode.OK);
        Assert.Equal("pending", (string?)pending["status"]);
        Assert.False((bool)pending["decision"]!["allowed"]!);
        Assert.Contains("1 of 2 required approvals", (string?)pending["decision"]!["summary"], StringComparison.Ordinal);
        Assert.Equal("none", (string?)(await _bob.GetAsync("/v1/models/ref-production/versions/1").Expect(HttpStatusCode.OK))["stage"]);

        await _carol.Post($"/v1/promotions/{promotion}/approvals", Approval()).Expect(HttpStatusCode.OK);

        var approved = await _bob.GetAsync($"/v1/promotions/{promotion}").Expect(HttpStatusCode.OK);
        Assert.Equal("approved", (string?)approved["status"]);
        Assert.Equal(["bob", "carol"], approved["approvers"]!.AsArray().Select(a => (string)a!).ToArray());
        Assert.Equal("production", (string?)(await _bob.GetAsync("/v1/models/ref-production/versions/1").Expect(HttpStatusCode.OK))["stage"]);
    }

    /// <summary>Expects a 409 refusal and checks that it appended nothing.</summary>
    private async Task<JsonObject> Refused(Func<Task<HttpResponseMessage>> request)
    {
        var before = await _ledger.StoredEntries();
        var problem = await request().Expect(HttpStatusCode.Conflict);
        Assert.Equal(before, await _ledger.StoredEntries());
        Assert.Equal(409, (int?)problem["status"]);
        return problem;
    }

    private async Task AssertOneDeploymentBlocked(JsonObject refusal, string code)
    {
        var entry = Assert.Single(refusal["entries"]!.AsArray());
        var stored = await _pipeline.GetAsync($"/v1/entries/{(long)entry!["seq"]!}").Expect(HttpStatusCode.OK);
        Assert.Equal("DeploymentBlocked", (string?)stored["eventType"]);
        var deployment = await _pipeline.GetAsync($"/v1/deployments/{(string)refusal["id"]!}").Expect(HttpStatusCode.OK);
        Assert.Equal("blocked", (string?)deployment["status"]);
        Assert.Equal(code, (string?)deployment["blockCode"]);
    }

    private async Task<string> RegisterDataset(string name)
    {
        var created = await _pipeline.Post("/v1/datasets", Dataset(name, "1")).Expect(HttpStatusCode.Created);
        return (string)created["id"]!;
    }

    private async Task RegisterModel(string model)
    {
        var dataset = await RegisterDataset($"{model}-data");
        await _pipeline.Post($"/v1/models/{model}/versions", ModelVersion("1", null, dataset)).Expect(HttpStatusCode.Created);
    }

    /// <summary>Registers a model version and has alice request its promotion; returns the promotion id.</summary>
    private async Task<string> RequestPromotion(string model, string stage)
    {
        await RegisterModel(model);
        var requested = await _alice.Post("/v1/promotions", Promotion(model, "1", stage)).Expect(HttpStatusCode.Created);
        return (string)requested["id"]!;
    }
}
