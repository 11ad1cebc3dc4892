using System.Net;
using System.Text.Json.Nodes;
using MlLedger.Api.Tests.Infrastructure;
using static MlLedger.Api.Tests.Infrastructure.Requests;

namespace MlLedger.Api.Tests;

/// <summary>
/// The shipped production policy, end to end over HTTP: each broken rule blocks with its own reason, a version
/// meeting every rule is promoted and deployed, and every decision is a signed entry naming the policy set digest.
/// Each test uses its own model and dataset names.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class ShippedPolicyTests(ShippedPoliciesFixture shared) : IClassFixture<ShippedPoliciesFixture>
{
    private readonly LedgerApp _ledger = shared.App;
    private readonly HttpClient _pipeline = shared.App.Client("ci-bot", "pipeline");
    private readonly HttpClient _alice = shared.App.Client("alice", "approver");
    private readonly HttpClient _bob = shared.App.Client("bob", "approver");
    private readonly HttpClient _carol = shared.App.Client("carol", "approver", "risk-officer");
    private readonly HttpClient _dave = shared.App.Client("dave", "approver");
    private readonly HttpClient _auditor = shared.App.Client("audrey", "auditor");

    [Fact]
    public async Task A_version_meeting_every_rule_is_promoted_after_two_approvers_with_a_risk_officer_and_deployed()
    {
        var artifact = await PolicyScenarios.RegisterModel(_pipeline, "pol-good", auc: 0.91, piiScan: "passed");
        var promotion = await Request("pol-good");

        var requested = await _auditor.GetAsync($"/v1/promotions/{promotion}").Expect(HttpStatusCode.OK);
        Assert.Equal("pending", (string?)requested["status"]);
        Assert.Equal(["production/two-approvers-with-risk-officer"], FailedRules(requested["decision"]!));

        await _bob.Post($"/v1/promotions/{promotion}/approvals", Approval()).Expect(HttpStatusCode.OK);
        Assert.Equal("pending", (string?)(await _auditor.GetAsync($"/v1/promotions/{promotion}").Expect(HttpStatusCode.OK))["status"]);
        await _carol.Post($"/v1/promotions/{promotion}/approvals", Approval()).Expect(HttpStatusCode.OK);

        var approved = await _auditor.GetAsync($"/v1/promotions/{promotion}").Expect(HttpStatusCode.OK);
        Assert.Equal("approved", (string?)approved["status"]);
        var decision = approved["decision"]!;
        Assert.True((bool)decision["allowed"]!);
        Assert.Equal(await Digest(), (string?)decision["policySetDigest"]);
        Assert.All(decision["rules"]!.AsArray(), r => Assert.Equal("passed", (string?)r!["outcome"]));
        Assert.Equal("production", (string?)(await _auditor.GetAsync("/v1/models/pol-good/versions/1").Expect(HttpStatusCode.OK))["stage"]);

        var deployed = await _pipeline.Post("/v1/deployments", Deployment("pol-good", "1", "prod-eu", artifact)).Expect(HttpStatusCode.Created);
        var deployment = await _auditor.GetAsync($"/v1/deployments?environment=prod-eu").Expect(HttpStatusCode.OK);
        Assert.Contains(deployment["deployments"]!.AsArray(), d => (string?)d!["id"] == (string?)deployed["id"] && (string?)d["status"] == "active");
    }

    [Fact]
    public async Task Holdout_auc_under_the_threshold_blocks_production_with_its_reason()
    {
        await PolicyScenarios.RegisterModel(_pipeline, "pol-auc", auc: 0.81, piiScan: "passed");

        var decision = await DecisionAfterTwoApprovals("pol-auc");

        Assert.False((bool)decision["allowed"]!);
        Assert.Equal(["production/holdout-auc"], FailedRules(decision));
        Assert.Equal("auc 0.81 < 0.85 on dataset pol-auc-holdout@1", Reason(decision, "holdout-auc"));
    }

    [Fact]
    public async Task Training_data_that_failed_the_pii_scan_blocks_production_with_its_reason()
    {
        await PolicyScenarios.RegisterModel(_pipeline, "pol-pii", auc: 0.91, piiScan: "failed");

        var decision = await DecisionAfterTwoApprovals("pol-pii");

        Assert.False((bool)decision["allowed"]!);
        Assert.Equal(["production/training-data"], FailedRules(decision));
        Assert.Equal("training dataset pol-pii-train@1 failed pii-scan", Reason(decision, "training-data"));
    }

    [Fact]
    public async Task Two_approvers_without_a_risk_officer_do_not_complete_production()
    {
        await PolicyScenarios.RegisterModel(_pipeline, "pol-roles", auc: 0.91, piiScan: "passed");
        var promotion = await Request("pol-roles");

        await _bob.Post($"/v1/promotions/{promotion}/approvals", Approval()).Expect(HttpStatusCode.OK);
        await _dave.Post($"/v1/promotions/{promotion}/approvals", Approval()).Expect(HttpStatusCode.OK);

        var details = await _auditor.GetAsync($"/v1/promotions/{promotion}").Expect(HttpStatusCode.OK);
        Assert.Equal("pending", (string?)details["status"]);
        Assert.Equal(["production/two-approvers-with-risk-officer"], FailedRules(details["decision"]!));
        Assert.Equal("no approver holds the role risk-officer", Reason(details["decision"]!, "two-approvers-with-risk-officer"));
    }

    [Fact]
    public async Task Every_broken_rule_is_reported_each_with_its_own_reason()
    {
        await PolicyScenarios.RegisterModel(_pipeline, "pol-all", auc: 0.70, piiScan: "failed");

        var promotion = await Request("pol-all");

        var decision = (await _auditor.GetAsync($"/v1/promotions/{promotion}").Expect(HttpStatusCode.OK))["decision"]!;
        Assert.Equal(
            ["production/holdout-auc", "production/training-data", "production/two-approvers-with-risk-officer"],
            FailedRules(decision));
        Assert.Equal(3, decision["rules"]!.AsArray().Where(r => (string?)r!["outcome"] == "failed").Select(r => (string?)r!["reason"]).Distinct().Count());
    }

    [Fact]
    public async Task Every_evaluation_is_a_signed_PolicyEvaluated_entry_naming_the_digest()
    {
        await PolicyScenarios.RegisterModel(_pipeline, "pol-entries", auc: 0.91, piiScan: "passed");
        var promotion = await Request("pol-entries");
        await _bob.Post($"/v1/promotions/{promotion}/approvals", Approval()).Expect(HttpStatusCode.OK);

        var verification = await _auditor.GetAsync($"/v1/verification/streams?stream=promotions/{promotion}").Expect(HttpStatusCode.OK);
        Assert.True((bool)verification["valid"]!, verification.ToJsonString());
        var entries = verification["streams"]![0]!["entries"]!.AsArray();
        Assert.Equal(4, entries.Count); // requested, evaluated, granted, evaluated
        var digest = await Digest();
        foreach (var seq in new[] { (long)entries[1]!["seq"]!, (long)entries[3]!["seq"]! })
        {
            var entry = await _auditor.GetAsync($"/v1/entries/{seq}").Expect(HttpStatusCode.OK);
            var statement = JsonNode.Parse(Convert.FromBase64String((string)entry["envelope"]!["payload"]!))!;
            Assert.Equal("https://mlledger.dev/events/PolicyEvaluated/v1", (string?)statement["predicateType"]);
            Assert.Equal(digest, (string?)statement["predicate"]!["event"]!["policySetDigest"]);
            Assert.Equal(digest, (string?)statement["predicate"]!["event"]!["decision"]!["policySetDigest"]);
        }
    }

    [Fact]
    public async Task A_deployment_the_policy_refuses_is_answered_409_with_the_decision_and_recorded_as_blocked()
    {
        var artifact = await PolicyScenarios.RegisterModel(_pipeline, "pol-deploy", auc: 0.91, piiScan: "passed");
        var promotion = await Request("pol-deploy");
        await _bob.Post($"/v1/promotions/{promotion}/approvals", Approval()).Expect(HttpStatusCode.OK);
        await _carol.Post($"/v1/promotions/{promotion}/approvals", Approval()).Expect(HttpStatusCode.OK);
        // after promotion, a new scan finds personal data in the training set
        await _pipeline.Post("/v1/datasets/pol-deploy-train@1/checks", new { check = "pii-scan", result = "failed", details = "emails found" })
            .Expect(HttpStatusCode.OK);

        var refused = await _pipeline.Post("/v1/deployments", Deployment("pol-deploy", "1", "prod-eu", artifact)).Expect(HttpStatusCode.Conflict);

        Assert.Equal("policy-denied", (string?)refused["code"]);
        Assert.False((bool)refused["decision"]!["allowed"]!);
        Assert.Equal(["production/training-data"], FailedRules(refused["decision"]!));
        Assert.Single(refused["entries"]!.AsArray());
        var list = await _auditor.GetAsync("/v1/deployments?environment=prod-eu").Expect(HttpStatusCode.OK);
        Assert.Contains(list["deployments"]!.AsArray(), d => (string?)d!["id"] == (string?)refused["id"] && (string?)d["status"] == "blocked");
    }

    [Fact]
    public async Task A_dev_environment_needs_no_policy()
    {
        var artifact = await PolicyScenarios.RegisterModel(_pipeline, "pol-dev", auc: 0.5, piiScan: "failed");

        await _pipeline.Post("/v1/deployments", Deployment("pol-dev", "1", "dev-sandbox", artifact)).Expect(HttpStatusCode.Created);
    }

    private async Task<string> Request(string model) =>
        (string)(await _alice.Post("/v1/promotions", Promotion(model, "1", "production")).Expect(HttpStatusCode.Created))["id"]!;

    private async Task<JsonNode> DecisionAfterTwoApprovals(string model)
    {
        var promotion = await Request(model);
        await _bob.Post($"/v1/promotions/{promotion}/approvals", Approval()).Expect(HttpStatusCode.OK);
        await _carol.Post($"/v1/promotions/{promotion}/approvals", Approval()).Expect(HttpStatusCode.OK);
        var details = await _auditor.GetAsync($"/v1/promotions/{promotion}").Expect(HttpStatusCode.OK);
        Assert.Equal("pending", (string?)details["status"]);
        return details["decision"]!;
    }

    private async Task<string> Digest() =>
        (string)(await _auditor.GetAsync("/v1/policy/set").Expect(HttpStatusCode.OK))["digest"]!;

    internal static string[] FailedRules(JsonNode decision) =>
    [
        .. decision["rules"]!.AsArray()
            .Where(r => (string?)r!["outcome"] == "failed")
            .Select(r => $"{(string?)r!["policy"]}/{(string?)r["rule"]}")
            .Order(StringComparer.Ordinal),
    ];

    internal static string? Reason(JsonNode decision, string rule) =>
        (string?)decision["rules"]!.AsArray().Single(r => (string?)r!["rule"] == rule)!["reason"];
}
