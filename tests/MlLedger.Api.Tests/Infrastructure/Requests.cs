using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MlLedger.Api.Tests.Infrastructure;

/// <summary>Request bodies as pipelines send them (the public contract's field names) and small response helpers.</summary>
public static class Requests
{
    public static string Sha(char c) => new(c, 64);

    public static object Dataset(string name = "churn-train", string version = "3", string? sha = null, string[]? derivedFrom = null) => new
    {
        name, version, uri = $"s3://bucket/{name}/{version}", sha256 = sha ?? Sha('a'), license = "CC-BY-4.0",
        containsPersonalData = false, tags = new[] { "train" }, derivedFrom = derivedFrom ?? [],
    };

    public static object ModelVersion(string version = "7", string? artifact = null, params string[] trainedOn) => new
    {
        version, artifactSha256 = artifact ?? Sha('b'), framework = "xgboost", trainingRunId = "run-42", codeCommit = "abc1234",
        trainedOn = trainedOn.Length == 0 ? new[] { "churn-train@3" } : trainedOn, parameters = new { depth = 6 },
    };

    public static object Promotion(string model = "churn", string version = "7", string targetStage = "production") =>
        new { model, version, targetStage, justification = "auc improved on holdout" };

    public static object Approval(string decision = "approve", string comment = "looks good") => new { decision, comment };

    public static object Deployment(string model = "churn", string version = "7", string environment = "prod-eu", string? artifact = null) =>
        new { model, version, environment, endpoint = "https://models.example/churn", artifactSha256 = artifact ?? Sha('b') };

    public static async Task<JsonObject> Json(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())?.AsObject()
        ?? throw new InvalidOperationException("empty body");

    public static async Task<JsonObject> Expect(this Task<HttpResponseMessage> request, HttpStatusCode status)
    {
        using var response = await request;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        return body.Length == 0 ? [] : JsonNode.Parse(body)!.AsObject();
    }

    public static Task<HttpResponseMessage> Post(this HttpClient client, string path, object body) =>
        client.PostAsJsonAsync(path, body, JsonSerializerOptions.Web);
}
