using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;
using Marten.Linq.MatchesSql;

namespace MlLedger.Api.Http;

/// <summary>One page of a list, newest or first items first; <see cref="Next"/> is the cursor of the page after it, null on the last.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? Next);

/// <summary>
/// Keyset pagination for every list: <c>limit</c> (default 50, at most 500) and an opaque <c>cursor</c> naming the last item
/// of the previous page by its sort keys. A page never repeats or skips an item that existed when the first page was read,
/// however many writes happen in between; what is written later shows on the first page, not deeper.
/// A cursor is base64url of a JSON array: the list's name, then the keys. It carries no authority: a hand-made cursor
/// only moves the position, the filters and authorization apply as on any page.
/// </summary>
internal static class Paging
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;
    private const int MaxCursorLength = 2_048;

    /// <summary>The page size and the keys after which the page starts (null: the first page), or a 400 naming the field.</summary>
    public static bool TryRead(string list, string? cursor, string? limit, int keyCount, IDictionary<string, string[]> errors,
        out int size, out string[]? after)
    {
        size = DefaultLimit;
        after = null;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > MaxLimit))
        {
            errors["limit"] = [$"'limit' must be between 1 and {MaxLimit}."];
        }

        if (cursor is null)
        {
            return errors.Count == 0;
        }

        after = Decode(list, cursor, keyCount);
        if (after is null)
        {
            errors["cursor"] = ["'cursor' is not a cursor of this list: pass the 'next' of the previous page unchanged."];
        }

        return errors.Count == 0;
    }

    /// <summary>The cursor after an item with these sort keys.</summary>
    public static string Cursor(string list, params string[] keys)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(keys.Prepend(list).ToArray());
        return Base64Url.EncodeToString(json);
    }

    /// <summary>The cursor of the next page when <paramref name="fetched"/> holds one item more than the page (the look-ahead).</summary>
    public static Page<TItem> Of<TRow, TItem>(string list, IReadOnlyList<TRow> fetched, int size, Func<TRow, TItem> item, Func<TRow, string[]> keys)
    {
        var page = fetched.Take(size).ToList();
        var next = fetched.Count > size ? Cursor(list, keys(page[^1])) : null;
        return new Page<TItem>(page.Select(item).ToList(), next);
    }

    private static string[]? Decode(string list, string cursor, int keyCount)
    {
        if (cursor.Length is 0 or > MaxCursorLength || !Base64Url.IsValid(cursor))
        {
            return null;
        }

        try
        {
            var values = JsonSerializer.Deserialize<string[]>(Base64Url.DecodeFromChars(cursor));
            return values is { Length: > 0 } && values.Length == keyCount + 1 && values[0] == list && values.All(v => v is not null)
                ? values[1..]
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>
/// Keyset pages over a read model ordered newest first by a time field of its document, then by id: the cursor holds
/// both, and the next page starts strictly after them in that order.
/// </summary>
internal static class TimeKeyset
{
    private const string NotACursor = "'cursor' is not a cursor of this list: pass the 'next' of the previous page unchanged.";

    public static string[] Keys(DateTimeOffset at, string id) => [Text(at), id];

    /// <summary><see cref="Paging.TryRead"/> and <see cref="TryRead"/> at once: the page size and the (time, id) it starts after.</summary>
    public static bool TryReadPage(string list, string? cursor, string? limit, string idPrefix, Dictionary<string, string[]> errors,
        out int size, out (DateTimeOffset At, string Id)? from)
    {
        from = null;
        return Paging.TryRead(list, cursor, limit, 2, errors, out size, out var after) && TryRead(after, idPrefix, errors, out from);
    }

    /// <summary>The cursor's keys as a time and a document id starting with <paramref name="idPrefix"/>, or a 400 entry.</summary>
    public static bool TryRead(string[]? after, string idPrefix, IDictionary<string, string[]> errors, out (DateTimeOffset At, string Id)? from)
    {
        from = null;
        if (after is null)
        {
            return true;
        }

        if (after.Length != 2 || !DateTimeOffset.TryParseExact(after[0], "O", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ||
            !after[1].StartsWith(idPrefix, StringComparison.Ordinal))
        {
            errors["cursor"] = [NotACursor];
            return false;
        }

        from = (at, after[1]);
        return true;
    }

    /// <summary>
    /// Documents strictly after (<paramref name="at"/>, <paramref name="id"/>) in the order newest <paramref name="field"/>
    /// first, then greatest id: the same cast of the stored text as the ordering Marten writes, so no item repeats or is skipped.
    /// </summary>
    public static IQueryable<T> After<T>(IQueryable<T> query, string field, (DateTimeOffset At, string Id)? after)
    {
        if (after is not { } a)
        {
            return query;
        }

        return query.Where(d => d!.MatchesSql(
            $"(CAST(d.data ->> '{field}' AS timestamp with time zone), d.id) < (CAST(? AS timestamp with time zone), ?)", Text(a.At), a.Id));
    }

    private static string Text(DateTimeOffset at) => at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
}
