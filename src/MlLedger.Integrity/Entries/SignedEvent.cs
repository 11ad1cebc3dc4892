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
    /// <exception cref="StatementFormatException">The payload is not a ledger entry's statement.</exception>
    public static SignedEvent Read(DsseEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var statement = InTotoStatement.Parse(envelope.Payload);
        var predicate = LedgerPredicate.Read(statement.Predicate);
        return new SignedEvent(predicate.EventType, predicate.Event, predicate.StreamId, predicate.StreamVersion, predicate.Actor, predicate.OccurredAt);
    }
}
