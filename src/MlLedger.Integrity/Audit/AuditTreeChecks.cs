using MlLedger.Integrity.Checkpoints;
using MlLedger.Integrity.Merkle;
using MlLedger.Integrity.Signing;

namespace MlLedger.Integrity.Audit;

/// <summary>The checks of an audit bundle's header: its checkpoint, the earlier checkpoint it carries, and the auditor's own.</summary>
internal sealed class AuditTreeChecks(AuditBundleHeader header, TrustedKeys trusted, AuditFailureLog failures)
{
    private readonly List<LedgerPublicKey> _keys = [.. trusted.All.Select(k => k.Key)];

    /// <summary>The checkpoint at the header's tree size, verified; null when it does not verify.</summary>
    public Checkpoint? VerifyCheckpoint()
    {
        var checkpoint = Open(header.Checkpoint, AuditFailureCodes.CheckpointUnverified, "The bundle's checkpoint");
        if (checkpoint is not null && checkpoint.Size != header.TreeSize)
        {
            failures.Add(new AuditFailure(
                AuditFailureCodes.CheckpointSize,
                $"The checkpoint is of a tree of {checkpoint.Size} leaves, but the bundle says {header.TreeSize}.",
                Expected: Text(header.TreeSize),
                Calculated: Text(checkpoint.Size)));
        }

        return checkpoint;
    }

    /// <summary>The earlier checkpoint the bundle carries, verified, with its consistency proof to <paramref name="checkpoint"/>.</summary>
    public Checkpoint? VerifySince(Checkpoint? checkpoint)
    {
        if (header.Since is not { } since)
        {
            return null;
        }

        var earlier = Open(since.Checkpoint, AuditFailureCodes.SinceUnverified, "The bundle's earlier checkpoint");
        if (earlier is null || checkpoint is null)
        {
            return earlier;
        }

        if (earlier.Size > checkpoint.Size)
        {
            failures.Add(new AuditFailure(
                AuditFailureCodes.SinceUnverified,
                $"The bundle's earlier checkpoint is of {earlier.Size} leaves, more than the checkpoint's {checkpoint.Size}."));
            return null;
        }

        CheckConsistency(earlier, checkpoint, since.Consistency);
        return earlier;
    }

    /// <summary>
    /// The auditor's own earlier checkpoint: it must verify, be of this log and not larger than the checkpoint; at the
    /// same size its root must be the checkpoint's; below, the bundle must prove consistency from exactly its size
    /// and root (the proof itself is checked by <see cref="VerifySince"/>).
    /// </summary>
    public Checkpoint? VerifyOlder(string? olderNote, Checkpoint? checkpoint, Checkpoint? since)
    {
        if (olderNote is null)
        {
            return null;
        }

        var older = Open(olderNote, AuditFailureCodes.OlderCheckpointUnverified, "Your earlier checkpoint");
        if (older is null || checkpoint is null)
        {
            return older;
        }

        if (older.Size > checkpoint.Size)
        {
            failures.Add(new AuditFailure(
                AuditFailureCodes.OlderCheckpointUnverified,
                $"Your earlier checkpoint is of {older.Size} leaves, more than the bundle's {checkpoint.Size}: the log would have shrunk.",
                Expected: $">= {older.Size}",
                Calculated: Text(checkpoint.Size)));
            return null;
        }

        if (older.Size == checkpoint.Size)
        {
            CompareRoots(older, checkpoint.RootHash, "the bundle's checkpoint");
        }
        else if (older.Size > 0)
        {
            if (since is null || since.Size != older.Size)
            {
                failures.Add(new AuditFailure(
                    AuditFailureCodes.NoConsistencyProof,
                    $"Your checkpoint is of {older.Size} leaves, but the bundle carries "
                    + (since is null ? "no verified consistency proof" : $"a consistency proof from {since.Size} leaves")
                    + $"; ask for a bundle with a consistency proof from {older.Size}.",
                    Expected: Text(older.Size),
                    Calculated: since is null ? null : Text(since.Size)));
            }
            else
            {
                CompareRoots(older, since.RootHash, "the bundle's earlier checkpoint");
            }
        }

        return older;
    }

    /// <summary>fork-detected when the log shows another root for the size of the auditor's checkpoint.</summary>
    public void CompareRoots(Checkpoint older, ReadOnlySpan<byte> root, string where)
    {
        if (!root.SequenceEqual(older.RootHash))
        {
            failures.Add(new AuditFailure(
                AuditFailureCodes.ForkDetected,
                $"At {older.Size} leaves your checkpoint has root {Hex(older.RootHash)}, {where} {Hex(root)}: the log has forked.",
                Expected: Hex(older.RootHash),
                Calculated: Hex(root)));
        }
    }

    private void CheckConsistency(Checkpoint earlier, Checkpoint later, IReadOnlyList<byte[]> proof)
    {
        if (earlier.Size == 0)
        {
            if (proof.Count != 0)
            {
                failures.Add(new AuditFailure(
                    AuditFailureCodes.ConsistencyFailed, $"A consistency proof from the empty tree is empty; this one has {proof.Count} hashes."));
            }

            return;
        }

        try
        {
            MerkleVerifier.VerifyConsistency(earlier.Size, later.Size, proof, earlier.RootHash, later.RootHash);
        }
        catch (MerkleProofException e)
        {
            failures.Add(new AuditFailure(
                AuditFailureCodes.ConsistencyFailed,
                $"The consistency proof from {earlier.Size} to {later.Size} leaves does not hold ({e.Error}): {e.Message}",
                Expected: e.Expected is null ? null : Hex(e.Expected),
                Calculated: e.Calculated is null ? null : Hex(e.Calculated)));
        }
    }

    private Checkpoint? Open(string note, string code, string what)
    {
        try
        {
            return CheckpointNotes.Verify(note, header.Origin, _keys);
        }
        catch (Exception e) when (e is NoteVerificationException or FormatException or ArgumentException)
        {
            failures.Add(new AuditFailure(code, $"{what} does not verify as a checkpoint of \"{header.Origin}\" under a trusted key: {e.Message}"));
            return null;
        }
    }

    internal static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    private static string Text(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>The failures of one verification: the first few kept, all counted.</summary>
internal sealed class AuditFailureLog(int keep)
{
    private readonly List<AuditFailure> _kept = [];

    public long Count { get; private set; }

    public IReadOnlyList<AuditFailure> Kept => _kept.AsReadOnly();

    public void Add(AuditFailure failure)
    {
        Count++;
        if (_kept.Count < keep)
        {
            _kept.Add(failure);
        }
    }
}
