using MlLedger.Integrity.Dsse;
using MlLedger.Integrity.Signing;
using MlLedger.Integrity.Statements;

namespace MlLedger.Integrity.Entries;

/// <summary>
/// Turns an event into a signed ledger entry. This is the only code that signs ledger entries, and it
/// only ever signs with the key ring's active key.
/// </summary>
public sealed class EntrySealer
{
    private readonly KeyRing _keys;

    public EntrySealer(KeyRing keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys = keys;
    }

    /// <exception cref="ArgumentException">
    /// The entry is incomplete (empty event type, stream id or actor; stream version below 1; a previous
    /// entry hash or subject digest that is not 64 lowercase hex), or it occurred before the active key
    /// became valid, so it could never verify.
    /// </exception>
    public SealedEntry Seal(UnsignedEntry entry)
    {
        Validate(entry);

        var active = _keys.Active;
        var statement = new Statement(
            [entry.Subject],
            EventPredicateTypes.For(entry.EventType),
            LedgerPredicate.Build(entry));
        byte[] payload = InTotoStatement.Serialize(statement);
        byte[] signature = active.SignDer(Pae.Encode(InTotoStatement.PayloadType, payload));

        var envelope = new DsseEnvelope(InTotoStatement.PayloadType, payload, [new DsseSignature(active.KeyId, signature)]);
        byte[] leaf = LeafBody.Build(envelope, active.PublicKey);
        return new SealedEntry(envelope, active.KeyId, leaf, LeafBody.Hash(leaf));
    }

    private void Validate(UnsignedEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentException.ThrowIfNullOrWhiteSpace(entry.EventType, nameof(entry));
        ArgumentNullException.ThrowIfNull(entry.EventData, nameof(entry));
        ArgumentNullException.ThrowIfNull(entry.Subject, nameof(entry));
        ArgumentNullException.ThrowIfNull(entry.Metadata, nameof(entry));

        var metadata = entry.Metadata;
        ArgumentException.ThrowIfNullOrWhiteSpace(metadata.StreamId, nameof(entry));
        ArgumentException.ThrowIfNullOrWhiteSpace(metadata.Actor, nameof(entry));
        if (metadata.ActorIssuer is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(metadata.ActorIssuer, nameof(entry));
        }

        if (entry.EventType.Any(char.IsWhiteSpace) || entry.EventType.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Event type '{entry.EventType}' must not contain whitespace or '/'.", nameof(entry));
        }

        if (metadata.StreamVersion < 1)
        {
            throw new ArgumentException($"Stream versions start at 1; got {metadata.StreamVersion}.", nameof(entry));
        }

        if (metadata.PreviousEntryHash is { } previous && !Sha256Hex.IsValid(previous))
        {
            throw new ArgumentException($"Previous entry hash must be 64 lowercase hex characters, got '{previous}'.", nameof(entry));
        }

        if (entry.Subject.Name is null || !Sha256Hex.IsValid(entry.Subject.Sha256))
        {
            throw new ArgumentException($"Subject sha256 must be 64 lowercase hex characters, got '{entry.Subject.Sha256}'.", nameof(entry));
        }

        var activeEntry = _keys.Keys[0];
        if (!activeEntry.IsValidAt(metadata.OccurredAt))
        {
            throw new ArgumentException(
                $"Entry occurred at {LedgerPredicate.FormatInstant(metadata.OccurredAt)}, before the active key {activeEntry.Key.KeyId} "
                + $"became valid at {LedgerPredicate.FormatInstant(activeEntry.ValidFrom)}; it would never verify.",
                nameof(entry));
        }
    }
}
