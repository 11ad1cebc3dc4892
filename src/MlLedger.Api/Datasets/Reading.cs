using Marten;
using MlLedger.Api.Hosting;
using MlLedger.Api.Http;
using MlLedger.Api.Storage;
using MlLedger.Domain;
using MlLedger.Domain.Datasets;

namespace MlLedger.Api.Datasets;

public sealed record DatasetDetails(
    string Id, string Name, string Version, string Status, string Uri, string Sha256, string License,
    bool ContainsPersonalData, IReadOnlyList<string> Tags, IReadOnlyList<string> DerivedFrom, string? Schema, long? RowCount,
    IReadOnlyList<DatasetCheck> Checks, string? WithdrawalReason, string? RegisteredBy, DateTimeOffset? RegisteredAt, long StreamVersion);

internal static class Reading
{
    public static async Task<IResult> Handle(string id, IQuerySession session, LedgerDatabase database, ReadLimits limits, CancellationToken ct)
    {
        var key = StreamKeys.Dataset(id);
        if (await ReadModelSizes.Refusal<Dataset>(session, database, limits, key, $"Dataset {id}", key, ct) is { } tooLarge)
        {
            return tooLarge;
        }

        var dataset = await session.LoadAsync<Dataset>(key, ct);
        if (dataset is null || dataset.Status == DatasetStatus.Unregistered)
        {
            return Problems.NotFound($"Dataset {id}");
        }

        var version = (await session.Events.FetchStreamStateAsync(key, ct))?.Version ?? 0;
        return new WithETag(TypedResults.Ok(new DatasetDetails(
            dataset.DatasetId, dataset.Name, dataset.Version, dataset.Status.ToString().ToLowerInvariant(), dataset.Uri, dataset.Sha256,
            dataset.License, dataset.ContainsPersonalData, dataset.Tags, dataset.DerivedFrom, dataset.Schema, dataset.RowCount,
            dataset.Checks, dataset.WithdrawalReason, dataset.RegisteredBy, dataset.RegisteredAt, version)), ETags.Of(version));
    }
}
