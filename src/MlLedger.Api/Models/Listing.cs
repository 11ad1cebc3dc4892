using Marten;
using MlLedger.Api.Http;
using MlLedger.Api.Storage;
using MlLedger.Domain;
using MlLedger.Domain.Models;
using Npgsql;

namespace MlLedger.Api.Models;

/// <summary>One model in a list: how many versions it has, its latest, and which versions are in each stage now.</summary>
public sealed record ModelSummary(
    string Name, long Versions, string LatestVersion, DateTimeOffset? LatestRegisteredAt,
    IReadOnlyList<string> Production, IReadOnlyList<string> Staging);

/// <summary>One version of a model in a list.</summary>
public sealed record ModelVersionSummary(
    string Id, string Model, string Version, string ArtifactSha256, string Framework, Stage Stage, bool Retired, int Evaluations,
    string? RegisteredBy, DateTimeOffset? RegisteredAt);

/// <summary><c>GET /v1/models</c> (by name, keyset-paged on it) and <c>GET /v1/models/{name}/versions</c> (newest registration first).</summary>
internal static class Listing
{
    public const string Models = "models";
    public const string Versions = "model-versions";

    public static async Task<IResult> Handle(string? cursor, string? limit, IQuerySession session, LedgerDatabase database, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (!Paging.TryRead(Models, cursor, limit, 1, errors, out var size, out var after))
        {
            return Problems.Invalid(errors, "query parameter(s) are invalid");
        }

        var table = session.DocumentStore.Options.FindOrResolveDocumentType(typeof(ModelVersion)).TableName.QualifiedName;
        await using var command = database.Source.CreateCommand(
            "SELECT d.data ->> 'model', count(*), " +
            "(array_agg(d.data ->> 'version' ORDER BY CAST(d.data ->> 'registeredAt' AS timestamp with time zone) DESC, d.id DESC))[1], " +
            "max(CAST(d.data ->> 'registeredAt' AS timestamp with time zone)) " +
            $"FROM {table} d WHERE (d.data ->> 'registered')::boolean AND ($1::text IS NULL OR d.data ->> 'model' > $1) " +
            "GROUP BY 1 ORDER BY 1 LIMIT $2");
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)after?[0] ?? DBNull.Value, DataTypeName = "text" });
        command.Parameters.AddWithValue(size + 1);
        var rows = new List<(string Name, long Count, string Latest, DateTimeOffset? At)>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                rows.Add((reader.GetString(0), reader.GetInt64(1), reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3)));
            }
        }

        var names = rows.Take(size).Select(r => r.Name).ToArray();
        var staged = await session.Query<ModelVersion>()
            .Where(m => m.Model.IsOneOf(names) && m.Registered && !m.Retired && m.Stage != Stage.None).ToListAsync(ct);
        return TypedResults.Ok(Paging.Of(Models, rows, size, r => new ModelSummary(r.Name, r.Count, r.Latest, r.At,
                In(staged, r.Name, Stage.Production), In(staged, r.Name, Stage.Staging)), r => [r.Name]));
    }

    public static async Task<IResult> HandleVersions(string name, string? cursor, string? limit, IQuerySession session, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (!TimeKeyset.TryReadPage(Versions, cursor, limit, StreamKeys.ModelVersion(name, ""), errors, out var size, out var from))
        {
            return Problems.Invalid(errors, "query parameter(s) are invalid");
        }

        var query = session.Query<ModelVersion>().Where(m => m.Model == name && m.Registered);
        var rows = await TimeKeyset.After(query, "registeredAt", from)
            .OrderByDescending(m => m.RegisteredAt).ThenByDescending(m => m.Id).Take(size + 1).ToListAsync(ct);
        if (rows.Count == 0 && from is null)
        {
            return Problems.NotFound($"Model {name}");
        }

        return TypedResults.Ok(Paging.Of(Versions, rows, size, Summary, m => TimeKeyset.Keys(m.RegisteredAt!.Value, m.Id)));
    }

    public static ModelVersionSummary Summary(ModelVersion m) =>
        new(m.ModelVersionId, m.Model, m.Version, m.ArtifactSha256, m.Framework, m.Stage, m.Retired, m.Evaluations.Count, m.RegisteredBy,
            m.RegisteredAt);

    private static List<string> In(IEnumerable<ModelVersion> staged, string model, Stage stage) =>
        [.. staged.Where(m => m.Model == model && m.Stage == stage).OrderByDescending(m => m.RegisteredAt).Select(m => m.Version)];
}
