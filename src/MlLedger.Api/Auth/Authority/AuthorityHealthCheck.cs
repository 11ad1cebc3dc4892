using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MlLedger.Api.Auth.Authority;

/// <summary>
/// Part of <c>/readyz</c> when tokens are checked against an OIDC authority: Unhealthy while no usable signing keys
/// are loaded (every token would be refused), Degraded while the keys in use could not be refreshed or the discovery
/// document names another issuer than the one accepted, Healthy otherwise.
/// </summary>
internal sealed class AuthorityHealthCheck(AuthorityKeys keys) : IHealthCheck
{
    public const string Name = "identity-provider";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = keys.Status;
        var data = new Dictionary<string, object> { ["metadata"] = keys.MetadataAddress.ToString() };
        if (status.Keys is { } loaded)
        {
            data["keyIds"] = string.Join(",", loaded.KeyIds);
            data["fetchedAt"] = loaded.FetchedAt;
        }

        HealthCheckResult result;
        if (status.Keys is null || status.Expired)
        {
            result = HealthCheckResult.Unhealthy(
                $"no signing keys of the identity provider are loaded: {status.LastFailure ?? "not fetched yet"}", data: data);
        }
        else if (status.LastFailure is { } failure)
        {
            result = HealthCheckResult.Degraded($"signing keys fetched at {status.Keys.FetchedAt:O} are in use; refreshing them failed: {failure}", data: data);
        }
        else if (status.IssuerMismatch is { } mismatch)
        {
            result = HealthCheckResult.Degraded(mismatch, data: data);
        }
        else
        {
            result = HealthCheckResult.Healthy($"{status.Keys.Keys.Count} signing keys from {status.Keys.JwksUri}", data);
        }

        return Task.FromResult(result);
    }
}
