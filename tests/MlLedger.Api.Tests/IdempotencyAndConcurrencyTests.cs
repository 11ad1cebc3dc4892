using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlLedger.Api.Tests.Infrastructure;
using static MlLedger.Api.Tests.Infrastructure.Requests;

namespace MlLedger.Api.Tests;

/// <summary>
/// Retries with an Idempotency-Key replay the first answer; If-Match guards stream versions; racing writers
/// each get a definite answer and the ledger records the race's outcome once. Each test uses its own names.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class IdempotencyAndConcurrencyTests(LedgerFixture shared)
    : IClassFixture<LedgerFixture>
{
    private readonly LedgerApp _ledger = shared.App;
    private readonly HttpClient _pipeline = shared.App.Client("ci-bot", "pipeline");

    private sealed record Answer(HttpStatusCode Status, string Body, string? ETag, string? Location)
    {
        public JsonObject Json => JsonNode.Parse(Body)!.AsObject();
    }

    [Fact]
    public async Task The_same_key_and_body_twice_get_the_same_answer_and_one_entry()
    {
        var before = await _ledger.StoredEntries();

        var first = await Send(_pipeline, "/v1/datasets", Dataset("idem-same", "1"), key: "idem-same-1");
        var retry = await Send(_pipeline, "/v1/datasets", Dataset("idem-same", "1"), key: "idem-same-1");

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(first, retry);
        Assert.Equal(before + 1, await _ledger.StoredEntries());
        Assert.Equal((long)first.Json["entries"]![0]!["seq"]!, (long)retry.Json["entries"]![0]!["seq"]!);
    }

    [Fact]
    public async Task The_same_key_with_another_body_is_answered_422_and_the_other_body_is_not_applied()
    {
        await Send(_pipeline, "/v1/datasets", Dataset("idem-first", "1"), key: "idem-reused");
        var before = await _ledger.StoredEntries();

        var reused = await Send(_pipeline, "/v1/datasets", Dataset("idem-second", "1"), key: "idem-reused");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.Status);
        Assert.Equal("idempotency-key-reused", (string?)reused.Json["code"]);
        Assert.Equal(before, await _ledger.StoredEntries());
        await _pipeline.GetAsync("/v1/datasets/idem-second@1").Expect(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_same_key_from_another_user_is_independent()
    {
        using var other = _ledger.Client("other-bot", "pipeline");

        var mine = await Send(_pipeline, "/v1/datasets", Dataset("idem-mine", "1"), key: "idem-shared-key");
        var theirs = await Send(other, "/v1/datasets", Dataset("idem-theirs", "1"), key: "idem-shared-key");

        Assert.Equal(HttpStatusCode.Created, mine.Status);
        Assert.Equal(HttpStatusCode.Created, theirs.Status);
        Assert.Equal("idem-theirs@1", (string?)theirs.Json["id"]);
        Assert.NotEqual((long)mine.Json["entries"]![0]!["seq"]!, (long)theirs.Json["entries"]![0]!["seq"]!);
    }

    [Fact]
    public async Task A_refused_write_retried_with_its_key_gets_the_same_409_and_stores_nothing()
    {
        var before = await _ledger.StoredEntries();

        var first = await Send(_pipeline, "/v1/models/idem-refused/versions", ModelVersion("1", null, "idem-missing@1"), key: "idem-refused-1");
        var retry = await Send(_pipeline, "/v1/models/idem-refused/versions", ModelVersion("1", null, "idem-missing@1"), key: "idem-refused-1");

        Assert.Equal(HttpStatusCode.Conflict, first.Status);
        Assert.Equal("dataset-not-found", (string?)first.Json["code"]);
        Assert.Equal(HttpStatusCode.Conflict, retry.Status);
        Assert.Equal("dataset-not-found", (string?)retry.Json["code"]);
        Assert.Equal(before, await _ledger.StoredEntries());
    }

    [Fact]
    public async Task A_recorded_refusal_retried_with_its_key_replays_the_same_409_without_a_second_entry()
    {
        var dataset = (string)(await _pipeline.Post("/v1/datasets", Dataset("idem-blocked-data", "1")).Expect(HttpStatusCode.Created))["id"]!;
        await _pipeline.Post("/v1/models/idem-blocked/versions", ModelVersion("1", null, dataset)).Expect(HttpStatusCode.Created);
        var before = await _ledger.StoredEntries();

        var first = await Send(_pipeline, "/v1/deployments", Deployment("idem-blocked", "1", "moon-base"), key: "idem-blocked-1");
        var retry = await Send(_pipeline, "/v1/deployments", Deployment("idem-blocked", "1", "moon-base"), key: "idem-blocked-1");

        Assert.Equal(HttpStatusCode.Conflict, first.Status);
        Assert.Equal("unknown-environment", (string?)first.Json["code"]);
        Assert.True(retry.Status == HttpStatusCode.Conflict, $"retry: {(int)retry.Status} {retry.Body}");
        Assert.Equal(first.Json["id"]!.ToJsonString(), retry.Json["id"]!.ToJsonString());
        Assert.Equal(first.Json["entries"]!.ToJsonString(), retry.Json["entries"]!.ToJsonString());
        Assert.Equal((string?)first.Json["code"], (string?)retry.Json["code"]);
        Assert.Equal(before + 1, await _ledger.StoredEntries());
    }

    [Fact]
    public async Task If_match_with_the_current_etag_succeeds_and_moves_the_etag_on()
    {
        await _pipeline.Post("/v1/datasets", Dataset("etag-ok", "1")).Expect(HttpStatusCode.Created);
        using var read = await _pipeline.GetAsync("/v1/datasets/etag-ok@1");
        Assert.Equal("\"1\"", read.Headers.ETag?.Tag);

        var written = await Send(_pipeline, "/v1/datasets/etag-ok@1/checks", Check(), ifMatch: "\"1\"");

        Assert.Equal(HttpStatusCode.OK, written.Status);
        Assert.Equal("\"2\"", written.ETag);
        Assert.Equal(2, (long)written.Json["version"]!);
    }

    [Fact]
    public async Task A_stale_if_match_is_answered_412_with_the_current_etag_and_appends_nothing()
    {
        await _pipeline.Post("/v1/datasets", Dataset("etag-stale", "1")).Expect(HttpStatusCode.Created);
        await _pipeline.Post("/v1/datasets/etag-stale@1/checks", Check()).Expect(HttpStatusCode.OK);
        var before = await _ledger.StoredEntries();

        var stale = await Send(_pipeline, "/v1/datasets/etag-stale@1/checks", Check(), ifMatch: "\"1\"");

        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.Status);
        Assert.Equal("version-mismatch", (string?)stale.Json["code"]);
        Assert.Equal("\"2\"", stale.ETag);
        Assert.Equal(before, await _ledger.StoredEntries());
    }

    [Theory]
    [InlineData("1", "etag-bad-unquoted")]
    [InlineData("\"one\"", "etag-bad-word")]
    [InlineData("\"-1\"", "etag-bad-negative")]
    [InlineData("\"\"", "etag-bad-empty")]
    public async Task A_malformed_if_match_is_answered_400_and_appends_nothing(string ifMatch, string name)
    {
        await _pipeline.Post("/v1/datasets", Dataset(name, "1")).Expect(HttpStatusCode.Created);
        var before = await _ledger.StoredEntries();

        var bad = await Send(_pipeline, $"/v1/datasets/{name}@1/checks", Check(), ifMatch: ifMatch);

        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Equal("bad-if-match", (string?)bad.Json["code"]);
        Assert.Equal(before, await _ledger.StoredEntries());
    }

    [Theory]
    [InlineData("race-approve-1")]
    [InlineData("race-approve-2")]
    [InlineData("race-approve-3")]
    public async Task Ten_approvers_racing_on_a_production_promotion_get_definite_answers_and_exactly_two_count(string model)
    {
        var dataset = (string)(await _pipeline.Post("/v1/datasets", Dataset($"{model}-data", "1")).Expect(HttpStatusCode.Created))["id"]!;
        await _pipeline.Post($"/v1/models/{model}/versions", ModelVersion("1", null, dataset)).Expect(HttpStatusCode.Created);
        using var requester = _ledger.Client("alice", "approver");
        var promotion = (string)(await requester.Post("/v1/promotions", Promotion(model, "1", "production")).Expect(HttpStatusCode.Created))["id"]!;
        var approvers = Enumerable.Range(1, 10).Select(i => _ledger.Client($"approver-{i}", "approver")).ToList();

        var answers = await Task.WhenAll(approvers.Select(a => Send(a, $"/v1/promotions/{promotion}/approvals", Approval())));
        approvers.ForEach(a => a.Dispose());

        var unexpected = answers.Where(a => a.Status != HttpStatusCode.OK && !IsRefusal(a, "promotion-not-pending")).ToList();
        Assert.True(unexpected.Count == 0, string.Join('\n', unexpected.Select(a => $"{(int)a.Status} {a.Body}")));
        Assert.Equal(2, answers.Count(a => a.Status == HttpStatusCode.OK));
        var details = await requester.GetAsync($"/v1/promotions/{promotion}").Expect(HttpStatusCode.OK);
        Assert.Equal("approved", (string?)details["status"]);
        Assert.Equal(2, details["approvers"]!.AsArray().Count);
        var version = await requester.GetAsync($"/v1/models/{model}/versions/1").Expect(HttpStatusCode.OK);
        Assert.Equal("production", (string?)version["stage"]);
        Assert.Single(version["stageHistory"]!.AsArray());
        await AssertLedgerVerifies($"promotions/{promotion}", $"models/{model}/1");
    }

    [Fact]
    public async Task Twenty_racing_registrations_of_one_dataset_give_one_201_and_nineteen_409s()
    {
        var before = await _ledger.StoredEntries();

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Send(_pipeline, "/v1/datasets", Dataset("race-register", "1"))));

        Assert.Single(answers, a => a.Status == HttpStatusCode.Created);
        var unexpected = answers.Where(a => a.Status != HttpStatusCode.Created && !IsRefusal(a, "dataset-already-registered")).ToList();
        Assert.True(unexpected.Count == 0, string.Join('\n', unexpected.Select(a => $"{(int)a.Status} {a.Body}")));
        Assert.Equal(before + 1, await _ledger.StoredEntries());
        await AssertLedgerVerifies("datasets/race-register@1");
    }

    [Fact]
    public async Task Eight_racing_checks_on_one_dataset_all_land_and_the_ledger_still_verifies()
    {
        await _pipeline.Post("/v1/datasets", Dataset("race-checks", "1")).Expect(HttpStatusCode.Created);

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Send(_pipeline, "/v1/datasets/race-checks@1/checks", Check())));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.Equal(Enumerable.Range(2, 8).Select(v => $"\"{v}\"").ToArray(), answers.Select(a => a.ETag).Order(StringComparer.Ordinal).ToArray());
        var dataset = await _pipeline.GetAsync("/v1/datasets/race-checks@1").Expect(HttpStatusCode.OK);
        Assert.Equal(8, dataset["checks"]!.AsArray().Count);
        await AssertLedgerVerifies(); // a lost race must not leave anything the verifier counts as an unsigned entry
    }

    [Fact]
    public async Task Racing_retries_of_one_promotion_request_with_one_key_all_get_the_first_answer_and_one_promotion()
    {
        var dataset = (string)(await _pipeline.Post("/v1/datasets", Dataset("race-key-data", "1")).Expect(HttpStatusCode.Created))["id"]!;
        await _pipeline.Post("/v1/models/race-key/versions", ModelVersion("1", null, dataset)).Expect(HttpStatusCode.Created);
        var before = await _ledger.StoredEntries();

        var answers = await Task.WhenAll(Enumerable.Range(0, 8)
            .Select(_ => Send(_pipeline, "/v1/promotions", Promotion("race-key", "1", "staging"), key: "race-key-promotion")));

        AssertAllTheSame(answers, HttpStatusCode.Created);
        Assert.Equal(before + 2, await _ledger.StoredEntries()); // PromotionRequested, PolicyEvaluated
        await AssertLedgerVerifies($"promotions/{(string)answers[0].Json["id"]!}");
    }

    [Fact]
    public async Task Racing_retries_of_one_dataset_registration_with_one_key_all_get_the_first_answer()
    {
        var before = await _ledger.StoredEntries();

        var answers = await Task.WhenAll(Enumerable.Range(0, 8)
            .Select(_ => Send(_pipeline, "/v1/datasets", Dataset("race-key-register", "1"), key: "race-key-register")));

        AssertAllTheSame(answers, HttpStatusCode.Created);
        Assert.Equal(before + 1, await _ledger.StoredEntries());
        await AssertLedgerVerifies("datasets/race-key-register@1");
    }

    private static object Check() => new { check = "pii-scan", result = "passed", details = "no PII found" };

    private static void AssertAllTheSame(Answer[] answers, HttpStatusCode expected)
    {
        var distinct = answers.GroupBy(a => a).Select(g => $"{g.Count()} x {(int)g.Key.Status} {g.Key.Body}").ToList();
        Assert.True(distinct.Count == 1 && answers[0].Status == expected, $"expected {answers.Length} identical {(int)expected} answers, got:\n{string.Join('\n', distinct)}");
    }

    private static bool IsRefusal(Answer answer, string code) =>
        answer.Status == HttpStatusCode.Conflict && (string?)answer.Json["code"] == code;

    /// <summary>Verifies the named streams, or with none named the whole ledger.</summary>
    private async Task AssertLedgerVerifies(params string[] streams)
    {
        using var auditor = _ledger.Client("audrey", "auditor");
        foreach (var query in streams.Length == 0 ? [""] : streams.Select(s => $"?stream={Uri.EscapeDataString(s)}"))
        {
            var verification = await auditor.GetAsync($"/v1/verification/streams{query}").Expect(HttpStatusCode.OK);
            Assert.True((bool)verification["valid"]!, $"failures: {verification["failures"]!.ToJsonString()}");
        }
    }

    private static async Task<Answer> Send(HttpClient client, string path, object body, string? key = null, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(JsonSerializer.Serialize(body, JsonSerializerOptions.Web), Encoding.UTF8, "application/json"),
        };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        using var response = await client.SendAsync(request);
        return new Answer(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.ETag?.Tag,
            response.Headers.Location?.ToString());
    }
}
