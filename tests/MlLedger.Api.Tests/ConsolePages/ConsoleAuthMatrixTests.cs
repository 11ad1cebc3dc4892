using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using MlLedger.Api.Auth;
using MlLedger.Api.Console;
using MlLedger.Api.Tests.Browser;
using MlLedger.Api.Tests.Infrastructure;
using static MlLedger.Api.Tests.Infrastructure.Requests;

namespace MlLedger.Api.Tests.ConsolePages;

/// <summary>
/// Every route of the console, for every kind of caller: nobody is sent to sign in, a session without the route's role is
/// sent to the 403 page, a session with it is let through. Sessions come from real sign-ins at the identity provider.
/// A route the test does not know fails it, so a new page cannot go unchecked.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class ConsoleAuthMatrixTests(PostgresFixture postgres, Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    private static readonly string[] Anonymous =
        ["/console.css", "/signin", "/signin/dev", "/signin/dev/session", "/signout", "/signed-out", "/forbidden", "/signin/unavailable",
         "/_framework/opaque-redirect", "/signin-oidc", "/signout-callback-oidc"];

    private ConsoleLedger _console = null!;
    private string _promotion = "";

    public async Task InitializeAsync()
    {
        _console = await ConsoleLedger.StartAsync(postgres);
        var pipeline = await _console.PipelineApi();
        await pipeline.Post("/v1/datasets", Dataset("matrix-train", "1", sha: Sha('1'))).Expect(HttpStatusCode.Created);
        await pipeline.Post("/v1/models/matrix/versions", ModelVersion("1", Sha('2'), "matrix-train@1")).Expect(HttpStatusCode.Created);
        _promotion = (string)(await (await _console.PersonApi("pat")).Post("/v1/promotions", Promotion("matrix", "1")).Expect(HttpStatusCode.Created))["id"]!;
    }

    public async Task DisposeAsync() => await _console.DisposeAsync();

    [Fact]
    public async Task Every_console_route_sends_nobody_to_sign_in_the_wrong_role_to_403_and_the_right_one_through()
    {
        var sessions = new Dictionary<string, HttpClient>
        {
            ["nobody"] = Client(null),
            ["percy"] = Client(await Session("percy")),   // pipeline
            ["rita"] = Client(await Session("rita")),     // approver, risk-officer
            ["audrey"] = Client(await Session("audrey")), // auditor
        };
        var failures = new List<string>();
        foreach (var endpoint in ApiEndpoints.Console(_console.Ledger.Services))
        {
            var route = "/" + endpoint.RoutePattern.RawText!.TrimStart('/');
            var policy = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).FirstOrDefault();
            var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            if (Anonymous.Contains(route))
            {
                continue; // signing in and out, their state pages, the stylesheet, and the framework's redirect page
            }

            if (anonymous || policy is null)
            {
                failures.Add($"{route}: {(anonymous ? "anonymous, but not one of the sign-in routes" : "names no policy")}");
                continue;
            }

            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
            {
                foreach (var (who, client) in sessions)
                {
                    var outcome = await Outcome(client, method, Sample(route));
                    var expected = who == "nobody" ? "sign-in" : Allows(policy, who) ? "through" : "forbidden";
                    if (outcome != expected)
                    {
                        failures.Add($"{method} {route} as {who}: {outcome}, expected {expected} ({policy})");
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static bool Allows(string policy, string who) => (policy, who) switch
    {
        (ConsoleAuth.People, "rita" or "audrey") => true,
        (LedgerPolicies.Approve, "rita") => true,
        (LedgerPolicies.Audit, "audrey") => true,
        _ => false,
    };

    private string Sample(string route) => route
        .Replace("{seq:long}", "1", StringComparison.Ordinal)
        .Replace("{id}/decision", $"{_promotion}/decision", StringComparison.Ordinal)
        .Replace("/promotions/{id}", $"/promotions/{_promotion}", StringComparison.Ordinal)
        .Replace("{kind}/{id}", "dataset/matrix-train@1", StringComparison.Ordinal);

    private static async Task<string> Outcome(HttpClient client, string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = new FormUrlEncodedContent([KeyValuePair.Create("decision", "approve")]);
        }

        using var response = await client.SendAsync(request);
        var location = response.Headers.Location?.OriginalString ?? "";
        return (int)response.StatusCode switch
        {
            302 when location.StartsWith("/signin", StringComparison.Ordinal) || location.Contains("/signin?", StringComparison.Ordinal) => "sign-in",
            302 when location.Contains("/forbidden", StringComparison.Ordinal) => "forbidden",
            // let through, then refused for what it asked: a form without its token, a report without its subject
            400 => "through",
            >= 500 => $"{(int)response.StatusCode}",
            _ => "through",
        };
    }

    private async Task<CookieContainer> Session(string account)
    {
        var page = await _console.SignedIn(chromium, account);
        var cookies = new CookieContainer();
        foreach (var cookie in await page.Context.CookiesAsync(new[] { _console.Address.AbsoluteUri }))
        {
            cookies.Add(_console.Address, new Cookie(cookie.Name, cookie.Value, cookie.Path));
        }

        await page.Context.CloseAsync();
        return cookies;
    }

    private HttpClient Client(CookieContainer? cookies) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies ?? new CookieContainer(), UseCookies = true })
        {
            BaseAddress = _console.Address,
        };
}
