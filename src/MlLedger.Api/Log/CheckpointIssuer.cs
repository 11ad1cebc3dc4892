using MlLedger.Api.Keys;
using MlLedger.Integrity.Checkpoints;
using MlLedger.Integrity.Merkle;

namespace MlLedger.Api.Log;

/// <summary>
/// Signs a checkpoint whenever the sequenced tree has grown, at most once per <see cref="LogSettings.CheckpointInterval"/>.
/// Before signing it proves, from the stored subtree hashes, that the new tree extends the last checkpoint it
/// signed (a consistency proof checked against that checkpoint's signed root): a log that was truncated or
/// rewritten in the database is never signed over, and the refusal is logged as an error.
/// </summary>
internal sealed partial class CheckpointIssuer(
    LogStore log, LogProofs proofs, LedgerKeys keys, LogSettings settings, TimeProvider clock, ILogger<CheckpointIssuer> logger)
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
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogIssueFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Signs and stores a checkpoint of the current tree if it is larger than the latest one; returns it, or null.</summary>
    /// <exception cref="LogIntegrityException">The stored tree does not extend the latest signed checkpoint.</exception>
    public async Task<StoredCheckpoint?> IssueIfGrown(CancellationToken ct)
    {
        var state = await log.State(ct);
        var latest = await log.LatestCheckpoint(ct);
        if (latest is not null && state.Size <= latest.TreeSize)
        {
            return state.Size == latest.TreeSize
                ? null
                : throw new LogIntegrityException($"The log has {state.Size} leaves but checkpoint {latest.TreeSize} was signed: it was truncated.");
        }

        var root = CompactRange.FromHashes(state.Size, state.Frontier).Root();
        if (latest is { TreeSize: > 0 })
        {
            await RequireExtends(latest, state.Size, root, ct);
        }

        var signer = keys.Current.Ring.Active;
        var note = CheckpointNotes.Sign(new Checkpoint(settings.Origin, state.Size, root, []), signer);
        var issued = new StoredCheckpoint(state.Size, root, note, signer.KeyId, clock.GetUtcNow());
        return await log.InsertCheckpoint(issued, ct) ? issued : null;
    }

    private async Task RequireExtends(StoredCheckpoint latest, long size, byte[] root, CancellationToken ct)
    {
        Checkpoint signed;
        try
        {
            signed = CheckpointNotes.Verify(latest.Note, settings.Origin, keys.Current.Trusted.All.Select(k => k.Key));
        }
        catch (Exception e) when (e is NoteVerificationException or FormatException)
        {
            throw new LogIntegrityException($"The stored checkpoint {latest.TreeSize} does not verify: {e.Message}", e);
        }

        try
        {
            var proof = await proofs.Consistency(signed.Size, size, ct);
            MerkleVerifier.VerifyConsistency(signed.Size, size, proof.Hashes, signed.RootHash, root);
        }
        catch (Exception e) when (e is MerkleProofException or ProofRefusedException)
        {
            throw new LogIntegrityException(
                $"The stored tree of {size} leaves does not extend the signed checkpoint {signed.Size}: {e.Message}", e);
        }
    }

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
