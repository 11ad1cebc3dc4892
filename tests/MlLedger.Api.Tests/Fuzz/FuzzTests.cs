using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using MlLedger.Api.Tests.Infrastructure;
using Xunit.Abstractions;
using static MlLedger.Api.Tests.Infrastructure.Requests;

namespace MlLedger.Api.Tests.Fuzz;

/// <summary>
/// Generated malformed requests against every POST endpoint the host maps: none is answered 5xx, every refusal is
/// a problem detail with a <c>code</c>, and the only entries stored are those the few still-valid requests were
/// answered with. MLLEDGER_FUZZ_SEED and MLLEDGER_FUZZ_COUNT override the seed and the number of requests.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class FuzzTests(LedgerFixture shared, ITestOutputHelper output) : IClassFixture<LedgerFixture>
{
    private const int DefaultSeed = 20261201;
    private const int DefaultCount = 10_000;
    private const int Parallelism = 8;
    private const int NoAnswer = 0; // the connection ended without a response
    private static readonly string[] Tags = ["train"];
    private static readonly string[] DerivedFrom = ["fz-data@1"];
    private readonly LedgerApp _ledger = shared.App;

    private sealed record Outcome(FuzzCase Request, int Status, string? ContentType, string Body, string Headers = "");

    [Fact]
    public async Task Malformed_requests_to_every_write_endpoint_get_a_coded_problem_never_a_5xx_and_store_nothing()
    {
        var seed = Setting("MLLEDGER_FUZZ_SEED", DefaultSeed);
        var count = Setting("MLLEDGER_FUZZ_COUNT", DefaultCount);
        output.WriteLine($"fuzz seed {seed} (MLLEDGER_FUZZ_SEED), {count} requests (MLLEDGER_FUZZ_COUNT)");
        var targets = await Targets();
        // the limit the host runs with (LedgerHostOptions.MaxRequestBodyBytes, given to Kestrel)
        var maxBody = _ledger.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits.MaxRequestBodySize
            ?? throw new InvalidOperationException("the host sets no request body limit");
        var requests = new MalformedRequests(targets, seed, maxBody).Generate(count).ToList();
        // every role but admin: the bodies reach validation everywhere, and key rotation (which takes no body and
        // would rotate the ledger key on any request) is refused before it acts
        using var client = _ledger.Client("fuzzer", "pipeline", "approver", "auditor", "risk-officer");
        var before = await _ledger.StoredEntries();

        var outcomes = new Outcome[requests.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, requests.Count), new ParallelOptions { MaxDegreeOfParallelism = Parallelism },
            async (i, ct) => outcomes[i] = await Send(client, requests[i], ct));

        Summarise(outcomes);
        output.WriteLine($"bare 400s from Kestrel (NUL in the path): {outcomes.Count(RefusedByKestrel)}");
        var unanswered = outcomes.Where(o => o.Status == NoAnswer).ToList();
        Assert.True(unanswered.Count == 0, $"{unanswered.Count} requests got no answer (seed {seed}); the first:\n{Describe(unanswered)}");
        var serverErrors = outcomes.Where(o => o.Status >= 500).ToList();
        Assert.True(serverErrors.Count == 0, $"{serverErrors.Count} answers were 5xx (seed {seed}); the first:\n{Describe(serverErrors)}");
        var uncoded = outcomes.Where(o => o.Status >= 300 && !IsCodedProblem(o) && !RefusedByKestrel(o)).ToList();
        Assert.True(uncoded.Count == 0, $"{uncoded.Count} refusals were not problem details with a code (seed {seed}); the first:\n{Describe(uncoded)}");
        var injected = outcomes.Where(o => o.Headers.Contains("X-Injected", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(injected.Count == 0, $"{injected.Count} answers carry a header the request smuggled in a value; the first:\n{Describe(injected)}");
        var answered = outcomes.SelectMany(EntriesOf).ToHashSet();
        output.WriteLine($"entries: {before} before, {await _ledger.StoredEntries()} after; {answered.Count} named by answers " +
            $"to {outcomes.Count(o => o.Status < 300)} accepted requests");
        Assert.Equal(before + answered.Count, await _ledger.StoredEntries());
    }

    /// <summary>
    /// Every POST endpoint the host maps, with a path to a resource that exists and a valid body: a new endpoint
    /// without a sample here fails the test instead of going unfuzzed.
    /// </summary>
    private async Task<IReadOnlyList<FuzzTarget>> Targets()
    {
        using var pipeline = _ledger.Client("ci-bot", "pipeline");
        await pipeline.Post("/v1/datasets", Dataset("fz-data", "1")).Expect(HttpStatusCode.Created);
        await pipeline.Post("/v1/models/fz/versions", ModelVersion("1", null, "fz-data@1")).Expect(HttpStatusCode.Created);
        var promotion = (string)(await pipeline.Post("/v1/promotions", Promotion("fz", "1", "staging")).Expect(HttpStatusCode.Created))["id"]!;
        var deployment = (string)(await pipeline.Post("/v1/deployments", Deployment("fz", "1", "dev-1")).Expect(HttpStatusCode.Created))["id"]!;

        JsonObject Body(object value) => JsonSerializer.SerializeToNode(value, JsonSerializerOptions.Web)!.AsObject();
        var reason = Body(new { reason = "superseded" });
        var samples = new Dictionary<string, FuzzTarget>(StringComparer.Ordinal)
        {
            ["/v1/datasets/"] = new("", "/v1/datasets", Body(new
            {
                name = "fz-new", version = "1", uri = "s3://bucket/fz-new/1", sha256 = Sha('a'), license = "CC-BY-4.0",
                containsPersonalData = false, tags = Tags, derivedFrom = DerivedFrom, rowCount = 1000,
            })),
            ["/v1/datasets/{id}/checks"] = new("", "/v1/datasets/fz-data@1/checks", Body(new { check = "pii-scan", result = "passed", details = "ok" })),
            ["/v1/datasets/{id}/withdrawal"] = new("", "/v1/datasets/fz-data@1/withdrawal", reason),
            ["/v1/models/{name}/versions/"] = new("", "/v1/models/fz/versions", Body(ModelVersion("2", null, "fz-data@1"))),
            ["/v1/models/{name}/versions/{version}/evaluations"] = new("", "/v1/models/fz/versions/1/evaluations",
                Body(new { dataset = "fz-data@1", metrics = new { auc = 0.9 } })),
            ["/v1/models/{name}/versions/{version}/retirement"] = new("", "/v1/models/fz/versions/1/retirement", reason),
            ["/v1/promotions/"] = new("", "/v1/promotions", Body(Promotion("fz", "1", "production"))),
            ["/v1/promotions/{id}/approvals"] = new("", $"/v1/promotions/{promotion}/approvals", Body(Approval())),
            ["/v1/promotions/{id}/withdrawal"] = new("", $"/v1/promotions/{promotion}/withdrawal", reason),
            ["/v1/deployments/"] = new("", "/v1/deployments", Body(Deployment("fz", "1", "dev-2"))),
            ["/v1/deployments/{id}/rollback"] = new("", $"/v1/deployments/{deployment}/rollback", reason),
            ["/v1/deployments/{id}/retirement"] = new("", $"/v1/deployments/{deployment}/retirement", reason),
            ["/v1/policy/check"] = new("", "/v1/policy/check", Body(new { model = "fz", version = "1", targetStage = "production" })),
            ["/v1/keys/rotation"] = new("", "/v1/keys/rotation", null),
        };

        var mapped = ApiEndpoints.Api(_ledger.Services)
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains("POST") == true)
            .Select(e => e.RoutePattern.RawText ?? "").Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(samples.Keys.Order(StringComparer.Ordinal), mapped);
        return samples.Select(s => s.Value with { Route = s.Key }).ToList();
    }

    private static async Task<Outcome> Send(HttpClient client, FuzzCase fuzz, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(fuzz.Path, UriKind.Relative));
        if (fuzz.Body is { } body)
        {
            request.Content = fuzz.Chunked ? new OversizedBodyConnectionTests.UnsizedContent(body) : new ByteArrayContent(body);
            if (fuzz.ContentType is { } type)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
            }
        }

        foreach (var (name, value) in fuzz.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        try
        {
            using var response = await client.SendAsync(request, ct);
            return new Outcome(fuzz, (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType,
                await response.Content.ReadAsStringAsync(ct), $"{response.Headers} {response.Content.Headers}".ReplaceLineEndings("; "));
        }
        catch (HttpRequestException e)
        {
            return new Outcome(fuzz, NoAnswer, null, $"no answer: {e.Message} {e.InnerException?.Message}");
        }
    }

    private static bool IsCodedProblem(Outcome outcome)
    {
        if (outcome.ContentType != "application/problem+json")
        {
            return false;
        }

        try
        {
            return JsonNode.Parse(outcome.Body) is JsonObject problem && problem["code"] is JsonValue code &&
                   code.TryGetValue<string>(out var text) && text.Length > 0;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// A request line Kestrel refuses before the application sees it (a NUL in the path) gets Kestrel's own bare
    /// 400, which the application cannot turn into a problem detail.
    /// </summary>
    private static bool RefusedByKestrel(Outcome outcome) =>
        outcome.Status == 400 && outcome.Body.Length == 0 && outcome.Request.Path.Contains("%00", StringComparison.Ordinal);

    /// <summary>The entry sequence numbers an answer names (a write's receipt, or a recorded refusal's).</summary>
    private static IEnumerable<long> EntriesOf(Outcome outcome)
    {
        if (!outcome.Body.StartsWith('{'))
        {
            return [];
        }

        var entries = JsonNode.Parse(outcome.Body)?["entries"] as JsonArray ?? [];
        return entries.Select(e => (long)e!["seq"]!);
    }

    private void Summarise(IReadOnlyList<Outcome> outcomes)
    {
        static string Statuses(IEnumerable<Outcome> o) =>
            string.Join(" ", o.GroupBy(x => x.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}x{g.Count()}"));
        foreach (var category in outcomes.GroupBy(o => o.Request.Category))
        {
            output.WriteLine($"{category.Key}: {category.Count()} requests; {Statuses(category)}");
        }

        foreach (var route in outcomes.GroupBy(o => o.Request.Route).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"POST {route.Key}: {route.Count()} requests; {Statuses(route)}");
        }

        output.WriteLine($"all: {outcomes.Count} requests; {Statuses(outcomes)}; 5xx: {outcomes.Count(o => o.Status >= 500)}");
    }

    private static string Describe(IEnumerable<Outcome> outcomes) =>
        string.Join("\n", outcomes.Take(5).Select(o => $"{o.Status} {o.Headers} {o.Body} <- {o.Request}"));

    private static int Setting(string name, int fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
}
