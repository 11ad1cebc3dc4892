using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MlLedger.Api.Health;

namespace MlLedger.Api.Auth.Authority;

/// <summary>
/// Bearer tokens checked against an OIDC authority's keys as <see cref="AuthorityKeys"/> holds them. The JwtBearer
/// handler's own discovery (its <c>Authority</c>, configuration manager and last-known-good fallback) is not used:
/// it added the discovery document's issuer to the accepted ones, refreshed keys only on an unknown key id at most
/// every 5 minutes, and kept accepting removed keys for an hour.
/// </summary>
public static class AuthorityAuthentication
{
    /// <summary>The authority's keys, fetched and refreshed by the ledger; <paramref name="jwt"/> was checked by <see cref="AuthoritySettings.Validate"/>.</summary>
    public static IServiceCollection AddAuthorityKeys(this IServiceCollection services, JwtSettings jwt)
    {
        services.AddSingleton(sp => new AuthorityKeys(jwt, AuthorityHttp.Create(jwt.AuthorityCaFile),
            sp.GetService<TimeProvider>() ?? TimeProvider.System, sp.GetRequiredService<ILogger<AuthorityKeys>>()));
        services.AddHostedService(sp => new AuthorityKeyRefresh(sp.GetRequiredService<AuthorityKeys>(), jwt,
            sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.AddHealthChecks().AddCheck<AuthorityHealthCheck>(AuthorityHealthCheck.Name, tags: [HealthEndpoints.ReadyTag]);
        services.AddSingleton<IPostConfigureOptions<JwtBearerOptions>, UseAuthorityKeys>();
        return services;
    }

    /// <summary>Runs after the bearer options are configured: keys come from <see cref="AuthorityKeys"/>.</summary>
    private sealed class UseAuthorityKeys(AuthorityKeys keys, TimeProvider? clock = null) : IPostConfigureOptions<JwtBearerOptions>
    {
        public void PostConfigure(string? name, JwtBearerOptions options)
        {
            if (name != JwtBearerDefaults.AuthenticationScheme)
            {
                return;
            }

            options.TokenValidationParameters.IssuerSigningKeyResolver = (_, _, kid, _) => keys.Resolve(kid);
            var received = options.Events.OnMessageReceived;
            options.Events.OnMessageReceived = async context =>
            {
                await received(context);
                if (UnknownKeyId(context.Token ?? BearerToken(context.Request), options.TokenValidationParameters) is { } kid)
                {
                    await keys.RefreshForUnknownKeyAsync(kid, context.HttpContext.RequestAborted);
                }
            };
        }

        /// <summary>
        /// The key id of a token that could pass once the keys are refreshed: a JWT with an accepted algorithm, an
        /// unknown key id, an accepted issuer and audience, not expired. Anyone can write such a token, so this only
        /// spares the authority requests for garbage; the refresh interval is what bounds them.
        /// </summary>
        private string? UnknownKeyId(string? token, TokenValidationParameters parameters)
        {
            if (string.IsNullOrEmpty(token) || token.Length > 16 * 1024)
            {
                return null;
            }

            try
            {
                var jwt = new JsonWebToken(token);
                var now = (clock ?? TimeProvider.System).GetUtcNow().UtcDateTime;
                return !string.IsNullOrEmpty(jwt.Kid) && !keys.Knows(jwt.Kid)
                    && parameters.ValidAlgorithms?.Contains(jwt.Alg) == true
                    && keys.ExpectedIssuers.Contains(jwt.Issuer, StringComparer.Ordinal)
                    && jwt.Audiences.Contains(parameters.ValidAudience, StringComparer.Ordinal)
                    && jwt.ValidTo > now - parameters.ClockSkew
                    ? jwt.Kid
                    : null;
            }
            catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException or System.Text.Json.JsonException)
            {
                return null; // not a JWT, or claims of the wrong type: validation refuses it without any key
            }
        }

        private static string? BearerToken(HttpRequest request)
        {
            var header = request.Headers.Authorization.ToString();
            return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
        }
    }
}
