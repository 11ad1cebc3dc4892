using System.Text.Json;
using System.Text.Json.Nodes;
using MlLedger.Integrity.Dsse;
using MlLedger.Integrity.Signing;
using MlLedger.Integrity.Statements;

namespace MlLedger.Integrity.Entries;

/// <summary>
/// The checks of one entry that need nothing but the entry and the trusted keys: its signature, its statement,
/// the stored claims against the signed ones, the key's validity window and the stored event data. The links
/// between entries of a stream are <see cref="StreamChain"/>'s. It holds no state of its own (public keys are
/// imported once per thread by <see cref="LedgerPublicKey.VerifyDer(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>), so one
/// instance serves any number of threads.
/// </summary>
internal sealed class EntryChecker(TrustedKeys trusted)
{
    /// <summary>
    /// signature-count, unknown-key, bad-signature. Returns the trusted key the keyid hint selected, whether or
    /// not the signature verified under it (its window is checked next, and the next link needs its leaf).
    /// With <paramref name="verify"/> false the key is looked up but the signature is not verified.
    /// </summary>
    public KeyRingEntry? CheckSignature(DsseEnvelope envelope, List<EntryFailure> failures, bool verify = true)
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

        if (!verify)
        {
            return key;
        }

        if (!Pae.TryEncode(envelope.PayloadType, envelope.Payload, out var pae))
        {
            Fail(failures, EntryFailureCodes.BadSignature,
                "Payload type is not valid Unicode, so there are no signed bytes the signature could cover.");
        }
        else if (!key.Key.VerifyDer(pae, signature.Sig))
        {
            Fail(failures, EntryFailureCodes.BadSignature, P256DerSignature.FindDefect(signature.Sig) is { } defect
                ? $"Signature is not in the one DER form a P-256 signature may take: {defect}."
                : $"Signature does not verify under key {key.Key.KeyId} over the envelope's payload type and payload.");
        }

        return key;
    }

    /// <summary>payload-type, malformed-statement, predicate-type. Returns null when there is no readable predicate.</summary>
    public static LedgerPredicate? ReadPredicate(string storedEventType, DsseEnvelope envelope, List<EntryFailure> failures)
    {
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

        string expectedType = EventPredicateTypes.For(storedEventType);
        if (!string.Equals(statement.PredicateType, expectedType, StringComparison.Ordinal))
        {
            Fail(failures, EntryFailureCodes.PredicateType,
                $"Predicate type is '{statement.PredicateType}', expected '{expectedType}' for stored event type '{storedEventType}'.");
        }

        return predicate;
    }

    /// <summary>event-type, stream-id, stream-version: the stored claims against the signed ones.</summary>
    public static void CheckClaims(string streamId, string storedEventType, long storedVersion, LedgerPredicate? predicate, List<EntryFailure> failures)
    {
        if (predicate is null)
        {
            return;
        }

        if (!string.Equals(predicate.EventType, storedEventType, StringComparison.Ordinal))
        {
            Fail(failures, EntryFailureCodes.EventType,
                $"Signed event type is '{predicate.EventType}', stored event type is '{storedEventType}'.");
        }

        if (!string.Equals(predicate.StreamId, streamId, StringComparison.Ordinal))
        {
            Fail(failures, EntryFailureCodes.StreamId,
                $"Entry was signed for stream '{predicate.StreamId}', not '{streamId}'.");
        }

        if (predicate.StreamVersion != storedVersion)
        {
            Fail(failures, EntryFailureCodes.StreamVersion,
                $"Signed stream version is {predicate.StreamVersion}, stored stream version is {storedVersion}.");
        }
    }

    /// <summary>key-not-valid-at-time.</summary>
    public static void CheckKeyWindow(KeyRingEntry? signer, LedgerPredicate? predicate, List<EntryFailure> failures)
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
    public static void CheckEventData(string? storedEventDataJson, LedgerPredicate? predicate, List<EntryFailure> failures)
    {
        if (predicate is null)
        {
            return;
        }

        JsonNode? stored;
        try
        {
            stored = JsonNode.Parse(storedEventDataJson ?? "null", nodeOptions: null, LedgerJson.StrictDocument);
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

    /// <summary>
    /// The leaf bytes of the entry, or why they cannot be rebuilt: the leaf names the signer's public key, so the
    /// envelope must carry exactly one signature by a trusted key.
    /// </summary>
    public static byte[]? TryBuildLeaf(DsseEnvelope envelope, KeyRingEntry? signer, out string? unavailable)
    {
        if (envelope.Signatures.Count != 1)
        {
            unavailable = "it does not have exactly one signature";
            return null;
        }

        if (signer is null)
        {
            unavailable = "its signing key is not trusted";
            return null;
        }

        unavailable = null;
        return LeafBody.Build(envelope, signer.Key);
    }

    internal static void Fail(List<EntryFailure> failures, string code, string message) => failures.Add(new EntryFailure(code, message));
}
