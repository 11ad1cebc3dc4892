using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlLedger.Api.Tests.Infrastructure;
using static MlLedger.Api.Tests.Infrastructure.Requests;

namespace MlLedger.Api.Tests;

/// <summary>
/// Malformed and invalid requests are answered 400 (or 413) with problem details naming what is wrong,
/// and nothing reaches the ledger: no test in this class may store a single entry.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class ValidationTests(LedgerFixture shared) : IClassFixture<LedgerFixture>
{
    private const string Datasets = "/v1/datasets";
    private const string ModelVersions = "/v1/models/val-model/versions";
    private const string Evaluations = "/v1/models/val-model/versions/1/evaluations";
    private const string Promotions = "/v1/promotions";
    private const string Approvals = "/v1/promotions/0197a5d2-0000-7000-8000-000000000001/approvals";
    private const string Checks = "/v1/datasets/val-data@1/checks";
    private const string Deployments = "/v1/deployments";

    private readonly LedgerApp _ledger = shared.App;
    private readonly HttpClient _client = shared.App.Client("ci-bot", "pipeline", "approver");

    /// <summary>The one entry a fresh ledger holds: the publication of its policy set.</summary>
    private const long PolicySetPublication = 1;

    /// <summary>One ledger for the whole class: xUnit makes a class fixture once, a test class instance per test.</summary>

    /// <summary>(endpoint, field to override, its JSON value, the key expected in <c>errors</c>).</summary>
    public static TheoryData<string, string, string, string> InvalidFields => new()
    {
        { Datasets, "sha256", Quote("xyz"), "sha256" },
        { Datasets, "sha256", Quote(new string('a', 63)), "sha256" },
        { Datasets, "sha256", Quote(new string('a', 65)), "sha256" },
        { Datasets, "sha256", Quote(new string('A', 64)), "sha256" },
        { Datasets, "sha256", Quote(new string('g', 64)), "sha256" },
        { Datasets, "name", Quote(""), "name" },
        { Datasets, "name", Quote("churn train"), "name" },
        { Datasets, "name", Quote("Churn"), "name" },
        { Datasets, "name", Quote(new string('n', 129)), "name" },
        { Datasets, "version", Quote("3@1"), "version" },
        { Datasets, "version", Quote("3/1"), "version" },
        { Datasets, "uri", Quote("not a uri"), "uri" },
        { Datasets, "license", Quote(new string('l', 5000)), "license" },
        { Datasets, "rowCount", "-1", "rowCount" },
        { Datasets, "tags", JsonSerializer.Serialize(Enumerable.Range(0, 257).Select(i => $"t{i}")), "tags" },
        { Datasets, "tags", "[\"Bad Tag\"]", "tags[0]" },
        { Datasets, "derivedFrom", "[\"no-version\"]", "derivedFrom[0]" },
        { Datasets, "schema", Quote("bell\u0007"), "schema" },
        { ModelVersions, "trainedOn", "[]", "trainedOn" },
        { ModelVersions, "trainedOn", "[\"churn-train\"]", "trainedOn[0]" },
        { ModelVersions, "trainedOn", "[\"churn-train@3\", \"Churn@3\"]", "trainedOn[1]" },
        { ModelVersions, "artifactSha256", Quote("00"), "artifactSha256" },
        { ModelVersions, "codeCommit", Quote("not-a-commit"), "codeCommit" },
        { ModelVersions, "version", Quote("7/1"), "version" },
        { ModelVersions, "parameters", $"{{\"blob\":{Quote(new string('p', 5000))}}}", "parameters[0]" },
        { Evaluations, "metrics", "{}", "metrics" },
        { Evaluations, "dataset", Quote("churn-holdout"), "dataset" },
        { Promotions, "targetStage", Quote("prod"), "targetStage" },
        { Promotions, "targetStage", Quote("none"), "targetStage" },
        { Promotions, "targetStage", Quote("Production"), "targetStage" },
        { Promotions, "justification", Quote(new string('j', 100_000)), "justification" },
        { Promotions, "justification", Quote(""), "justification" },
        { Promotions, "model", Quote("Churn"), "model" },
        { Approvals, "decision", Quote("maybe"), "decision" },
        { Approvals, "decision", Quote("APPROVE"), "decision" },
        { Approvals, "comment", Quote(new string('c', 5000)), "comment" },
        { Checks, "result", Quote("ok"), "result" },
        { Checks, "check", Quote("PII Scan"), "check" },
        { Deployments, "environment", Quote("Prod EU"), "environment" },
        { Deployments, "endpoint", Quote("not a uri"), "endpoint" },
        { Deployments, "artifactSha256", Quote(new string('B', 64)), "artifactSha256" },
    };

    [Theory]
    [MemberData(nameof(InvalidFields))]
    public async Task An_invalid_field_is_answered_400_naming_that_field_and_nothing_is_stored(
        string path, string field, string valueJson, string errorKey)
    {
        var body = ValidBody(path);
        body[field] = JsonNode.Parse(valueJson);

        var problem = await Problem(path, body.ToJsonString(), HttpStatusCode.BadRequest);

        Assert.Equal("validation-failed", (string?)problem["code"]);
        var errors = problem["errors"]!.AsObject();
        Assert.True(errors.ContainsKey(errorKey), $"expected errors[{errorKey}], got {errors.ToJsonString()}");
        Assert.Equal(PolicySetPublication, await _ledger.StoredEntries());
    }

    [Fact]
    public async Task Every_bad_field_of_one_request_is_named()
    {
        var body = ValidBody(Datasets);
        body["name"] = "Bad Name";
        body["sha256"] = "ABC";
        body["uri"] = "nope";
        body["rowCount"] = -5;

        var problem = await Problem(Datasets, body.ToJsonString(), HttpStatusCode.BadRequest);

        var keys = problem["errors"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["name", "rowCount", "sha256", "uri"], keys);
        Assert.Equal(PolicySetPublication, await _ledger.StoredEntries());
    }

    [Theory]
    [InlineData("{\"name\": \"churn\", ", "truncated JSON")]
    [InlineData("{'name': 'churn'}", "single quotes")]
    [InlineData("not json at all", "plain text")]
    [InlineData("[]", "an array instead of an object")]
    public async Task Malformed_json_is_answered_400_malformed_request(string json, string because)
    {
        var problem = await Problem(Datasets, json, HttpStatusCode.BadRequest);

        Assert.True((string?)problem["code"] == "malformed-request", $"{because}: {problem.ToJsonString()}");
        Assert.Equal(PolicySetPublication, await _ledger.StoredEntries());
    }

    [Theory]
    [InlineData(Datasets, "name", "42")]
    [InlineData(Datasets, "containsPersonalData", "\"no\"")]
    [InlineData(Datasets, "tags", "\"train\"")]
    [InlineData(Datasets, "rowCount", "1.5")]
    [InlineData(Datasets, "unexpectedField", "true")]
    [InlineData(Evaluations, "metrics", "{\"auc\": \"high\"}")]
    [InlineData(Evaluations, "metrics", "{\"auc\": null}")]
    [InlineData(Promotions, "targetStage", "2")]
    public async Task A_wrong_json_type_or_unknown_field_is_answered_400_malformed_request(string path, string field, string valueJson)
    {
        var body = ValidBody(path);
        body[field] = JsonNode.Parse(valueJson);

        var problem = await Problem(path, body.ToJsonString(), HttpStatusCode.BadRequest);

        Assert.Equal("malformed-request", (string?)problem["code"]);
        Assert.Equal(PolicySetPublication, await _ledger.StoredEntries());
    }

    [Theory]
    [InlineData("{\"auc\": 1e400}", "metrics.auc")]
    [InlineData("{\"auc\": -1e400}", "metrics.auc")]
    [InlineData("{\"auc\": 0.9, \"loss\": 1e-400}", "metrics.loss")]
    public async Task A_metric_out_of_range_is_answered_400_naming_the_metric(string metrics, string field)
    {
        var json = $"{{\"dataset\": \"churn-holdout@3\", \"metrics\": {metrics}}}";

        var problem = await Problem(Evaluations, json, HttpStatusCode.BadRequest);

        Assert.Equal("validation-failed", (string?)problem["code"]);
        Assert.Equal([field], problem["errors"]!.AsObject().Select(p => p.Key).ToArray());
        Assert.Equal(PolicySetPublication, await _ledger.StoredEntries());
    }

    [Theory]
    [InlineData("{\"auc\": \"NaN\"}")]
    [InlineData("{\"auc\": \"Infinity\"}")]
    [InlineData("{\"auc\": \"0.99\"}")]
    [InlineData("{\"auc\": 0.9, \"loss\": \"-Infinity\"}")]
    public async Task A_metric_sent_as_text_is_answered_400_naming_its_path(string metrics)
    {
        var json = $"{{\"dataset\": \"churn-holdout@3\", \"metrics\": {metrics}}}";

        var problem = await Problem(Evaluations, json, HttpStatusCode.BadRequest);

        Assert.Equal("malformed-request", (string?)problem["code"]);
        Assert.Contains("$.metrics.", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.Equal(PolicySetPublication, await _ledger.StoredEntries());
    }

    [Fact]
    public async Task A_post_without_a_body_is_answered_400()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Datasets)
        {
            Content = new ByteArrayContent([]) { Headers = { ContentType = new("application/json") } },
        };
        using var response = await _client.SendAsync(request);

        var problem = await ProblemOf(response, HttpStatusCode.BadRequest);
        Assert.Equal("malformed-request", (string?)problem["code"]);
        Assert.Equal(PolicySetPublication, await _ledger.StoredEntries());
    }

    [Fact]
    public async Task A_json_null_body_is_answered_400()
    {
        var problem = await Problem(Datasets, "null", HttpStatusCode.BadRequest);

        Assert.Equal("malformed-request", (string?)problem["code"]);
        Assert.Equal(PolicySetPublication, await _ledger.StoredEntries());
    }

    [Fact]
    public async Task A_body_over_256_KiB_is_answered_413_and_nothing_is_stored()
    {
        await Problem(Promotions, OversizedPromotion(), HttpStatusCode.RequestEntityTooLarge);

        Assert.Equal(PolicySetPublication, await _ledger.StoredEntries());
    }

    [Fact]
    public async Task A_413_answer_carries_the_body_too_large_code_like_every_other_refusal()
    {
        var problem = await Problem(Promotions, OversizedPromotion(), HttpStatusCode.RequestEntityTooLarge);

        Assert.True((string?)problem["code"] == "body-too-large", $"413 without the machine-readable code: {problem.ToJsonString()}");
    }

    [Theory]
    [InlineData(40)]
    [InlineData(5000)]
    public async Task Deeply_nested_parameters_are_refused_as_a_client_error(int depth)
    {
        var nested = new StringBuilder();
        nested.Insert(0, "{\"a\":", depth).Append('1').Append('}', depth);
        var body = ValidBody(ModelVersions);
        var json = body.ToJsonString().Replace("\"parameters\":{\"depth\":6}", $"\"parameters\":{{\"deep\":{nested}}}", StringComparison.Ordinal);
        Assert.Contains("\"deep\":", json, StringComparison.Ordinal);

        using var response = await PostRaw(ModelVersions, json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("malformed-request", (string?)(await ProblemOf(response, HttpStatusCode.BadRequest))["code"]);
        Assert.Equal(PolicySetPublication, await _ledger.StoredEntries());
    }

    [Theory]
    [InlineData("/v1/models/Churn/versions", "name")]
    [InlineData("/v1/models/churn%20model/versions", "name")]
    [InlineData("/v1/models/churn/versions/7@1/evaluations", "version")]
    [InlineData("/v1/models/Churn/versions/7/retirement", "name")]
    public async Task An_invalid_route_value_is_answered_400_naming_it(string path, string errorKey)
    {
        object body = path.EndsWith("/evaluations", StringComparison.Ordinal) ? new { dataset = "churn-holdout@3", metrics = new { auc = 0.9 } }
            : path.EndsWith("/retirement", StringComparison.Ordinal) ? new { reason = "superseded" }
            : ModelVersion();

        var problem = await Problem(path, JsonSerializer.Serialize(body, JsonSerializerOptions.Web), HttpStatusCode.BadRequest);

        Assert.Equal("validation-failed", (string?)problem["code"]);
        Assert.True(problem["errors"]!.AsObject().ContainsKey(errorKey), problem.ToJsonString());
        Assert.Equal(PolicySetPublication, await _ledger.StoredEntries());
    }

    private static string OversizedPromotion()
    {
        var body = ValidBody(Promotions);
        body["justification"] = new string('j', 300 * 1024);
        return body.ToJsonString();
    }

    private static string Quote(string value) => JsonSerializer.Serialize(value);

    private static JsonObject ValidBody(string path)
    {
        object body = path switch
        {
            Datasets => Dataset("val-data", "1"),
            ModelVersions => ModelVersion("1"),
            Evaluations => new { dataset = "churn-holdout@3", metrics = new { auc = 0.91 } },
            Promotions => Promotion("val-model", "1", "staging"),
            Approvals => Approval(),
            Checks => new { check = "pii-scan", result = "passed", details = "no PII found" },
            Deployments => Deployment("val-model", "1", "dev-eu"),
            _ => throw new ArgumentException($"no valid body for {path}", nameof(path)),
        };
        return JsonSerializer.SerializeToNode(body, JsonSerializerOptions.Web)!.AsObject();
    }

    private async Task<HttpResponseMessage> PostRaw(string path, string json) =>
        await _client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    private async Task<JsonObject> Problem(string path, string json, HttpStatusCode status)
    {
        using var response = await PostRaw(path, json);
        return await ProblemOf(response, status);
    }

    private static async Task<JsonObject> ProblemOf(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(text)!.AsObject();
        Assert.Equal((int)status, (int?)problem["status"]);
        return problem;
    }
}
