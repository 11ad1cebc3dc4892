namespace MlLedger.Integrity.Entries;

/// <summary>The result of verifying one stream: valid only if every entry is.</summary>
public sealed record StreamVerification(string StreamId, bool IsValid, IReadOnlyList<EntryVerification> Entries);

/// <summary>The result for one entry: every failure found, not just the first.</summary>
public sealed record EntryVerification(long Seq, long StreamVersion, bool IsValid, IReadOnlyList<EntryFailure> Failures);

/// <summary>One failed check. <see cref="Code"/> is one of <see cref="EntryFailureCodes"/>.</summary>
public sealed record EntryFailure(string Code, string Message);

/// <summary>Machine-readable failure codes of <see cref="StreamVerifier"/>, in the order the checks run.</summary>
public static class EntryFailureCodes
{
    /// <summary>The envelope does not carry exactly one signature.</summary>
    public const string SignatureCount = "signature-count";

    /// <summary>The envelope's keyid hint names no trusted key.</summary>
    public const string UnknownKey = "unknown-key";

    /// <summary>The signature does not verify over PAE(payloadType, payload) under the key the hint names.</summary>
    public const string BadSignature = "bad-signature";

    /// <summary>The payload type is not the in-toto media type.</summary>
    public const string PayloadType = "payload-type";

    /// <summary>The payload is not an in-toto Statement v1 with a ledger predicate.</summary>
    public const string MalformedStatement = "malformed-statement";

    /// <summary>The signed predicate type is not the one of the stored event type.</summary>
    public const string PredicateType = "predicate-type";

    /// <summary>The signed event type differs from the stored event type.</summary>
    public const string EventType = "event-type";

    /// <summary>The entry was signed for another stream.</summary>
    public const string StreamId = "stream-id";

    /// <summary>The signed stream version differs from the stored stream version.</summary>
    public const string StreamVersion = "stream-version";

    /// <summary>The stored versions are not 1, 2, 3, ... in list order.</summary>
    public const string VersionGap = "version-gap";

    /// <summary>The signed previous-entry hash is not the leaf hash of the entry before it.</summary>
    public const string ChainBroken = "chain-broken";

    /// <summary>The entry's occurred-at lies outside the signing key's validity window.</summary>
    public const string KeyNotValidAtTime = "key-not-valid-at-time";

    /// <summary>The stored event data is not (deep-)equal to the signed event.</summary>
    public const string EventDataMismatch = "event-data-mismatch";
}
