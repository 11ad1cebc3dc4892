using System.Text.Json;
using System.Text.Json.Nodes;
using MlLedger.Integrity.Dsse;
using MlLedger.Integrity.Signing;
using MlLedger.Integrity.Statements;

namespace MlLedger.Integrity.Entries;

/// <summary>
/// Verifies a stream of stored entries against trusted keys, entry by entry in the given order,
/// collecting every failure. Only the signed payload is trusted; the stored event type, version and
/// event data are claims checked against it, and the envelope keyid only selects the key to try.
/// </summary>
public static class StreamVerifier
{
    public static StreamVerification Verify(string streamId, IReadOnlyList<StoredEntry> entries, TrustedKeys trusted)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(trusted);

        var results = new List<EntryVerification>(entries.Count);
        var previousLeaf = PreviousLeaf.None;
        for (int i = 0; i < entries.Count; i++)
        {
            var entry = entries[i] ?? throw new ArgumentException($"entries[{i}] is null.", nameof(entries));
            var failures = new List<EntryFailure>();

            var signer = CheckSignature(entry.Envelope, trusted, failures);
            var predicate = ReadPredicate(entry, failures);
            CheckClaims(streamId, i, entry, predicate, failures);
            CheckChain(predicate, previousLeaf, failures);
            CheckKeyWindow(signer, predicate, failures);
            CheckEventData(entry, predicate, failures);

            results.Add(new EntryVerification(entry.Seq, entry.StreamVersion, failures.Count == 0, failures.AsReadOnly()));
            previousLeaf = PreviousLeaf.Of(entry, signer);
        }

