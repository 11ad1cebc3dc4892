using Marten;
using MlLedger.Api.Http;
using MlLedger.Domain;
using MlLedger.Domain.Deployments;

namespace MlLedger.Api.Deployments;

public sealed record DeploymentDetails(
    string Id, string Status, string Model, string Version, string Environment, string? Endpoint, string ArtifactSha256,
    Stage RequiredStage, string? BlockCode, string? BlockReason, string? Actor, DateTimeOffset? At, string? EndReason,
    string? EndedBy, DateTimeOffset? EndedAt);

public sealed record DeploymentList(IReadOnlyList<DeploymentDetails> Deployments);

internal static class Listing
{
    private const int Limit = 500;

    public static async Task<IResult> Handle(string? environment, string? status, IQuerySession session, CancellationToken ct)
    {
        DeploymentStatus? wanted = null;
        if (status is not null)
        {
            if (!Enum.TryParse<DeploymentStatus>(status, ignoreCase: true, out var parsed) || parsed == DeploymentStatus.None)
            {
                return Problems.Of(StatusCodes.Status400BadRequest, "validation-failed",
                    "status must be one of: active, blocked, rolledBack, retired.");
            }

            wanted = parsed;
        }

        var query = session.Query<Deployment>().Where(d => d.Status != DeploymentStatus.None);
        if (environment is not null)
        {
            query = query.Where(d => d.Environment == environment);
        }

        if (wanted is { } s)
        {
            query = query.Where(d => d.Status == s);
        }

        var found = await query.OrderByDescending(d => d.At).Take(Limit).ToListAsync(ct);
        return TypedResults.Ok(new DeploymentList(found.Select(View).ToList()));
    }

    public static async Task<IResult> One(string id, IQuerySession session, CancellationToken ct)
    {
        var deployment = await session.LoadAsync<Deployment>(StreamKeys.Deployment(id), ct);
        return deployment is null || deployment.Status == DeploymentStatus.None
            ? Problems.NotFound($"Deployment {id}")
            : TypedResults.Ok(View(deployment));
    }

    private static DeploymentDetails View(Deployment d) =>
        new(d.DeploymentId, d.Status.ToString().ToLowerInvariant(), d.Model, d.Version, d.Environment, d.Endpoint, d.ArtifactSha256,
            d.RequiredStage, d.BlockCode, d.BlockReason, d.Actor, d.At, d.EndReason, d.EndedBy, d.EndedAt);
}
