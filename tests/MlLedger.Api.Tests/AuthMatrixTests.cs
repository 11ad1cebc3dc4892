using System.Security.Claims;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using MlLedger.Api.Auth;
using MlLedger.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace MlLedger.Api.Tests;

/// <summary>
/// Calls every endpoint the host maps with each role's token and with eight kinds of bad token, checks the answers
/// against the authorization policies, and keeps the observed matrix in SECURITY.md: a new endpoint, or a changed
/// answer, shows up there. <c>MLLEDGER_UPDATE_AUTH_MATRIX=1</c> rewrites the table instead of comparing it.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed partial class AuthMatrixTests(LedgerFixture shared, ITestOutputHelper output) : IClassFixture<LedgerFixture>
{
    public const string Begin = "<!-- auth-matrix:begin -->";
    public const string End = "<!-- auth-matrix:end -->";

    private static readonly string[] RoleColumns = [Roles.Pipeline, Roles.Approver, Roles.Auditor, Roles.Admin];

    private static readonly string[] BadTokenKinds =
        ["no-token", "expired", "not-yet-valid", "wrong-issuer", "wrong-audience", "alg-none", "hs256-with-public-key", "bad-signature"];

    /// <summary>Route values that name nothing in the ledger (404), or the one OpenAPI document.</summary>
    private static readonly Dictionary<string, string> Placeholders = new()
    {
        ["documentName"] = "v1",
        ["seq"] = "999999",
        ["size"] = "999999",
        ["name"] = "matrix-model",
        ["model"] = "matrix-model",
        ["version"] = "1",
        ["kind"] = "dataset",
        ["id"] = "matrix-none@1",
    };

    private readonly LedgerApp _ledger = shared.App;

    [Fact]
    public async Task Every_endpoint_answers_each_role_as_its_policy_says_and_every_bad_token_401_as_SECURITY_md_records()
    {
        var roles = RoleColumns.ToDictionary(role => role, role => _ledger.Client($"matrix-{role}", role));
        var badTokens = BadTokenKinds.Select(BadTokenClient).ToList();
        // a checkpoint exists before the first call, so that the log's endpoints answer the same on every run
        await Eventually.Get(async () => await StatusOf(roles[Roles.Auditor], "GET", "/v1/log/checkpoint") == 200 ? "" : null,
            "the first checkpoint");

        var rows = new List<string>();
        var failures = new List<string>();
        foreach (var (method, route, endpoint) in Endpoints())
        {
            var path = RouteParameter().Replace(route, m => Placeholders[m.Groups["name"].Value]);
            var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            var cells = new List<string>();
            foreach (var (role, client) in roles)
            {
                var status = await StatusOf(client, method, path);
                var allowed = anonymous || await Allows(endpoint, role);
                if (allowed ? status is 401 or 403 : status != 403)
                {
                    failures.Add($"{method} {route} as {role}: {status}, but the policy {(allowed ? "lets it through" : "forbids it")}");
                }

                cells.Add(status.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            var bad = new List<int>();
            foreach (var (kind, client) in BadTokenKinds.Zip(badTokens))
            {
                var status = await StatusOf(client, method, path);
                if (!anonymous && status != 401)
                {
                    failures.Add($"{method} {route} with a token that is {kind}: {status}, expected 401");
                }

                bad.Add(status);
            }

            cells.Add(string.Join(", ", bad.GroupBy(s => s).OrderBy(g => g.Key).Select(g => $"{g.Key} x{g.Count()}")));
            rows.Add($"| `{method} {route}` | {string.Join(" | ", cells)} |");
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(rows.Count >= 40, $"expected every feature's endpoints, found {rows.Count}");
        CompareWithSecurityMd(Table(rows));
    }

    private static string Table(List<string> rows)
    {
        List<string> lines =
        [
            $"| endpoint | {string.Join(" | ", RoleColumns)} | bad tokens ({BadTokenKinds.Length}) |",
            $"| --- | {string.Join(" | ", RoleColumns.Select(_ => "---"))} | --- |",
            .. rows,
        ];
        return string.Join("\n", lines);
    }

    private void CompareWithSecurityMd(string table)
    {
        var file = Path.Combine(RepositoryRoot(), "SECURITY.md");
        var text = File.ReadAllText(file).ReplaceLineEndings("\n");
        var start = text.IndexOf(Begin, StringComparison.Ordinal);
        var end = text.IndexOf(End, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, $"SECURITY.md has no {Begin} ... {End} block");
        var recorded = text[(start + Begin.Length)..end].Trim('\n');
        if (recorded == table)
        {
            return;
        }

        if (Environment.GetEnvironmentVariable("MLLEDGER_UPDATE_AUTH_MATRIX") == "1")
        {
            File.WriteAllText(file, $"{text[..(start + Begin.Length)]}\n{table}\n{text[end..]}");
            output.WriteLine($"rewrote the auth matrix in {file}");
            return;
        }

        output.WriteLine(table);
        Assert.Fail($"The auth matrix in SECURITY.md is not what the ledger answers. Observed:\n{table}\n\n" +
            "If the change is intended, run the test with MLLEDGER_UPDATE_AUTH_MATRIX=1 to rewrite it.");
    }

    /// <summary>The directory holding MlLedger.sln, above the test binaries.</summary>
    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "MlLedger.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no MlLedger.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>Every (method, route) the host maps, in a fixed order; a group's "/" child is its group's route.</summary>
    private List<(string Method, string Route, RouteEndpoint Endpoint)> Endpoints() =>
        ApiEndpoints.Api(_ledger.Services)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(method => (method, "/" + e.RoutePattern.RawText!.Trim('/'), e)))
            .OrderBy(e => e.Item2, StringComparer.Ordinal).ThenBy(e => e.method, StringComparer.Ordinal)
            .ToList();

    /// <summary>Whether the endpoint's authorization policies admit a valid token carrying only <paramref name="role"/>.</summary>
    private async Task<bool> Allows(RouteEndpoint endpoint, string role)
    {
        var services = _ledger.Services;
        var policy = await AuthorizationPolicy.CombineAsync(services.GetRequiredService<IAuthorizationPolicyProvider>(),
            endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>(), endpoint.Metadata.GetOrderedMetadata<AuthorizationPolicy>());
        Assert.NotNull(policy);
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", $"matrix-{role}"), new Claim("roles", role)], "Bearer", "sub", "roles"));
        return (await services.GetRequiredService<IAuthorizationService>().AuthorizeAsync(user, policy)).Succeeded;
    }

    /// <summary>The status of one call; a write carries the same minimal body <c>{}</c> every time.</summary>
    private static async Task<int> StatusOf(HttpClient client, string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);
        return (int)response.StatusCode;
    }

    /// <summary>A client whose token is wrong in one way only; every role is claimed, so only the defect can refuse it.</summary>
    private HttpClient BadTokenClient(string kind)
    {
        if (kind == "no-token")
        {
            return _ledger.Anonymous();
        }

        var issuer = _ledger.Issuer;
        var now = DateTimeOffset.UtcNow;
        string[] all = [.. RoleColumns];
        var token = kind switch
        {
            "expired" => issuer.Token("matrix-bad", all, issuedAt: now.AddHours(-2), lifetime: TimeSpan.FromHours(1)),
            "not-yet-valid" => issuer.Token("matrix-bad", all, notBefore: now.AddMinutes(5)),
            "wrong-issuer" => issuer.Token("matrix-bad", all, issuer: "https://evil.example"),
            "wrong-audience" => issuer.Token("matrix-bad", all, audience: "some-other-api"),
            "alg-none" => TestIssuer.AlgNone("matrix-bad", all),
            "hs256-with-public-key" => TestIssuer.Hs256KeyedWith(Encoding.UTF8.GetBytes(issuer.PublicKeyPem), "matrix-bad", all),
            "bad-signature" => FlipSignatureBit(issuer.Token("matrix-bad", all)),
            _ => throw new ArgumentException($"unknown token kind {kind}", nameof(kind)),
        };
        return _ledger.ClientWithToken(token);
    }

    /// <summary>The trusted issuer's token with one bit of its signature flipped.</summary>
    private static string FlipSignatureBit(string token)
    {
        var parts = token.Split('.');
        var signature = Base64UrlEncoder.DecodeBytes(parts[2]);
        signature[0] ^= 0x01;
        return $"{parts[0]}.{parts[1]}.{Base64UrlEncoder.Encode(signature)}";
    }

    [GeneratedRegex(@"\{(?<name>[^}:?]+)(:[^}]*)?\??\}")]
    private static partial Regex RouteParameter();
}
