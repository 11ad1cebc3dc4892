using System.Net;
using MlLedger.Api.Tests.Infrastructure;
using static MlLedger.Api.Tests.Infrastructure.Requests;

namespace MlLedger.Api.Tests;

[Collection(LedgerCollection.Name)]
public sealed class LifecycleTests(LedgerFixture shared) : IClassFixture<LedgerFixture>
{
    private readonly LedgerApp _ledger = shared.App;

    [Fact]
    public async Task Dataset_to_production_deployment_with_two_approvals_is_recorded_and_verifies()
    {
        var pipeline = _ledger.Client("ci-bot", "pipeline");
        var dataset = await pipeline.Post("/v1/datasets", Dataset()).Expect(HttpStatusCode.Created);
        Assert.Equal("churn-train@3", (string?)dataset["id"]);
        Assert.Equal(64, ((string?)dataset["entries"]![0]!["hash"])!.Length);

        await pipeline.Post("/v1/models/churn/versions", ModelVersion()).Expect(HttpStatusCode.Created);
        await pipeline.Post("/v1/models/churn/versions/7/evaluations", new { dataset = "churn-train@3", metrics = new { auc = 0.91 } })
            .Expect(HttpStatusCode.Created);

        var requester = _ledger.Client("alice", "approver");
        var promotion = await requester.Post("/v1/promotions", Promotion()).Expect(HttpStatusCode.Created);
        var id = (string)promotion["id"]!;

        var selfApproval = await requester.Post($"/v1/promotions/{id}/approvals", Approval()).Expect(HttpStatusCode.Conflict);
        Assert.Equal("self-approval", (string?)selfApproval["code"]);

        var early = await pipeline.Post("/v1/deployments", Deployment()).Expect(HttpStatusCode.Conflict);
        Assert.Equal("stage-not-reached", (string?)early["code"]);
        Assert.Single(early["entries"]!.AsArray()); // the blocked attempt itself is an entry

        await _ledger.Client("bob", "approver", "risk-officer").Post($"/v1/promotions/{id}/approvals", Approval()).Expect(HttpStatusCode.OK);
        var completing = await _ledger.Client("carol", "approver").Post($"/v1/promotions/{id}/approvals", Approval()).Expect(HttpStatusCode.OK);
        // ApprovalGranted, PolicyEvaluated, PromotionApproved, ModelVersionStageChanged
        Assert.Equal(4, completing["entries"]!.AsArray().Count);

        var auditor = _ledger.Client("audrey", "auditor");
        var model = await auditor.GetAsync("/v1/models/churn/versions/7").Expect(HttpStatusCode.OK);
        Assert.Equal("production", (string?)model["stage"]);
        var details = await auditor.GetAsync($"/v1/promotions/{id}").Expect(HttpStatusCode.OK);
        Assert.Equal("approved", (string?)details["status"]);
        Assert.Equal(["bob", "carol"], details["approvers"]!.AsArray().Select(a => (string)a!).ToArray());

        var deployed = await pipeline.Post("/v1/deployments", Deployment()).Expect(HttpStatusCode.Created);
        var list = await auditor.GetAsync("/v1/deployments?environment=prod-eu").Expect(HttpStatusCode.OK);
        var statuses = list["deployments"]!.AsArray().Select(d => (string)d!["status"]!).Order().ToArray();
        Assert.Equal(["active", "blocked"], statuses);
        Assert.NotNull(deployed["id"]);

        var verification = await auditor.GetAsync("/v1/verification/streams").Expect(HttpStatusCode.OK);
        Assert.True((bool)verification["valid"]!, verification.ToJsonString());
        // policy set; dataset, model, evaluation; request + evaluation; 3 approvals + 3 evaluations; completion, stage change;
        // blocked and recorded deployments
        Assert.Equal(14, (int)verification["entriesChecked"]!);
    }
}
