using System.Text.Json.Nodes;
using MlLedger.Integrity.Statements;

namespace MlLedger.Integrity.Entries;

/// <summary>Ledger metadata signed into every entry. <see cref="PreviousEntryHash"/> is null for stream version 1.</summary>
public sealed record EntryMetadata(string StreamId, long StreamVersion, string? PreviousEntryHash, string Actor, DateTimeOffset OccurredAt);

/// <summary>An event about to become a signed ledger entry.</summary>
public sealed record UnsignedEntry(string EventType, JsonObject EventData, StatementSubject Subject, EntryMetadata Metadata);