        return new StreamVerification(streamId, results.TrueForAll(r => r.IsValid), results.AsReadOnly());
    }

    /// <summary>
    /// signature-count, unknown-key, bad-signature. Returns the trusted key the keyid hint selected, whether or
    /// not the signature verified under it (its window is checked next, and the next link needs its leaf).
    /// </summary>
    private static KeyRingEntry? CheckSignature(DsseEnvelope envelope, TrustedKeys trusted, List<EntryFailure> failures)
    {
        if (envelope.Signatures.Count != 1)
        {
            Fail(failures, EntryFailureCodes.SignatureCount, $"Expected exactly 1 signature, found {envelope.Signatures.Count}.");
            return null;
        }

        var signature = envelope.Signatures[0];
        var key = trusted.Find(signature.KeyId);
        if (key is null)
        {
            Fail(failures, EntryFailureCodes.UnknownKey,
                $"Key id '{signature.KeyId}' is not a trusted key; the signature cannot be verified.");
            return null;
        }

        if (!Pae.TryEncode(envelope.PayloadType, envelope.Payload, out var pae))
        {
            Fail(failures, EntryFailureCodes.BadSignature,
                "Payload type is not valid Unicode, so there are no signed bytes the signature could cover.");
        }
        else if (!key.Key.VerifyDer(pae, signature.Sig))
        {
            Fail(failures, EntryFailureCodes.BadSignature,
                $"Signature does not verify under key {key.Key.KeyId} over the envelope's payload type and payload.");
        }

        return key;
    }

    /// <summary>payload-type, malformed-statement, predicate-type. Returns null when there is no readable predicate.</summary>
    private static LedgerPredicate? ReadPredicate(StoredEntry entry, List<EntryFailure> failures)
    {
        var envelope = entry.Envelope;
        if (!string.Equals(envelope.PayloadType, InTotoStatement.PayloadType, StringComparison.Ordinal))
        {
            Fail(failures, EntryFailureCodes.PayloadType,
                $"Payload type is '{envelope.PayloadType}', expected '{InTotoStatement.PayloadType}'.");
        }

        Statement statement;
        LedgerPredicate predicate;
        try
        {
            statement = InTotoStatement.Parse(envelope.Payload);
            predicate = LedgerPredicate.Read(statement.Predicate);
        }
        catch (StatementFormatException e)
        {
            Fail(failures, EntryFailureCodes.MalformedStatement, e.Message);
            return null;
        }

        string expectedType = EventPredicateTypes.For(entry.EventType);
        if (!string.Equals(statement.PredicateType, expectedType, StringComparison.Ordinal))
        {
            Fail(failures, EntryFailureCodes.PredicateType,
                $"Predicate type is '{statement.PredicateType}', expected '{expectedType}' for stored event type '{entry.EventType}'.");
        }

        return predicate;
    }

    /// <summary>event-type, stream-id, stream-version, version-gap.</summary>
    private static void CheckClaims(string streamId, int index, StoredEntry entry, LedgerPredicate? predicate, List<EntryFailure> failures)
    {
        if (predicate is not null)
        {
            if (!string.Equals(predicate.EventType, entry.EventType, StringComparison.Ordinal))
            {
                Fail(failures, EntryFailureCodes.EventType,
                    $"Signed event type is '{predicate.EventType}', stored event type is '{entry.EventType}'.");
            }

            if (!string.Equals(predicate.StreamId, streamId, StringComparison.Ordinal))
            {
                Fail(failures, EntryFailureCodes.StreamId,
                    $"Entry was signed for stream '{predicate.StreamId}', not '{streamId}'.");
            }

            if (predicate.StreamVersion != entry.StreamVersion)
            {
                Fail(failures, EntryFailureCodes.StreamVersion,
                    $"Signed stream version is {predicate.StreamVersion}, stored stream version is {entry.StreamVersion}.");
            }
        }

        long expectedVersion = index + 1L;
        if (entry.StreamVersion != expectedVersion)
        {
            Fail(failures, EntryFailureCodes.VersionGap,
                $"Entry {index + 1} of the stream has version {entry.StreamVersion}, expected {expectedVersion}.");
        }
    }

    /// <summary>chain-broken.</summary>
    private static void CheckChain(LedgerPredicate? predicate, PreviousLeaf previous, List<EntryFailure> failures)
    {
        if (predicate is null)
        {
            return;
        }

        if (previous.IsFirst)
        {
            if (predicate.PreviousEntryHash is not null)
            {
                Fail(failures, EntryFailureCodes.ChainBroken,
                    $"The first entry of a stream must have no previous entry hash, found '{predicate.PreviousEntryHash}'.");
            }

            return;
        }

        if (previous.Hash is null)
        {
            Fail(failures, EntryFailureCodes.ChainBroken,
                $"The previous entry's leaf hash cannot be computed ({previous.Unavailable}), so the link to it cannot be checked.");
        }
        else if (!string.Equals(predicate.PreviousEntryHash, previous.Hash, StringComparison.Ordinal))
        {
            Fail(failures, EntryFailureCodes.ChainBroken,
                $"Previous entry hash is '{predicate.PreviousEntryHash ?? "null"}', expected '{previous.Hash}' (the previous entry's leaf hash).");
        }
    }

    /// <summary>key-not-valid-at-time.</summary>
    private static void CheckKeyWindow(KeyRingEntry? signer, LedgerPredicate? predicate, List<EntryFailure> failures)
    {
        if (signer is null || predicate is null || signer.IsValidAt(predicate.OccurredAt))
        {
            return;
        }

        Fail(failures, EntryFailureCodes.KeyNotValidAtTime,
            $"Entry occurred at {LedgerPredicate.FormatInstant(predicate.OccurredAt)}, outside the validity window "
            + $"{signer.DescribeWindow()} of key {signer.Key.KeyId}.");
    }

    /// <summary>event-data-mismatch: detects a direct UPDATE of the stored event row.</summary>
    private static void CheckEventData(StoredEntry entry, LedgerPredicate? predicate, List<EntryFailure> failures)
    {
        if (predicate is null)
        {
            return;
        }

        JsonNode? stored;
        try
        {
            stored = JsonNode.Parse(entry.EventDataJson ?? "null", nodeOptions: null, LedgerJson.StrictDocument);
        }
        catch (JsonException e)
        {
            Fail(failures, EntryFailureCodes.EventDataMismatch, $"Stored event data is not valid JSON: {e.Message}");
            return;
        }

        if (!JsonNode.DeepEquals(stored, predicate.Event))
        {
            Fail(failures, EntryFailureCodes.EventDataMismatch,
                $"Stored event data {stored?.ToJsonString() ?? "null"} differs from the signed event {predicate.Event.ToJsonString()}.");
        }
    }

    private static void Fail(List<EntryFailure> failures, string code, string message) => failures.Add(new EntryFailure(code, message));

    /// <summary>The leaf hash the next entry must link to, or why it cannot be known.</summary>
    private sealed record PreviousLeaf(bool IsFirst, string? Hash, string? Unavailable)
    {
        public static readonly PreviousLeaf None = new(IsFirst: true, Hash: null, Unavailable: null);

        public static PreviousLeaf Of(StoredEntry entry, KeyRingEntry? signer)
        {
            if (entry.Envelope.Signatures.Count != 1)
            {
                return new PreviousLeaf(IsFirst: false, Hash: null, Unavailable: "it does not have exactly one signature");
            }

            if (signer is null)
            {
                return new PreviousLeaf(IsFirst: false, Hash: null, Unavailable: "its signing key is not trusted");
            }

            return new PreviousLeaf(IsFirst: false, LeafBody.Hash(LeafBody.Build(entry.Envelope, signer.Key)), Unavailable: null);
        }
    }
}
