using Marten;
using MlLedger.Api.Http;
using MlLedger.Domain;
using MlLedger.Domain.Datasets;

namespace MlLedger.Api.Datasets;

/// <summary>One dataset version in a list, with the outcome of each check as last recorded.</summary>
public sealed record DatasetSummary(
    string Id, string Name, string Version, string Status, string Sha256, string License, bool ContainsPersonalData,
    IReadOnlyList<string> Tags, IReadOnlyDictionary<string, string> Checks, string? RegisteredBy, DateTimeOffset? RegisteredAt);

/// <summary><c>GET /v1/datasets</c>: newest registration first, keyset-paged on (registered at, id); by name and status.</summary>
internal static class Listing
{
    public const string List = "datasets";

    public static async Task<IResult> Handle(string? name, string? status, string? cursor, string? limit, IQuerySession session, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        DatasetStatus? wanted = status switch
        {
            null => null,
            "active" => DatasetStatus.Active,
            "withdrawn" => DatasetStatus.Withdrawn,
            _ => null,
        };
        if (status is not null && wanted is null)
        {
            errors["status"] = ["'status' must be one of: active, withdrawn."];
        }

        if (name is { Length: 0 })
        {
            errors["name"] = ["'name' must not be empty."];
        }

        if (!TimeKeyset.TryReadPage(List, cursor, limit, StreamKeys.Dataset(""), errors, out var size, out var from))
        {
            return Problems.Invalid(errors, "query parameter(s) are invalid");
        }

        var query = session.Query<Dataset>().Where(d => d.Status != DatasetStatus.Unregistered);
        if (name is not null)
        {
            query = query.Where(d => d.Name == name);
        }

        if (wanted is { } s)
        {
            query = query.Where(d => d.Status == s);
        }

        var rows = await TimeKeyset.After(query, "registeredAt", from)
            .OrderByDescending(d => d.RegisteredAt).ThenByDescending(d => d.Id).Take(size + 1).ToListAsync(ct);
        return TypedResults.Ok(Paging.Of(List, rows, size, Summary, d => TimeKeyset.Keys(d.RegisteredAt!.Value, d.Id)));
    }

    public static DatasetSummary Summary(Dataset d) =>
        new(d.DatasetId, d.Name, d.Version, d.Status.ToString().ToLowerInvariant(), d.Sha256, d.License, d.ContainsPersonalData, d.Tags,
            d.Checks.GroupBy(c => c.Check, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Result, StringComparer.Ordinal),
            d.RegisteredBy, d.RegisteredAt);
}
