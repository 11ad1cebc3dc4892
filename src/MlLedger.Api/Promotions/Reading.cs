using Marten;
using MlLedger.Api.Hosting;
using MlLedger.Api.Http;
using MlLedger.Api.Storage;
using MlLedger.Domain;
using MlLedger.Domain.Policies;
using MlLedger.Domain.Promotions;

namespace MlLedger.Api.Promotions;

public sealed record PromotionDetails(
    string Id, string Status, string Model, string Version, string ArtifactSha256, Stage TargetStage, string Justification,
    IReadOnlyList<string> Approvers, string? RequestedBy, DateTimeOffset? RequestedAt,
    IReadOnlyList<ApprovalDecision> Decisions, string? ClosedBy, string? CloseReason, DateTimeOffset? ClosedAt, long StreamVersion,
    PolicyDecision? Decision);

internal static class Reading
{
    public static async Task<IResult> Handle(string id, IQuerySession session, LedgerDatabase database, ReadLimits limits, CancellationToken ct)
    {
        var key = StreamKeys.Promotion(id);
        if (await ReadModelSizes.Refusal<Promotion>(session, database, limits, key, $"Promotion {id}", key, ct) is { } tooLarge)
        {
            return tooLarge;
        }

        var p = await session.LoadAsync<Promotion>(key, ct);
        if (p is null || p.Status == PromotionStatus.None)
        {
            return Problems.NotFound($"Promotion {id}");
        }

        var version = (await session.Events.FetchStreamStateAsync(key, ct))?.Version ?? 0;
        return new WithETag(TypedResults.Ok(new PromotionDetails(
            p.PromotionId, p.Status.ToString().ToLowerInvariant(), p.Model, p.Version, p.ArtifactSha256, p.TargetStage, p.Justification,
            p.Approvers, p.RequestedBy, p.RequestedAt, p.Decisions, p.ClosedBy, p.CloseReason, p.ClosedAt,
            version, p.LatestDecision)), ETags.Of(version));
    }
}
