using MlLedger.Api.Keys;
using MlLedger.Integrity.Checkpoints;
using MlLedger.Integrity.Merkle;
using MlLedger.Integrity.Signing;

namespace MlLedger.Api.Log;

/// <summary>
/// Signs a checkpoint whenever the sequenced tree has grown, at most once per <see cref="LogSettings.CheckpointInterval"/>.
/// What it signs never rests on the log's tables alone:
/// <list type="bullet">
/// <item>the latest stored checkpoint is only taken as such once its signature verifies, and it must extend the
/// checkpoint this ledger remembers signing (<see cref="CheckpointMemory"/>, outside the database);</item>
/// <item>the tree up to it comes from the stored subtree hashes, which must hash to its signed root;</item>
/// <item>every leaf since is rebuilt from the signed envelope of its stored entry.</item>
/// </list>
/// A log that was truncated, rewritten or wiped in the database is never signed over; the refusal is logged as an
/// error and shown by <c>/readyz</c>.
/// </summary>
internal sealed partial class CheckpointIssuer(
    LogStore log, LogProofs proofs, LedgerKeys keys, LogSettings settings, CheckpointMemory memory, TimeProvider clock,
    ILogger<CheckpointIssuer> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.CheckpointInterval, clock);
        do
        {
            try
            {
                await IssueIfGrown(stoppingToken);
                LastRefusal = null;
            }
            catch (LogIntegrityException e)
            {
                LastRefusal = e.Message;
                LogIssueFailed(logger, e);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogIssueFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Why the last attempt refused to sign (the stored log contradicts a signed checkpoint), or null.</summary>
    public string? LastRefusal { get; private set; }

    /// <summary>Signs and stores a checkpoint of the current tree if it is larger than the latest one; returns it, or null.</summary>
    /// <exception cref="LogIntegrityException">The stored log contradicts what the ledger signed before.</exception>
    public async Task<StoredCheckpoint?> IssueIfGrown(CancellationToken ct)
    {
        var trusted = keys.Current.Trusted;
        // the latest checkpoint first: the tree only grows, so a state read after it is at least as large, even when
        // another node signs a checkpoint in between
        var remembered = memory.Read(); // before the latest stored checkpoint: another node may remember a newer one meanwhile
        var stored = await log.LatestCheckpoint(ct);
        var latest = stored is null ? null : Verified(stored.Note, trusted, $"stored as size {stored.TreeSize}");
        if (latest is not null && latest.Size != stored!.TreeSize)
        {
            throw new LogIntegrityException($"The checkpoint stored as size {stored.TreeSize} signs size {latest.Size}: the table was edited.");
        }

        await RequireRemembered(remembered, latest, trusted, ct);
        var state = await log.State(ct);
        var from = latest?.Size ?? 0;
        if (state.Size <= from)
        {
            return state.Size == from
                ? null
                : throw new LogIntegrityException($"The log has {state.Size} leaves but checkpoint {from} was signed: it was truncated.");
        }

        var range = await Prefix(latest, ct);
        var previousSeq = from == 0 ? 0 : await log.SequenceAt(from - 1, ct) ?? 0;
        await foreach (var (index, seq, storedLeafHash, envelopeJson) in log.Leaves(from, state.Size, ct))
        {
            if (index != range.Size)
            {
                throw new LogIntegrityException($"Leaf {range.Size} is missing from the log.");
            }

            // leaves follow the entries' sequence order, each entry once
            if (seq <= previousSeq)
            {
                throw new LogIntegrityException($"Leaf {index} holds entry {seq}, which does not follow entry {previousSeq} of the leaf before.");
            }

            previousSeq = seq;
            var leaf = LedgerLeaves.Rebuild(trusted, envelopeJson, out var why);
            if (leaf is null && !ReferenceEquals(keys.Current.Trusted, trusted))
            {
                // the keys were rotated since this attempt began: the entry may be signed by the new key
                trusted = keys.Current.Trusted;
                leaf = LedgerLeaves.Rebuild(trusted, envelopeJson, out why);
            }

            if (leaf is null)
            {
                throw new LogIntegrityException($"Leaf {index} cannot be rebuilt from its entry: {why}.");
            }

            var leafHash = MerkleHash.Leaf(leaf);
            if (storedLeafHash is null || !leafHash.AsSpan().SequenceEqual(storedLeafHash))
            {
                throw new LogIntegrityException($"The stored hash of leaf {index} is not the hash of its entry.");
            }

            range.Append(leafHash);
        }

        if (range.Size != state.Size)
        {
            throw new LogIntegrityException($"The log state says {state.Size} leaves, but leaves stop at {range.Size}.");
        }

        var root = range.Root();
        if (!root.AsSpan().SequenceEqual(CompactRange.FromHashes(state.Size, state.Frontier).Root()))
        {
            throw new LogIntegrityException($"The sequencer's state of {state.Size} leaves does not hash to the tree of its entries.");
        }

        var signer = keys.Current.Ring.Active;
        var note = CheckpointNotes.Sign(new Checkpoint(settings.Origin, state.Size, root, []), signer);
        var issued = new StoredCheckpoint(state.Size, root, note, signer.KeyId, clock.GetUtcNow());
        var inserted = await log.InsertCheckpoint(issued, ct);
        memory.Remember(note, state.Size, remembered => Checkpoint.Parse(SignedNote.Parse(remembered).Text).Size);
        return inserted ? issued : null;
    }

    /// <summary>The checkpoint this ledger remembers signing must still be in the log: the latest stored one extends it.</summary>
    private async Task RequireRemembered(string? note, Checkpoint? latest, TrustedKeys trusted, CancellationToken ct)
    {
        if (note is null)
        {
            return;
        }

        var remembered = Verified(note, trusted, $"remembered in {CheckpointMemory.FileName}");
        if (latest is null || latest.Size < remembered.Size)
        {
            throw new LogIntegrityException(
                $"This ledger signed checkpoint {remembered.Size}, but the database's latest is {latest?.Size.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}: " +
                "checkpoints were removed or the log was replaced.");
        }

        if (latest.Size == remembered.Size)
        {
            if (!latest.RootHash.AsSpan().SequenceEqual(remembered.RootHash))
            {
                throw new LogIntegrityException($"The stored checkpoint {latest.Size} has another root than the one this ledger signed: a fork.");
            }

            return;
        }

        try
        {
            var proof = await proofs.Consistency(remembered.Size, latest.Size, ct);
            MerkleVerifier.VerifyConsistency(remembered.Size, latest.Size, proof.Hashes, remembered.RootHash, latest.RootHash);
        }
        catch (Exception e) when (e is MerkleProofException or ProofRefusedException)
        {
            throw new LogIntegrityException(
                $"The stored log does not extend checkpoint {remembered.Size}, which this ledger signed: {e.Message}", e);
        }
    }

    /// <summary>The tree of the latest checkpoint's leaves, from its stored frontier, which must hash to its signed root.</summary>
    private async Task<CompactRange> Prefix(Checkpoint? latest, CancellationToken ct)
    {
        if (latest is null || latest.Size == 0)
        {
            return CompactRange.Empty();
        }

        var frontier = await log.Frontier(latest.Size, ct)
                       ?? throw new LogIntegrityException($"Subtree hashes of the first {latest.Size} leaves are missing.");
        var range = CompactRange.FromHashes(latest.Size, frontier);
        return range.Root().AsSpan().SequenceEqual(latest.RootHash)
            ? range
            : throw new LogIntegrityException(
                $"The stored subtree hashes of the first {latest.Size} leaves do not give the root that checkpoint {latest.Size} signed: " +
                "the log was rewritten.");
    }

    /// <summary>
    /// The last note verified, so that a tick on an unchanged log (the latest and the remembered checkpoint are
    /// usually the same note) does not verify it again. Keys are only ever added, so a note stays verified.
    /// </summary>
    private VerifiedCheckpoint? _lastVerified;

    private Checkpoint Verified(string note, TrustedKeys trusted, string what)
    {
        if (_lastVerified is { } last && string.Equals(last.Note, note, StringComparison.Ordinal))
        {
            return last.Checkpoint;
        }

        try
        {
            var checkpoint = CheckpointNotes.Verify(note, settings.Origin, trusted.All.Select(k => k.Key));
            _lastVerified = new VerifiedCheckpoint(note, checkpoint); // one reference: safe to read from another call
            return checkpoint;
        }
        catch (Exception e) when (e is NoteVerificationException or FormatException)
        {
            throw new LogIntegrityException($"The checkpoint {what} does not verify: {e.Message}", e);
        }
    }

    private sealed record VerifiedCheckpoint(string Note, Checkpoint Checkpoint);

    [LoggerMessage(Level = LogLevel.Error, Message = "No checkpoint was issued")]
    private static partial void LogIssueFailed(ILogger logger, Exception error);
}

/// <summary>The stored log contradicts what the ledger signed before: it was tampered with.</summary>
public sealed class LogIntegrityException : Exception
{
    public LogIntegrityException(string message) : base(message)
    {
    }

    public LogIntegrityException(string message, Exception inner) : base(message, inner)
    {
    }
}
