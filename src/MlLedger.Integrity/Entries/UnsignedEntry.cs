using System.Text.Json.Nodes;
using MlLedger.Integrity.Statements;

namespace MlLedger.Integrity.Entries;

/// <summary>
/// Ledger metadata signed into every entry. <see cref="PreviousEntryHash"/> is null for stream version 1. The actor is
/// the token's subject; <see cref="ActorIssuer"/> is the issuer of that token (entries sealed before issuers were
/// recorded have none).
/// </summary>
public sealed record EntryMetadata(string StreamId, long StreamVersion, string? PreviousEntryHash, string Actor, DateTimeOffset OccurredAt)
{
    public string? ActorIssuer { get; init; }
}

/// <summary>An event about to become a signed ledger entry.</summary>
public sealed record UnsignedEntry(string EventType, JsonObject EventData, StatementSubject Subject, EntryMetadata Metadata);
