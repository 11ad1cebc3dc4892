using System.Text.Json.Nodes;
using MlLedger.Api.Storage;
using MlLedger.Integrity.Audit;
using MlLedger.Integrity.Entries;

namespace MlLedger.Api.Ledger;

/// <summary>
/// What every entry must be before it is appended, whichever endpoint or background task writes it: its event's values
/// within <see cref="StorableValues"/> (request bodies were checked already; this also covers what the ledger derives,
/// such as the facts a policy decision records), and its line in an audit bundle no longer than the offline verifier
/// reads (<see cref="AuditBundleReader.DefaultMaxLineBytes"/>), counted with the stored event as PostgreSQL gives it back.
/// So no write the ledger accepts can make an export unverifiable.
/// </summary>
internal static class EntryBounds
{
    /// <summary>The verifier's line limit; every accepted entry's line stays below it.</summary>
    public const long MaxLineBytes = AuditBundleReader.DefaultMaxLineBytes;

    /// <exception cref="UnstorableValues">A value of the event cannot be stored within bounds.</exception>
    public static void CheckValues(JsonObject data)
    {
        var problems = new Dictionary<string, string[]>(StringComparer.Ordinal);
        StorableValues.Check(data, "", problems, StorableValues.MaxProblems);
        if (problems.Count > 0)
        {
            throw new UnstorableValues(problems);
        }
    }

    /// <exception cref="EntryTooLarge">The entry's audit bundle line could be longer than the verifier reads.</exception>
    public static void CheckSize(string streamId, string eventType, JsonObject data, SealedEntry entry)
    {
        long line = LineBound(streamId, eventType, data, entry.Envelope.Payload.Length);
        if (line > MaxLineBytes)
        {
            throw new EntryTooLarge(eventType, streamId, line);
        }
    }

    /// <summary>
    /// At most the bytes of the entry's audit bundle line: the stored event escaped into a string, the payload in base64,
    /// the stream id and event type escaped, and a fixed allowance for the numbers, the signature and the field names.
    /// </summary>
    public static long LineBound(string streamId, string eventType, JsonObject data, int payloadBytes) =>
        1024 + 6L * (streamId.Length + eventType.Length) + JsonbText.LengthInJsonString(data) + 4L * ((payloadBytes + 2) / 3);
}

/// <summary>Values of an event that cannot be stored within bounds: 400 naming each.</summary>
internal sealed class UnstorableValues(IReadOnlyDictionary<string, string[]> problems)
    : Exception($"values that cannot be stored: {string.Join(", ", problems.Keys)}")
{
    public IReadOnlyDictionary<string, string[]> Problems { get; } = problems;
}

/// <summary>The entry a write would append is too large for an audit bundle line: 422, nothing stored.</summary>
internal sealed class EntryTooLarge(string eventType, string streamId, long lineBound) : Exception(
    $"The {eventType} entry this write would append to {streamId} could take {lineBound / (1024 * 1024)} MiB in an audit bundle, " +
    $"over the ledger's limit of {EntryBounds.MaxLineBytes / (1024 * 1024)} MiB per entry, so nothing was recorded.");
