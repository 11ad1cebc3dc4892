using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlLedger.Api.Tests.Infrastructure;
using static MlLedger.Api.Tests.Infrastructure.Requests;

namespace MlLedger.Api.Tests;

/// <summary>
/// POST /v1/policy/check: the pipelines' dry run. It answers the decision, records it as a signed
/// PolicyCheckPerformed entry (once per Idempotency-Key), changes nothing else, and answers bad requests clearly.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class PolicyCheckTests(ShippedPoliciesFixture shared) : IClassFixture<ShippedPoliciesFixture>
{
    private readonly LedgerApp _ledger = shared.App;
    private readonly HttpClient _pipeline = shared.App.Client("ci-bot", "pipeline");
    private readonly HttpClient _auditor = shared.App.Client("audrey", "auditor");

    [Fact]
    public async Task A_check_answers_the_decision_and_records_one_signed_entry()
    {
        await PolicyScenarios.RegisterModel(_pipeline, "chk-basic", auc: 0.80);
        var before = await _ledger.StoredEntries();

        var answer = await _pipeline.Post("/v1/policy/check", new { model = "chk-basic", version = "1", targetStage = "production" })
            .Expect(HttpStatusCode.OK);

        Assert.False((bool)answer["allowed"]!);
        Assert.Equal((string?)answer["policySetDigest"], (string?)answer["decision"]!["policySetDigest"]);
        // no promotion was requested yet: nobody approved, and no artifact was approved
        Assert.Equal(
            ["production/approved-artifact", "production/holdout-auc", "production/two-approvers-with-risk-officer"],
            ShippedPolicyTests.FailedRules(answer["decision"]!));
        Assert.Equal(before + 1, await _ledger.StoredEntries());
        var seq = (long)answer["entries"]![0]!["seq"]!;
        var entry = await _auditor.GetAsync($"/v1/entries/{seq}").Expect(HttpStatusCode.OK);
        var statement = JsonNode.Parse(Convert.FromBase64String((string)entry["envelope"]!["payload"]!))!;
        Assert.Equal("https://mlledger.dev/events/PolicyCheckPerformed/v1", (string?)statement["predicateType"]);
        Assert.Equal("ci-bot", (string?)statement["predicate"]!["event"]!["requestedBy"]);
        // a dry run changes nothing: the version is still in no stage
        Assert.Equal("none", (string?)(await _auditor.GetAsync("/v1/models/chk-basic/versions/1").Expect(HttpStatusCode.OK))["stage"]);
    }

    [Fact]
    public async Task A_check_by_environment_uses_the_stage_the_environment_requires()
    {
        await PolicyScenarios.RegisterModel(_pipeline, "chk-env", auc: 0.95);

        var production = await _pipeline.Post("/v1/policy/check", new { model = "chk-env", version = "1", environment = "prod-eu" }).Expect(HttpStatusCode.OK);
        var staging = await _pipeline.Post("/v1/policy/check", new { model = "chk-env", version = "1", environment = "staging-1" }).Expect(HttpStatusCode.OK);
        var dev = await _pipeline.Post("/v1/policy/check", new { model = "chk-env", version = "1", environment = "dev-box" }).Expect(HttpStatusCode.OK);

        Assert.Equal("production", (string?)production["decision"]!["targetStage"]);
        // a check by environment answers what the deployment would: the ledger's own rules come first
        Assert.Equal(
            ["ledger/stage-reached", "production/approved-artifact", "production/two-approvers-with-risk-officer"],
            ShippedPolicyTests.FailedRules(production["decision"]!));
        Assert.Equal("staging", (string?)staging["decision"]!["targetStage"]);
        Assert.Equal(["ledger/stage-reached", "staging/one-approver"], ShippedPolicyTests.FailedRules(staging["decision"]!));
        Assert.True((bool)dev["allowed"]!);
        Assert.All(dev["decision"]!["rules"]!.AsArray(), r => Assert.Equal("ledger", (string?)r!["policy"]));
        Assert.Equal("not-applicable", (string?)dev["decision"]!["rules"]!.AsArray().Single(r => (string?)r!["rule"] == "registered-artifact")!["outcome"]);
    }

    [Fact]
    public async Task A_check_by_environment_denies_a_retired_version_and_other_bytes_as_the_deployment_would()
    {
        await PolicyScenarios.RegisterModel(_pipeline, "chk-retired", auc: 0.95);
        await _pipeline.Post("/v1/models/chk-retired/versions/1/retirement", new { reason = "superseded" }).Expect(HttpStatusCode.OK);

        var answer = await _pipeline.Post("/v1/policy/check",
            new { model = "chk-retired", version = "1", environment = "dev-box", artifactSha256 = Sha('e') }).Expect(HttpStatusCode.OK);

        Assert.False((bool)answer["allowed"]!);
        Assert.Equal(["ledger/not-retired", "ledger/registered-artifact"], ShippedPolicyTests.FailedRules(answer["decision"]!));
        Assert.Equal("chk-retired@1 is retired", ShippedPolicyTests.Reason(answer["decision"]!, "not-retired"));
    }

    [Fact]
    public async Task Retries_with_one_idempotency_key_make_one_entry_and_get_the_same_answer()
    {
        await PolicyScenarios.RegisterModel(_pipeline, "chk-idem", auc: 0.9);
        var before = await _ledger.StoredEntries();

        var answers = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/policy/check")
            {
                Content = JsonContent.Create(new { model = "chk-idem", version = "1", targetStage = "production" }, options: JsonSerializerOptions.Web),
            };
            request.Headers.Add("Idempotency-Key", "ci-run-77");
            using var response = await _pipeline.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            answers.Add(await response.Content.ReadAsStringAsync());
        }

        Assert.Equal(before + 1, await _ledger.StoredEntries());
        Assert.Single(answers.Distinct());
        Assert.NotNull(JsonNode.Parse(answers[0])!["decision"]);
    }

    [Theory]
    [InlineData("""{"model":"chk-bad","version":"1"}""", "targetStage")]
    [InlineData("""{"model":"chk-bad","version":"1","targetStage":"production","environment":"prod-eu"}""", "targetStage")]
    [InlineData("""{"model":"chk-bad","version":"1","targetStage":"none"}""", "targetStage")]
    [InlineData("""{"model":"chk-bad","version":"1","environment":"Prod EU"}""", "environment")]
    [InlineData("""{"model":"Chk","version":"1","targetStage":"production"}""", "model")]
    [InlineData("""{"model":"chk-bad","version":"1","targetStage":"production","artifactSha256":"xyz"}""", "artifactSha256")]
    public async Task A_malformed_check_is_answered_400_naming_the_field_and_records_nothing(string json, string field)
    {
        var before = await _ledger.StoredEntries();

        using var response = await _pipeline.PostAsync("/v1/policy/check", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("validation-failed", (string?)problem["code"]);
        Assert.True(problem["errors"]!.AsObject().ContainsKey(field), problem.ToJsonString());
        Assert.Equal(before, await _ledger.StoredEntries());
    }

    [Fact]
    public async Task An_environment_no_pattern_matches_is_answered_400_unknown_environment()
    {
        await PolicyScenarios.RegisterModel(_pipeline, "chk-unknown-env", auc: 0.9);

        var problem = await _pipeline.Post("/v1/policy/check", new { model = "chk-unknown-env", version = "1", environment = "qa-lab" })
            .Expect(HttpStatusCode.BadRequest);

        Assert.Equal("unknown-environment", (string?)problem["code"]);
    }

    [Fact]
    public async Task A_check_of_an_unregistered_model_version_is_answered_404()
    {
        var before = await _ledger.StoredEntries();

        var problem = await _pipeline.Post("/v1/policy/check", new { model = "chk-nobody", version = "1", targetStage = "staging" })
            .Expect(HttpStatusCode.NotFound);

        Assert.Equal("not-found", (string?)problem["code"]);
        Assert.Equal(before, await _ledger.StoredEntries());
    }

    [Fact]
    public async Task Only_the_pipeline_role_may_check_and_an_anonymous_caller_is_refused()
    {
        var body = new { model = "chk-auth", version = "1", targetStage = "staging" };

        await _ledger.Client("alice", "approver").Post("/v1/policy/check", body).Expect(HttpStatusCode.Forbidden);
        await _auditor.Post("/v1/policy/check", body).Expect(HttpStatusCode.Forbidden);
        await _ledger.Anonymous().Post("/v1/policy/check", body).Expect(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_recorded_check_replays_to_the_same_decision()
    {
        await PolicyScenarios.RegisterModel(_pipeline, "chk-replay", auc: 0.83);
        var answer = await _pipeline.Post("/v1/policy/check", new { model = "chk-replay", version = "1", targetStage = "production" })
            .Expect(HttpStatusCode.OK);
        var seq = (long)answer["entries"]![0]!["seq"]!;

        var replay = await _auditor.GetAsync($"/v1/policy/decisions/{seq}/replay").Expect(HttpStatusCode.OK);

        Assert.True((bool)replay["sameDecision"]!, replay.ToJsonString());
        Assert.True((bool)replay["factsMatch"]!, replay.ToJsonString());
        Assert.True((bool)replay["entryVerified"]!);
        Assert.False((bool)replay["recordedAllowed"]!);
        Assert.Empty(replay["differences"]!.AsArray());
    }

    [Fact]
    public async Task Replay_refuses_entries_that_hold_no_decision_and_callers_without_the_audit_role()
    {
        var registered = await _pipeline.Post("/v1/datasets", Dataset("chk-not-decision", "1")).Expect(HttpStatusCode.Created);
        var seq = (long)registered["entries"]![0]!["seq"]!;

        var problem = await _auditor.GetAsync($"/v1/policy/decisions/{seq}/replay").Expect(HttpStatusCode.BadRequest);
        Assert.Equal("not-a-decision", (string?)problem["code"]);
        await _auditor.GetAsync("/v1/policy/decisions/999999/replay").Expect(HttpStatusCode.NotFound);
        await _pipeline.GetAsync($"/v1/policy/decisions/{seq}/replay").Expect(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_check_command_against_the_real_ledger_exits_0_when_allowed_and_1_when_denied()
    {
        await PolicyScenarios.RegisterModel(_pipeline, "chk-cli", auc: 0.95);
        await PolicyScenarios.PromoteToProduction(_ledger, "chk-cli");
        await PolicyScenarios.RegisterModel(_pipeline, "chk-cli-low", auc: 0.60);
        var cli = typeof(MlLedger.Cli.ExitCodes).Assembly.Location;
        var token = _ledger.Issuer.Token("ci-bot", ["pipeline"]);

        var allowed = await Processes.Run("dotnet", cli, "check", "--model", "chk-cli", "--version", "1", "--environment", "prod-eu",
            "--artifact-sha256", Sha('d'), "--server", _ledger.Address.ToString(), "--token", token);
        var denied = await Processes.Run("dotnet", cli, "check", "--model", "chk-cli-low", "--version", "1", "--stage", "production",
            "--server", _ledger.Address.ToString(), "--token", token, "--output", "json");

        Assert.True(allowed.ExitCode == 0, allowed.Output);
        Assert.Contains("ALLOWED", allowed.Output, StringComparison.Ordinal);
        Assert.True(denied.ExitCode == 1, denied.Output);
        var json = JsonNode.Parse(denied.Output)!;
        Assert.False((bool)json["allowed"]!);
        Assert.Contains("auc 0.6 < 0.85 on dataset chk-cli-low-holdout@1", (string?)json["decision"]!["summary"], StringComparison.Ordinal);
    }
}
