using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using MlLedger.Api.Auth;
using MlLedger.Api.Tests.Infrastructure;

namespace MlLedger.Api.Tests.IdentityProvider;

/// <summary>A test ledger that checks tokens against an <see cref="OidcProvider"/>, as <c>--jwt-authority</c> configures it.</summary>
public static class AuthorityLedger
{
    public static JwtSettings Settings(OidcProvider provider) =>
        new() { Authority = provider.Issuer, AuthorityCaFile = provider.CaFile, Audience = OidcProvider.Audience };

    public static Task<LedgerApp> StartAsync(PostgresFixture postgres, JwtSettings jwt, CapturedLog? log = null) =>
        LedgerApp.StartAsync(postgres, options => options with { Jwt = jwt }, log);

    /// <summary>Waits until <c>/readyz</c> answers <paramref name="status"/> with <paramref name="body"/> (Healthy, Degraded, Unhealthy).</summary>
    public static Task Readiness(LedgerApp ledger, HttpStatusCode status, string body) =>
        Infrastructure.Eventually.Get(async () =>
        {
            using var response = await ledger.Anonymous().GetAsync("/readyz");
            return response.StatusCode == status && await response.Content.ReadAsStringAsync() == body ? body : null;
        }, $"/readyz to answer {(int)status} {body}");

    /// <summary>The identity provider's entry of the readiness report.</summary>
    public static async Task<HealthReportEntry> IdentityProvider(LedgerApp ledger)
    {
        var report = await ledger.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(c => c.Tags.Contains("ready"));
        return report.Entries["identity-provider"];
    }

    /// <summary>The status a request with <paramref name="token"/> gets from a read every role may make.</summary>
    public static async Task<HttpStatusCode> Read(LedgerApp ledger, string token)
    {
        using var response = await ledger.ClientWithToken(token).GetAsync("/v1/policy/set");
        return response.StatusCode;
    }

    /// <summary>Waits until a read with <paramref name="token"/> answers <paramref name="status"/>.</summary>
    public static Task Answers(LedgerApp ledger, string token, HttpStatusCode status, string why) =>
        Infrastructure.Eventually.Get(async () => await Read(ledger, token) == status ? "" : null, why);
}
