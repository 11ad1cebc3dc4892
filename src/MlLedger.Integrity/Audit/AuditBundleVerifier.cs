using MlLedger.Integrity.Checkpoints;
using MlLedger.Integrity.Signing;

namespace MlLedger.Integrity.Audit;

/// <summary>
/// Verifies an audit bundle offline against trusted keys: the checkpoint and any earlier checkpoints, every entry
/// (signature, statement, stored claims, stream links and versions, key validity window, event data), and the root
/// recomputed from the prefix and the entries' leaves. It reads the bundle once, on one thread, and verifies the
/// entries of each batch in parallel while the next batch is read; it keeps only the tail of each stream and the
/// compact range of the tree. It cannot be built without a trust root.
/// </summary>
public sealed class AuditBundleVerifier
{
    private readonly TrustedKeys _trusted;
    private readonly AuditVerifierOptions _options;

    public AuditBundleVerifier(TrustedKeys trusted, AuditVerifierOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(trusted);
        options ??= new AuditVerifierOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxDegreeOfParallelism, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxReportedFailures, nameof(options));
        _trusted = trusted;
        _options = options;
    }

    /// <param name="bundle">The bundle, read once from its current position; not disposed.</param>
    /// <param name="olderCheckpoint">The signed note of a checkpoint of this log that the auditor kept from before, if any.</param>
    /// <param name="progress">Receives the number of entries verified so far, once per batch.</param>
    public async Task<AuditVerification> VerifyAsync(
        Stream bundle, string? olderCheckpoint = null, IProgress<long>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var failures = new AuditFailureLog(_options.MaxReportedFailures);
        string[] skipped = _options.SkipEntrySignaturesUnsafe ? ["entry-signatures"] : [];

        AuditBundleReader reader;
        try
        {
            reader = await AuditBundleReader.OpenAsync(bundle, _options.MaxLineBytes, ct).ConfigureAwait(false);
        }
        catch (AuditBundleFormatException e)
        {
            failures.Add(Unreadable(e));
            return new AuditVerification(false, string.Empty, 0, 0, 0, 0, 0, null, null, null, failures.Count, failures.Kept, skipped);
        }

        var header = reader.Header;
        var tree = new AuditTreeChecks(header, _trusted, failures);
        var checkpoint = tree.VerifyCheckpoint();
        var since = tree.VerifySince(checkpoint);
        var older = tree.VerifyOlder(olderCheckpoint, checkpoint, since);

        var run = new EntryRun(header, _trusted, _options, failures, older is { Size: var m } && m >= header.From && m <= header.TreeSize ? m : null);
        bool complete = await run.ReadAndVerifyAsync(reader, progress, ct).ConfigureAwait(false);

        long expectedEntries = header.TreeSize - header.From;
        if (complete && run.EntriesRead != expectedEntries)
        {
            failures.Add(new AuditFailure(
                AuditFailureCodes.EntryCount,
                $"The bundle covers leaves [{header.From}, {header.TreeSize}): {expectedEntries} entries, but it holds {run.EntriesRead}.",
                Expected: expectedEntries.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Calculated: run.EntriesRead.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        CheckRoot(checkpoint, older, run, complete, tree, failures);

        return new AuditVerification(
            failures.Count == 0,
            header.Origin,
            header.From,
            header.TreeSize,
            run.EntriesRead,
            run.Streams,
            run.UncheckedLinks,
            checkpoint is null ? null : AuditTreeChecks.Hex(checkpoint.RootHash),
            since?.Size,
            older?.Size,
            failures.Count,
            failures.Kept,
            skipped);
    }

    private static void CheckRoot(Checkpoint? checkpoint, Checkpoint? older, EntryRun run, bool complete, AuditTreeChecks tree, AuditFailureLog failures)
    {
        if (checkpoint is null)
        {
            return;
        }

        string? unverifiable = !complete ? "the bundle could not be read to its end" : run.RootUnavailable;
        if (unverifiable is not null)
        {
            failures.Add(new AuditFailure(AuditFailureCodes.RootUnverifiable, $"The root cannot be recomputed: {unverifiable}."));
            return;
        }

        byte[] calculated = run.Root();
        if (!calculated.AsSpan().SequenceEqual(checkpoint.RootHash))
        {
            failures.Add(new AuditFailure(
                AuditFailureCodes.RootMismatch,
                $"The root recomputed from the prefix and {run.EntriesRead} entries is {AuditTreeChecks.Hex(calculated)}, "
                + $"the checkpoint's is {AuditTreeChecks.Hex(checkpoint.RootHash)}.",
                Expected: AuditTreeChecks.Hex(checkpoint.RootHash),
                Calculated: AuditTreeChecks.Hex(calculated)));
        }
        else if (older is not null && run.RootAtOlderSize is { } rootThen)
        {
            // the entries are now known to be the checkpoint's leaves, so the root they give at the auditor's size is the log's
            tree.CompareRoots(older, rootThen, "the bundle's entries");
        }
    }

    internal static AuditFailure Unreadable(AuditBundleFormatException e) =>
        new(e.IsTruncated ? AuditFailureCodes.Truncated : AuditFailureCodes.MalformedBundle, e.Message);
}
