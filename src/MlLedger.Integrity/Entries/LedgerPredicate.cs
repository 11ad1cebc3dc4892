using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlLedger.Integrity.Statements;

namespace MlLedger.Integrity.Entries;

/// <summary>
/// The predicate of a ledger entry, the one place that knows its field names:
/// <c>{"eventType":..,"event":{..},"ledger":{"streamId","streamVersion","previousEntryHash","actor","actorIssuer","occurredAt"}}</c>.
/// <c>actorIssuer</c> (the issuer of the token whose subject is <c>actor</c>) is absent from entries sealed before
/// issuers were recorded; when present it is a non-empty string.
/// </summary>
internal sealed record LedgerPredicate(
    string EventType,
    JsonObject Event,
    string StreamId,
    long StreamVersion,
    string? PreviousEntryHash,
    string Actor,
    string? ActorIssuer,
    DateTimeOffset OccurredAt)
{
    /// <summary>"O" round-trip format of the UTC instant, e.g. 2026-01-01T00:00:00.0000000+00:00.</summary>
    public static string FormatInstant(DateTimeOffset instant) =>
        instant.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    public static JsonObject Build(UnsignedEntry entry)
    {
        var ledger = new JsonObject
        {
            ["streamId"] = entry.Metadata.StreamId,
            ["streamVersion"] = entry.Metadata.StreamVersion,
            ["previousEntryHash"] = entry.Metadata.PreviousEntryHash,
            ["actor"] = entry.Metadata.Actor,
        };
        if (entry.Metadata.ActorIssuer is { } issuer)
        {
            ledger["actorIssuer"] = issuer;
        }

        ledger["occurredAt"] = FormatInstant(entry.Metadata.OccurredAt);
        return new JsonObject
        {
            ["eventType"] = entry.EventType,
            ["event"] = entry.EventData.DeepClone(),
            ["ledger"] = ledger,
        };
    }

    /// <exception cref="StatementFormatException">A field is missing or has the wrong type.</exception>
    public static LedgerPredicate Read(JsonObject predicate)
    {
        string eventType = RequiredString(predicate, "eventType", "predicate");
        if (predicate["event"] is not JsonObject eventData)
        {
            throw new StatementFormatException("predicate.event must be a JSON object.");
        }

        if (predicate["ledger"] is not JsonObject ledger)
        {
            throw new StatementFormatException("predicate.ledger must be a JSON object.");
        }

        string streamId = RequiredString(ledger, "streamId", "predicate.ledger");
        long streamVersion = RequiredInteger(ledger, "streamVersion", "predicate.ledger");
        string? previous = OptionalString(ledger, "previousEntryHash", "predicate.ledger");
        string actor = RequiredString(ledger, "actor", "predicate.ledger");
        string? actorIssuer = ledger.ContainsKey("actorIssuer") ? RequiredString(ledger, "actorIssuer", "predicate.ledger") : null;
        if (actorIssuer is { Length: 0 })
        {
            throw new StatementFormatException("predicate.ledger.actorIssuer must not be empty.");
        }

        string occurredAtText = RequiredString(ledger, "occurredAt", "predicate.ledger");
        if (!DateTimeOffset.TryParseExact(occurredAtText, "O", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var occurredAt))
        {
            throw new StatementFormatException($"predicate.ledger.occurredAt '{occurredAtText}' is not an ISO 8601 round-trip (\"O\") timestamp.");
        }

        return new LedgerPredicate(eventType, eventData, streamId, streamVersion, previous, actor, actorIssuer, occurredAt);
    }

    private static string RequiredString(JsonObject parent, string name, string where) =>
        OptionalString(parent, name, where) ?? throw new StatementFormatException($"{where}.{name} must be a string, not null.");

    private static string? OptionalString(JsonObject parent, string name, string where)
    {
        if (!parent.TryGetPropertyValue(name, out var node))
        {
            throw new StatementFormatException($"{where}.{name} is missing.");
        }

        return node switch
        {
            null => null,
            JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
            _ => throw new StatementFormatException($"{where}.{name} must be a string, not {node.GetValueKind()}."),
        };
    }

    private static long RequiredInteger(JsonObject parent, string name, string where)
    {
        if (!parent.TryGetPropertyValue(name, out var node) || node is not JsonValue value
            || value.GetValueKind() != JsonValueKind.Number || !value.TryGetValue(out long number))
        {
            throw new StatementFormatException($"{where}.{name} must be an integer.");
        }

        return number;
    }
}
