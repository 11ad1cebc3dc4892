namespace MlLedger.Integrity.Audit;

/// <summary>
/// The outcome of verifying an audit bundle. Valid only when no check failed; <see cref="Failures"/> holds the
/// first <see cref="AuditVerifierOptions.MaxReportedFailures"/> failures and <see cref="FailureCount"/> counts them all.
/// </summary>
/// <param name="UncheckedLinks">Entries whose stream predecessor lies before the bundle's range, so their link could not be checked.</param>
/// <param name="RootHash">The root of the checkpoint (lowercase hex), when it verified.</param>
/// <param name="OlderCheckpointSize">The size of the auditor's own earlier checkpoint, when one was given and verified.</param>
/// <param name="SkippedChecks">The checks an <c>...Unsafe</c> option turned off.</param>
public sealed record AuditVerification(
    bool IsValid,
    string Origin,
    long From,
    long TreeSize,
    long EntriesRead,
    int Streams,
    long UncheckedLinks,
    string? RootHash,
    long? SinceSize,
    long? OlderCheckpointSize,
    long FailureCount,
    IReadOnlyList<AuditFailure> Failures,
    IReadOnlyList<string> SkippedChecks);

/// <summary>
/// One failed check. <see cref="Code"/> is one of <see cref="AuditFailureCodes"/> or, for an entry's own checks, of
/// <see cref="Entries.EntryFailureCodes"/>. The entry fields are set when the failure is about one entry.
/// </summary>
public sealed record AuditFailure(
    string Code,
    string Message,
    long? LogIndex = null,
    long? Seq = null,
    string? StreamId = null,
    string? Expected = null,
    string? Calculated = null);

/// <summary>Failure codes of the bundle as a whole (entries also fail with <see cref="Entries.EntryFailureCodes"/>).</summary>
public static class AuditFailureCodes
{
    /// <summary>The bundle cannot be read (a malformed line, a wrong end line, content after it); the line number is in the message.</summary>
    public const string MalformedBundle = "malformed-bundle";

    /// <summary>The log's name is not one the trusted root lists (<c>https://</c> + origin as a tlog <c>baseUrl</c>): another log under the same key.</summary>
    public const string OriginNotTrusted = "origin-not-trusted";

    /// <summary>The bundle stops before its end line.</summary>
    public const string Truncated = "truncated";

    /// <summary>The checkpoint note does not verify under a trusted key for the bundle's origin.</summary>
    public const string CheckpointUnverified = "checkpoint-unverified";

    /// <summary>The checkpoint's tree size is not the header's tree size.</summary>
    public const string CheckpointSize = "checkpoint-size";

    /// <summary>The entry's log index is not the next one, or lies beyond the checkpoint's tree size.</summary>
    public const string LogIndex = "log-index";

    /// <summary>The bundle holds another number of entries than its range [from, treeSize) calls for.</summary>
    public const string EntryCount = "entry-count";

    /// <summary>The root recomputed from the prefix and the entries is not the checkpoint's root.</summary>
    public const string RootMismatch = "root-mismatch";

    /// <summary>The root could not be recomputed (an entry's leaf cannot be rebuilt, or entries are missing).</summary>
    public const string RootUnverifiable = "root-unverifiable";

    /// <summary>The earlier checkpoint the bundle carries does not verify, or is larger than the checkpoint.</summary>
    public const string SinceUnverified = "since-unverified";

    /// <summary>A consistency proof does not prove the earlier tree a prefix of the checkpoint's tree.</summary>
    public const string ConsistencyFailed = "consistency-failed";

    /// <summary>The auditor's earlier checkpoint does not verify, is of another log, or is larger than the checkpoint.</summary>
    public const string OlderCheckpointUnverified = "older-checkpoint-unverified";

    /// <summary>The bundle carries no consistency proof from the size of the auditor's earlier checkpoint.</summary>
    public const string NoConsistencyProof = "no-consistency-proof";

    /// <summary>The log shows two different roots for one tree size: the auditor's and the bundle's.</summary>
    public const string ForkDetected = "fork-detected";
}

/// <summary>
/// How the verifier runs. Every check is on by default; the only way to turn one off is an option whose name ends
/// in <c>Unsafe</c>, and the result lists what was skipped.
/// </summary>
public sealed class AuditVerifierOptions
{
    /// <summary>Threads that verify entry signatures (default: all processors).</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Failures kept in the result; the rest are only counted.</summary>
    public int MaxReportedFailures { get; init; } = 1000;

    /// <summary>Longest line the reader accepts.</summary>
    public int MaxLineBytes { get; init; } = AuditBundleReader.DefaultMaxLineBytes;

    /// <summary>Skips the ECDSA verification of every entry's envelope (the key is still looked up, the leaf still rebuilt).</summary>
    public bool SkipEntrySignaturesUnsafe { get; init; }
}
