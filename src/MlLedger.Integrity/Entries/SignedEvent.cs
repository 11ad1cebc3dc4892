using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlLedger.Integrity.Dsse;
using MlLedger.Integrity.Statements;

namespace MlLedger.Integrity.Entries;

/// <summary>
/// The event of an entry as its envelope's payload states it: what the signature covers and the log commits to.
/// Reading it checks the statement's shape only; whether a ledger key signed it is the verifier's question.
/// </summary>
public sealed record SignedEvent(string EventType, JsonObject Event, string StreamId, long StreamVersion, string Actor, DateTimeOffset OccurredAt)
{
    /// <summary>The issuer of the actor's token; null in entries sealed before issuers were recorded.</summary>
    public string? ActorIssuer { get; init; }

    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false, MaxDepth = 64 };

    /// <exception cref="StatementFormatException">The payload is not a ledger entry's statement.</exception>
    public static SignedEvent Read(DsseEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var statement = InTotoStatement.Parse(envelope.Payload);
        var predicate = LedgerPredicate.Read(statement.Predicate);
        return new SignedEvent(predicate.EventType, predicate.Event, predicate.StreamId, predicate.StreamVersion, predicate.Actor, predicate.OccurredAt)
        {
            ActorIssuer = predicate.ActorIssuer,
        };
    }

    /// <summary>
    /// The event deserialised straight from the payload into the type <paramref name="typeOf"/> names for its event type,
    /// with the ledger metadata; no object model of the statement is built (reports read thousands of entries).
    /// Duplicate properties are refused, as by <see cref="Read"/>.
    /// </summary>
    /// <exception cref="StatementFormatException">The payload is not a ledger entry's statement, or its event does not deserialise.</exception>
    public static (object Event, SignedEventInfo Info) ReadTyped(DsseEnvelope envelope, Func<string, Type?> typeOf, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(typeOf);
        try
        {
            using var document = JsonDocument.Parse(envelope.Payload, Strict);
            var root = document.RootElement;
            if (String(root, "_type") != InTotoStatement.Type || !root.TryGetProperty("predicate", out var predicate) ||
                predicate.ValueKind != JsonValueKind.Object || !predicate.TryGetProperty("ledger", out var ledger) || ledger.ValueKind != JsonValueKind.Object ||
                !predicate.TryGetProperty("event", out var data) || data.ValueKind != JsonValueKind.Object)
            {
                throw new StatementFormatException("The payload is not a ledger entry's statement.");
            }

            var eventType = String(predicate, "eventType") ?? throw new StatementFormatException("predicate.eventType is missing.");
            var type = typeOf(eventType) ?? throw new StatementFormatException($"Event type '{eventType}' is not one the ledger knows.");
            var occurredText = String(ledger, "occurredAt");
            if (occurredText is null ||
                !DateTimeOffset.TryParseExact(occurredText, "O", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var occurredAt))
            {
                throw new StatementFormatException("predicate.ledger.occurredAt is not an ISO 8601 round-trip timestamp.");
            }

            var info = new SignedEventInfo(
                eventType,
                String(ledger, "streamId") ?? throw new StatementFormatException("predicate.ledger.streamId is missing."),
                ledger.TryGetProperty("streamVersion", out var version) && version.ValueKind == JsonValueKind.Number && version.TryGetInt64(out var v)
                    ? v : throw new StatementFormatException("predicate.ledger.streamVersion is missing."),
                String(ledger, "actor") ?? throw new StatementFormatException("predicate.ledger.actor is missing."),
                occurredAt)
            {
                ActorIssuer = ledger.TryGetProperty("actorIssuer", out var issuer)
                    ? issuer.ValueKind == JsonValueKind.String && issuer.GetString() is { Length: > 0 } name
                        ? name : throw new StatementFormatException("predicate.ledger.actorIssuer must be a non-empty string.")
                    : null,
            };
            var value = data.Deserialize(type, options) ?? throw new StatementFormatException("predicate.event is null.");
            return (value, info);
        }
        catch (JsonException e)
        {
            throw new StatementFormatException($"The statement cannot be read: {e.Message}");
        }
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>The ledger metadata an entry's statement carries beside its event.</summary>
public sealed record SignedEventInfo(string EventType, string StreamId, long StreamVersion, string Actor, DateTimeOffset OccurredAt)
{
    /// <summary>The issuer of the actor's token; null in entries sealed before issuers were recorded.</summary>
    public string? ActorIssuer { get; init; }
}
