namespace MlLedger.Integrity.Checkpoints;

/// <summary>The text of a note and the names of the known keys whose signatures on it verified.</summary>
public sealed record VerifiedNote(string Text, IReadOnlyList<string> VerifiedNames);

public static class Notes
{
    /// <summary>
    /// Parses <paramref name="note"/> and verifies it as golang.org/x/mod/sumdb/note Open does: a signature is
    /// checked by the known key with the same name and key hash; signatures by unknown keys are ignored; repeated
    /// signatures by one key count once (only the first is checked).
    /// </summary>
    /// <exception cref="NoteVerificationException">
    /// <see cref="NoteVerificationFailure.Malformed"/>, <see cref="NoteVerificationFailure.InvalidSignature"/> when a
    /// known key's signature fails, <see cref="NoteVerificationFailure.UnverifiedNote"/> when no known key signed.
    /// </exception>
    /// <exception cref="ArgumentException">Two different known keys share a name and key hash.</exception>
    public static VerifiedNote Open(string note, IEnumerable<NoteVerifierKey> known)
    {
        ArgumentNullException.ThrowIfNull(note);
        var keys = Index(known);

        SignedNote signed;
        try
        {
            signed = SignedNote.Parse(note);
        }
        catch (FormatException e)
        {
            throw new NoteVerificationException(NoteVerificationFailure.Malformed, $"Malformed note: {e.Message}", e);
        }

        var verified = new List<string>();
        var seen = new HashSet<(string, uint)>();
        foreach (var signature in signed.Signatures)
        {
            var id = (signature.Name, signature.KeyHash);
            if (!keys.TryGetValue(id, out var key) || !seen.Add(id))
            {
                continue;
            }

            if (!key.Verify(signed.Text, signature.Signature))
            {
                throw new NoteVerificationException(
                    NoteVerificationFailure.InvalidSignature,
                    $"The signature by {signature.Name}+{signature.KeyHash:x8} does not verify.");
            }

            verified.Add(signature.Name);
        }

        if (verified.Count == 0)
        {
            throw new NoteVerificationException(
                NoteVerificationFailure.UnverifiedNote,
                $"No signature by a known key (signed by: {string.Join(", ", signed.Signatures.Select(s => $"{s.Name}+{s.KeyHash:x8}").Distinct())}).");
        }

        return new VerifiedNote(signed.Text, verified.AsReadOnly());
    }

    private static Dictionary<(string, uint), NoteVerifierKey> Index(IEnumerable<NoteVerifierKey> known)
    {
        ArgumentNullException.ThrowIfNull(known);
        var keys = new Dictionary<(string, uint), NoteVerifierKey>();
        foreach (var key in known)
        {
            ArgumentNullException.ThrowIfNull(key, nameof(known));
            if (keys.TryGetValue((key.Name, key.KeyHash), out var other)
                && !string.Equals(other.ToVkey(), key.ToVkey(), StringComparison.Ordinal))
            {
                throw new ArgumentException($"Two known keys are named {key.Name}+{key.KeyHash:x8}; a signature could not tell them apart.", nameof(known));
            }

            keys[(key.Name, key.KeyHash)] = key;
        }

        return keys;
    }
}
