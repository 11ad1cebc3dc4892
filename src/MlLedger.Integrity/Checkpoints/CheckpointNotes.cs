using MlLedger.Integrity.Merkle;
using MlLedger.Integrity.Signing;

namespace MlLedger.Integrity.Checkpoints;

/// <summary>
/// The ledger's signed checkpoints: the note text is <see cref="Checkpoint.ToBody"/>, signed with ECDSA (type 0x02)
/// under the note name = the checkpoint origin (the configured log name).
/// </summary>
public static class CheckpointNotes
{
    /// <summary>Root hashes of the ledger's log are SHA-256.</summary>

    /// <summary>The signed note of <paramref name="checkpoint"/>.</summary>
    /// <exception cref="ArgumentException">The checkpoint cannot be written, its root is not 32 bytes, or its origin is not a valid key name.</exception>
    public static string Sign(Checkpoint checkpoint, LedgerSigningKey key)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(key);
        if (checkpoint.Describe() is { } problem)
        {
            throw new ArgumentException($"Checkpoint cannot be written: {problem}", nameof(checkpoint));
        }

        if (checkpoint.RootHash.Length != MerkleHash.Size)
        {
            throw new ArgumentException($"Checkpoint root hash has {checkpoint.RootHash.Length} bytes; expected {MerkleHash.Size}.", nameof(checkpoint));
        }

        return NoteSigner.SignEcdsa(checkpoint.ToBody(), checkpoint.Origin, key);
    }

    /// <summary>
    /// Verifies a checkpoint of the log <paramref name="origin"/>: a signature by one of <paramref name="trusted"/>
    /// under the name <paramref name="origin"/> must verify, and the checkpoint's origin line must be <paramref name="origin"/>.
    /// </summary>
    /// <exception cref="NoteVerificationException">The note is malformed, not signed by a trusted key, badly signed, or of another log.</exception>
    /// <exception cref="FormatException">The signed text is not a checkpoint with a 32-byte root hash.</exception>
    /// <exception cref="ArgumentException">No trusted key (refusing to verify without a trust root), or an invalid origin.</exception>
    public static Checkpoint Verify(string signedNote, string origin, IEnumerable<LedgerPublicKey> trusted)
    {
        ArgumentNullException.ThrowIfNull(signedNote);
        ArgumentNullException.ThrowIfNull(trusted);
        var keys = trusted.Select(k => NoteVerifierKey.ForEcdsa(origin, k ?? throw new ArgumentException("Trusted keys must not be null.", nameof(trusted)))).ToList();
        if (keys.Count == 0)
        {
            throw new ArgumentException("At least one trusted key is required: refusing to verify without a trust root.", nameof(trusted));
        }

        var note = Notes.Open(signedNote, keys);
        var checkpoint = Checkpoint.Parse(note.Text);
        if (!string.Equals(checkpoint.Origin, origin, StringComparison.Ordinal))
        {
            throw new NoteVerificationException(
                NoteVerificationFailure.OriginMismatch,
                $"The checkpoint is of the log \"{checkpoint.Origin}\", not \"{origin}\".");
        }

        if (checkpoint.RootHash.Length != MerkleHash.Size)
        {
            throw new FormatException($"Checkpoint root hash has {checkpoint.RootHash.Length} bytes; expected {MerkleHash.Size}.");
        }

        return checkpoint;
    }
}
