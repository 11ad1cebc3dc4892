using System.Text.Json;
using Marten;
using MlLedger.Api.Hosting;
using MlLedger.Api.Http;
using MlLedger.Api.Storage;
using MlLedger.Domain;
using MlLedger.Domain.Models;

namespace MlLedger.Api.Models;

public sealed record ModelVersionDetails(
    string Id, string Model, string Version, string ArtifactSha256, string Framework, string? TrainingRunId, string? CodeCommit,
    IReadOnlyList<string> TrainedOn, IReadOnlyDictionary<string, JsonElement> Parameters, Stage Stage,
    IReadOnlyList<StageEntry> StageHistory, IReadOnlyList<Evaluation> Evaluations, bool Retired, string? RetirementReason,
    string? RegisteredBy, DateTimeOffset? RegisteredAt, long StreamVersion, string? RiskTier);

internal static class ReadingVersions
{
    public static async Task<IResult> Handle(string name, string version, IQuerySession session, LedgerDatabase database, ReadLimits limits, CancellationToken ct)
    {
        var key = StreamKeys.ModelVersion(name, version);
        if (await ReadModelSizes.Refusal<ModelVersion>(session, database, limits, key, $"Model version {name}@{version}", key, ct) is { } tooLarge)
        {
            return tooLarge;
        }

        var m = await session.LoadAsync<ModelVersion>(key, ct);
        if (m is not { Registered: true })
        {
            return Problems.NotFound($"Model version {name}@{version}");
        }

        var streamVersion = (await session.Events.FetchStreamStateAsync(key, ct))?.Version ?? 0;
        return new WithETag(TypedResults.Ok(new ModelVersionDetails(
            m.ModelVersionId, m.Model, m.Version, m.ArtifactSha256, m.Framework, m.TrainingRunId, m.CodeCommit, m.TrainedOn,
            m.Parameters, m.Stage, m.StageHistory, m.Evaluations, m.Retired, m.RetirementReason, m.RegisteredBy, m.RegisteredAt,
            streamVersion, m.RiskTier)), ETags.Of(streamVersion));
    }
}
