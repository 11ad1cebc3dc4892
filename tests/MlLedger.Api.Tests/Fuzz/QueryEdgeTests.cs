using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using MlLedger.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace MlLedger.Api.Tests.Fuzz;

/// <summary>
/// Every GET endpoint the host maps, with every query parameter its OpenAPI document names and every route parameter
/// set in turn to values at the edges of what a time, a number or a name can be: dates at the ends of DateTimeOffset
/// (and past them, with offsets that push them over), impossible calendar dates, tree sizes at the ends of long, and
/// text that is not valid Unicode. None is answered 5xx; every refusal is a problem detail with a code.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class QueryEdgeTests(LedgerFixture shared, ITestOutputHelper output) : IClassFixture<LedgerFixture>
{
    private readonly LedgerApp _ledger = shared.App;

    /// <summary>Edge values, already escaped for a URL.</summary>
    public static readonly string[] EdgeValues =
    [
        "0001-01-01T00:00:00Z", "0001-01-01T00:00:00%2B14:00", "0001-01-01T00:00:00-14:00", "0001-01-01T00:00:01Z",
        "9999-12-31T23:59:59Z", "9999-12-31T23:59:59.9999999Z", "9999-12-31T23:59:59-14:00", "9999-12-31T23:59:59%2B14:00",
        "10000-01-01T00:00:00Z", "0000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z", "2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z",
        "2026-01-01T24:00:00Z", "2026-06-30T23:59:60Z", "2026-01-01T00:00:00.123456789012Z", "2026-01-01T00:00:00%2B99:00",
        "2026-01-01T00:00:00%2B14:01", "2026-01-01", "2026-01-01%2000:00:00Z", "1970-01-01T00:00:00Z", "2026-01-01T00:00:00",
        "0", "1", "-1", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "1e3", "0x10", "NaN", "", "%20",
        "%00", "%ED%A0%80", "%FF", "%F4%90%80%80", "%EF%BF%BE", new string('9', 400), "..%2F..%2Fetc", "a%40b%40c",
    ];

    [Fact]
    public async Task Edge_values_in_every_query_and_route_parameter_of_every_GET_endpoint_never_get_a_5xx()
    {
        var paths = await SamplePaths();
        var queries = await QueryParameters();
        using var client = _ledger.Client("edge-auditor", "auditor", "admin", "pipeline", "approver");
        var requests = new List<string>();
        foreach (var (route, path) in paths)
        {
            foreach (var name in queries.GetValueOrDefault(route, []))
            {
                requests.AddRange(EdgeValues.Select(v => WithQuery(path, name, v)));
            }

            var segments = path.Split('?')[0].Split('/');
            var templated = route.Split('/').Select((s, i) => (s, i)).Where(x => x.s.Contains('{', StringComparison.Ordinal)).Select(x => x.i);
            foreach (var index in templated)
            {
                requests.AddRange(EdgeValues.Where(v => v.Length > 0).Select(v =>
                    string.Join('/', segments.Select((s, i) => i == index ? v + Suffix(route.Split('/')[i]) : s))));
            }
        }

        var failures = new List<string>();
        var statuses = new Dictionary<int, int>();
        foreach (var request in requests)
        {
            using var response = await client.GetAsync(new Uri(request, UriKind.Relative));
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            var body = await response.Content.ReadAsStringAsync();
            if (status >= 500 || status >= 400 && !IsCodedProblem(response, body) && !(status == 400 && body.Length == 0 && request.Contains("%00", StringComparison.Ordinal)))
            {
                failures.Add($"{status} GET {request}: {(body.Length > 300 ? body[..300] : body)}");
            }
        }

        output.WriteLine($"{requests.Count} requests to {paths.Count} endpoints; {string.Join(" ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}x{s.Value}"))}");
        Assert.True(failures.Count == 0, $"{failures.Count} answers were 5xx or uncoded; the first:\n{string.Join("\n", failures.Take(10))}");
    }

    /// <summary>
    /// Every GET route the host maps, with a path to a resource that exists: a new endpoint without a sample here
    /// fails the test instead of going unchecked.
    /// </summary>
    private async Task<Dictionary<string, string>> SamplePaths()
    {
        var life = await Lifecycles.Run(_ledger, "qe");
        using var auditor = _ledger.Client("a", "auditor");
        await Log.LogClient.CheckpointCovering(auditor, 1);
        var samples = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["/openapi/{documentName}.json"] = "/openapi/v1.json",
            ["/v1/datasets"] = "/v1/datasets",
            ["/v1/datasets/{id}"] = $"/v1/datasets/{life.Clean}",
            ["/v1/datasets/{id}/impact"] = $"/v1/datasets/{life.Raw}/impact",
            ["/v1/models"] = "/v1/models",
            ["/v1/models/{name}/versions"] = "/v1/models/qe/versions",
            ["/v1/models/{name}/versions/{version}"] = "/v1/models/qe/versions/1",
            ["/v1/promotions"] = "/v1/promotions",
            ["/v1/promotions/{id}"] = $"/v1/promotions/{life.PromotionId}",
            ["/v1/deployments"] = "/v1/deployments",
            ["/v1/deployments/{id}"] = $"/v1/deployments/{life.DeploymentId}",
            ["/v1/entries"] = "/v1/entries",
            ["/v1/entries/{seq}"] = "/v1/entries/1",
            ["/v1/entries/{seq}/bundle"] = "/v1/entries/1/bundle",
            ["/v1/keys"] = "/v1/keys",
            ["/v1/verification/streams"] = $"/v1/verification/streams",
            ["/v1/verification/log"] = "/v1/verification/log",
            ["/v1/log/checkpoint"] = "/v1/log/checkpoint",
            ["/v1/log/checkpoints/{size}"] = "/v1/log/checkpoints/1",
            ["/v1/log/proof/inclusion"] = "/v1/log/proof/inclusion?seq=1",
            ["/v1/log/proof/consistency"] = "/v1/log/proof/consistency?from=1&to=2",
            ["/v1/log/trusted-root"] = "/v1/log/trusted-root",
            ["/v1/export"] = "/v1/export",
            ["/v1/lineage/{kind}/{id}"] = $"/v1/lineage/model-version/{life.ModelVersion}",
            ["/v1/policy/set"] = "/v1/policy/set",
            ["/v1/policy/decisions/{seq}/replay"] = $"/v1/policy/decisions/{PolicyDecisionSeq(life)}/replay",
            ["/v1/reports/compliance/{model}/{version}.pdf"] = "/v1/reports/compliance/qe/1.pdf",
            ["/v1/reports/audit-period.pdf"] = "/v1/reports/audit-period.pdf?from=2026-01-01T00:00:00Z&to=2030-01-01T00:00:00Z",
            ["/v1/reports/dataset-impact/{id}.pdf"] = $"/v1/reports/dataset-impact/{life.Raw}.pdf",
        };

        var mapped = ApiEndpoints.Api(_ledger.Services)
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains("GET") == true)
            .Select(e => Normal(e.RoutePattern.RawText ?? "")).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(samples.Keys.Order(StringComparer.Ordinal), mapped);
        return samples;
    }

    /// <summary>The query parameters of each GET route, as the OpenAPI document names them.</summary>
    private async Task<Dictionary<string, string[]>> QueryParameters()
    {
        var document = JsonNode.Parse(await _ledger.Anonymous().GetStringAsync("/openapi/v1.json"))!;
        var found = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            var parameters = item?["get"]?["parameters"]?.AsArray() ?? [];
            var names = parameters.Where(p => (string?)p!["in"] == "query").Select(p => (string)p!["name"]!).ToArray();
            if (names.Length > 0)
            {
                found[Normal(path)] = names;
            }
        }

        Assert.NotEmpty(found);
        return found;
    }

    /// <summary>A route as both the route table and the OpenAPI document can name it: no constraints, no trailing '/'.</summary>
    private static string Normal(string route) =>
        System.Text.RegularExpressions.Regex.Replace(route, ":[a-z]+}", "}").TrimEnd('/') is { Length: > 0 } trimmed ? trimmed : "/";

    /// <summary>The path with query parameter <paramref name="name"/> set to <paramref name="value"/> (replaced if the sample has it).</summary>
    private static string WithQuery(string path, string name, string value)
    {
        var parts = path.Split('?', 2);
        var query = (parts.Length == 2 ? parts[1].Split('&') : []).Where(p => !p.StartsWith($"{name}=", StringComparison.Ordinal));
        return $"{parts[0]}?{string.Join('&', query.Append($"{name}={value}"))}";
    }

    /// <summary>What follows a route parameter inside its segment (<c>.pdf</c>).</summary>
    private static string Suffix(string segment) => segment.EndsWith(".pdf", StringComparison.Ordinal) ? ".pdf" : "";

    /// <summary>The PolicyEvaluated entry of the first promotion request: the second entry its answer names.</summary>
    private static long PolicyDecisionSeq(Lifecycle life) => (long)life.Answers.First(a => (string?)a["id"] == life.RejectedPromotionId)["entries"]![1]!["seq"]!;

    private static bool IsCodedProblem(HttpResponseMessage response, string body)
    {
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return false;
        }

        try
        {
            return JsonNode.Parse(body)?["code"] is JsonValue code && code.TryGetValue<string>(out var text) && text.Length > 0;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
