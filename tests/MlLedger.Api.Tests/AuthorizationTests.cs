using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using MlLedger.Api.Tests.Infrastructure;
using static MlLedger.Api.Tests.Infrastructure.Requests;

namespace MlLedger.Api.Tests;

/// <summary>
/// Which role may call which endpoint, as a matrix; and a sweep over every endpoint the app maps, so that a new
/// endpoint without a policy cannot slip in unnoticed.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed partial class AuthorizationTests(LedgerFixture shared) : IClassFixture<LedgerFixture>
{
    private const string SomePromotion = "/v1/promotions/0197a5d2-0000-7000-8000-00000000abcd";
    private const string SomeDeployment = "/v1/deployments/0197a5d2-0000-7000-8000-00000000dcba";

    private static readonly string[] AnonymousRoutes = ["/healthz", "/openapi/{documentName}.json", "/readyz"];

    private readonly LedgerApp _ledger = shared.App;

    /// <summary>(method, path, role, whether the role is let through). "nobody" is a valid token with no role at all.</summary>
    public static TheoryData<string, string, string, bool> RoleMatrix()
    {
        var data = new TheoryData<string, string, string, bool>();
        void Row(string method, string path, string[] allowed, string[] forbidden)
        {
            foreach (var role in allowed)
            {
                data.Add(method, path, role, true);
            }

            foreach (var role in forbidden)
            {
                data.Add(method, path, role, false);
            }
        }

        string[] all = ["pipeline", "approver", "auditor", "admin"];
        string[] notPipeline = ["approver", "auditor", "admin", "nobody", "risk-officer"];
        Row("POST", "/v1/datasets", ["pipeline"], notPipeline);
        Row("POST", "/v1/datasets/authz-none@1/checks", ["pipeline"], notPipeline);
        Row("POST", "/v1/datasets/authz-none@1/withdrawal", ["pipeline"], notPipeline);
        Row("POST", "/v1/models/authz-model/versions", ["pipeline"], notPipeline);
        Row("POST", "/v1/models/authz-model/versions/1/evaluations", ["pipeline"], notPipeline);
        Row("POST", "/v1/models/authz-model/versions/1/retirement", ["pipeline"], notPipeline);
        Row("POST", "/v1/promotions", ["pipeline", "approver"], ["auditor", "admin", "nobody", "risk-officer"]);
        Row("POST", $"{SomePromotion}/approvals", ["approver"], ["pipeline", "auditor", "admin", "nobody", "risk-officer"]);
        Row("POST", $"{SomePromotion}/withdrawal", ["pipeline", "approver", "admin"], ["auditor", "nobody"]);
        Row("POST", "/v1/deployments", ["pipeline"], notPipeline);
        Row("POST", $"{SomeDeployment}/rollback", ["pipeline"], notPipeline);
        Row("POST", $"{SomeDeployment}/retirement", ["pipeline"], notPipeline);
        Row("GET", "/v1/datasets/authz-none@1", all, ["nobody", "risk-officer"]);
        Row("GET", "/v1/models/authz-model/versions/1", all, ["nobody"]);
        Row("GET", SomePromotion, all, ["nobody"]);
        Row("GET", "/v1/deployments?environment=prod-eu", all, ["nobody"]);
        Row("GET", SomeDeployment, all, ["nobody"]);
        Row("GET", "/v1/entries/1", all, ["nobody"]);
        Row("GET", "/v1/keys", all, ["nobody", "risk-officer"]);
        Row("GET", "/v1/verification/streams", ["auditor", "admin"], ["pipeline", "approver", "nobody", "risk-officer"]);
        return data;
    }

    [Theory]
    [MemberData(nameof(RoleMatrix))]
    public async Task Each_role_is_let_through_or_forbidden_as_the_policies_say(string method, string path, string role, bool allowed)
    {
        var before = await _ledger.StoredEntries();
        using var client = role == "nobody" ? _ledger.Client("nobody") : _ledger.Client($"{role}-user", role);

        using var response = await Send(client, method, path);

        var status = (int)response.StatusCode;
        var body = await response.Content.ReadAsStringAsync();
        if (allowed)
        {
            Assert.True(status is not (401 or 403) and < 500, $"{role} on {method} {path}: expected to be let through, got {status}: {body}");
        }
        else
        {
            Assert.True(status == 403, $"{role} on {method} {path}: expected 403, got {status}: {body}");
            Assert.Equal(before, await _ledger.StoredEntries());
        }
    }

    [Fact]
    public async Task Role_names_are_matched_exactly_not_case_insensitively()
    {
        using var client = _ledger.Client("shouty", "PIPELINE", "Auditor");

        using var write = await client.Post("/v1/datasets", Dataset("authz-shouty", "1"));
        using var audit = await client.GetAsync("/v1/verification/streams");

        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, audit.StatusCode);
    }

    [Fact]
    public void Every_mapped_endpoint_names_a_policy_or_is_one_of_the_three_anonymous_ones()
    {
        var endpoints = RouteEndpoints();
        Assert.True(endpoints.Count >= 22, $"expected every feature's endpoints, found {endpoints.Count}");

        var anonymous = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var name = $"{string.Join(',', Methods(endpoint))} {endpoint.RoutePattern.RawText}";
            var isAnonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            var policies = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).ToList();
            if (isAnonymous)
            {
                anonymous.Add(Normalised(endpoint.RoutePattern.RawText!));
            }
            else
            {
                Assert.True(policies.Count > 0 && policies.All(p => !string.IsNullOrWhiteSpace(p)),
                    $"{name} has no authorization policy");
            }
        }

        Assert.Equal(AnonymousRoutes, anonymous.Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task Every_non_anonymous_endpoint_answers_401_without_a_token()
    {
        using var client = _ledger.Anonymous();
        var checkedCount = 0;
        foreach (var endpoint in RouteEndpoints().Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null))
        {
            var path = RouteParameter().Replace(Normalised(endpoint.RoutePattern.RawText!), m => m.Groups["name"].Value == "seq" ? "1" : "x");
            foreach (var method in Methods(endpoint))
            {
                using var response = await Send(client, method, path);
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path}: expected 401, got {(int)response.StatusCode}");
                checkedCount++;
            }
        }

        Assert.True(checkedCount >= 20, $"only {checkedCount} endpoints were checked");
    }

    private List<RouteEndpoint> RouteEndpoints() =>
        [.. ApiEndpoints.Api(_ledger.Services)];

    private static IReadOnlyList<string> Methods(RouteEndpoint endpoint) =>
        endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"];

    /// <summary>A group's "/" child maps to "/v1/datasets/"; the route it answers is "/v1/datasets".</summary>
    private static string Normalised(string rawPattern) =>
        "/" + rawPattern.Trim('/');

    [GeneratedRegex(@"\{(?<name>[^}:?]+)(:[^}]*)?\??\}")]
    private static partial Regex RouteParameter();

    private static Task<HttpResponseMessage> Send(HttpClient client, string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = new StringContent(JsonSerializer.Serialize(BodyFor(path), JsonSerializerOptions.Web), Encoding.UTF8, "application/json");
        }

        return client.SendAsync(request);
    }

    /// <summary>A valid body for each write, so that a role let through reaches the handler (and gets 201, 404 or 409).</summary>
    private static object BodyFor(string path) => path switch
    {
        "/v1/datasets" => Dataset("authz-data", "1"),
        "/v1/models/authz-model/versions" => ModelVersion("1", null, "authz-missing@1"),
        "/v1/promotions" => Promotion("authz-model", "1", "staging"),
        "/v1/deployments" => Deployment("authz-model", "1", "dev-eu"),
        _ when path.EndsWith("/checks", StringComparison.Ordinal) => new { check = "pii-scan", result = "passed" },
        _ when path.EndsWith("/evaluations", StringComparison.Ordinal) => new { dataset = "authz-none@1", metrics = new { auc = 0.9 } },
        _ when path.EndsWith("/approvals", StringComparison.Ordinal) => Approval(),
        _ => new { reason = "no longer needed" },
    };
}
