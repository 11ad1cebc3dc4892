using System.Globalization;
using System.Text.RegularExpressions;
using MlLedger.Api.Http;
using MlLedger.Api.Ledger;
using MlLedger.Api.Storage;
using Npgsql;

namespace MlLedger.Api.Entries;

/// <summary>One entry of the audit trail: who did what, when, on which stream, and the entry's hash.</summary>
public sealed record EntrySummary(
    long Seq, DateTimeOffset? At, string Type, string? Actor, string? ActorIssuer, string Stream, long StreamVersion, string? Hash);

/// <summary>Which entries the audit trail shows: each filter narrows; <see cref="From"/> is inclusive, <see cref="To"/> exclusive.</summary>
internal sealed partial record EntryFilter(string? Stream, string? Type, string? Actor, DateTimeOffset? From, DateTimeOffset? To)
{
    private const int MaxLength = 1_024;

    public static bool TryRead(string? stream, string? type, string? actor, string? from, string? to, IDictionary<string, string[]> errors,
        out EntryFilter filter)
    {
        Text("stream", stream, errors);
        Text("actor", actor, errors);
        if (type is not null && !EventCatalog.Types.ContainsKey(type))
        {
            errors["type"] = [$"'type' must be an event type of the ledger: {string.Join(", ", EventCatalog.Types.Keys.Order(StringComparer.Ordinal))}."];
        }

        var start = Time("from", from, errors);
        var end = Time("to", to, errors);
        if (start is { } s && end is { } e && e <= s)
        {
            errors["to"] = ["'to' must be later than 'from'."];
        }

        filter = new EntryFilter(stream, type, actor, start, end);
        return errors.Count == 0;
    }

    private static void Text(string name, string? value, IDictionary<string, string[]> errors)
    {
        if (value is not null && (value.Length is 0 or > MaxLength))
        {
            errors[name] = [$"'{name}' must be 1 to {MaxLength} characters."];
        }
    }

    private static DateTimeOffset? Time(string name, string? value, IDictionary<string, string[]> errors)
    {
        if (value is null)
        {
            return null;
        }

        // an instant needs its offset: "2026-03-01T00:00:00Z" or "...+01:00", never a local time of the server
        if (Rfc3339().IsMatch(value) && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
        {
            return at;
        }

        errors[name] = [$"'{name}' must be an RFC 3339 date and time with an offset, such as 2026-03-01T00:00:00Z."];
        return null;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,7})?([Zz]|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();
}

/// <summary>
/// <c>GET /v1/entries</c>: the audit trail, newest first, keyset-paged on the sequence number (<see cref="EntryIndex"/>), so
/// a page deep in the trail costs what the first one does.
/// </summary>
internal static class ListingEntries
{
    public const string List = "entries";

    public static async Task<IResult> Handle(string? stream, string? type, string? actor, string? from, string? to, string? cursor, string? limit,
        LedgerDatabase database, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var valid = EntryFilter.TryRead(stream, type, actor, from, to, errors, out var filter);
        if (!TryReadPage(cursor, limit, errors, out var size, out var before) || !valid)
        {
            return Problems.Invalid(errors, "query parameter(s) are invalid");
        }

        return TypedResults.Ok(await Query(database, filter, size, before, ct));
    }

    /// <summary>One page of the trail, entries before sequence number <paramref name="before"/> (null: from the newest).</summary>
    public static async Task<Page<EntrySummary>> Query(LedgerDatabase database, EntryFilter filter, int size, long? before, CancellationToken ct)
    {
        var where = new List<string>();
        await using var command = new NpgsqlCommand();
        void Add(string column, string op, object? value, string cast = "")
        {
            if (value is not null)
            {
                command.Parameters.AddWithValue(value);
                where.Add($"i.{column} {op} ${command.Parameters.Count}{cast}");
            }
        }

        Add("stream", "=", filter.Stream);
        Add("type", "=", filter.Type);
        Add("actor", "=", filter.Actor);
        // the instants as text, cast by PostgreSQL as it cast the signed times: both round to microseconds alike
        Add("at", ">=", filter.From?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture), "::timestamp with time zone");
        Add("at", "<", filter.To?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture), "::timestamp with time zone");
        Add("seq", "<", before);
        command.Parameters.AddWithValue(size + 1);
        // the page is taken from the index alone (its LIMIT bounds the walk at any depth), then joined to its entries
        command.CommandText =
            $"SELECT i.seq, i.occurred_at, i.type, i.actor, i.actor_issuer, i.stream, e.version, {EntryHeaders.Sql("e.headers", EntryHeaders.Hash)} " +
            $"FROM (SELECT * FROM {database.QuotedSchema}.{EntryIndex.Table} i " +
            (where.Count > 0 ? $"WHERE {string.Join(" AND ", where)} " : "") +
            $"ORDER BY i.seq DESC LIMIT ${command.Parameters.Count}) i JOIN {database.EventsTable} e ON e.seq_id = i.seq ORDER BY i.seq DESC";
        await using var connection = await database.Source.OpenConnectionAsync(ct);
        command.Connection = connection;
        var rows = new List<EntrySummary>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                rows.Add(new EntrySummary(reader.GetInt64(0), SignedTime(reader.IsDBNull(1) ? null : reader.GetString(1)), reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetString(5),
                    reader.GetInt64(6), reader.IsDBNull(7) ? null : reader.GetString(7)));
            }
        }

        return Paging.Of(List, rows, size, r => r, r => [r.Seq.ToString(CultureInfo.InvariantCulture)]);
    }

    private static DateTimeOffset? SignedTime(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) ? at : null;

    /// <summary>The page size and the sequence number the page starts before (null: the newest), or 400 entries.</summary>
    public static bool TryReadPage(string? cursor, string? limit, Dictionary<string, string[]> errors, out int size, out long? before)
    {
        before = null;
        return Paging.TryRead(List, cursor, limit, 1, errors, out size, out var after) && TryReadSeq(after, errors, out before);
    }

    private static bool TryReadSeq(string[]? after, Dictionary<string, string[]> errors, out long? before)
    {
        before = null;
        if (after is null)
        {
            return true;
        }

        if (!long.TryParse(after[0], NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
        {
            errors["cursor"] = ["'cursor' is not a cursor of this list: pass the 'next' of the previous page unchanged."];
            return false;
        }

        before = seq;
        return true;
    }
}
