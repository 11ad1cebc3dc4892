using System.Text;
using MlLedger.Integrity.Signing;

namespace MlLedger.Integrity.Checkpoints;

public static class NoteSigner
{
    /// <summary>
    /// Signs <paramref name="text"/> as a note by <paramref name="name"/> with the ledger's ECDSA key (type 0x02):
    /// key hash = SHA-256(SPKI DER)[:4], signature = DER ECDSA-SHA256 over the UTF-8 text.
    /// Returns the whole serialized note.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The text does not end in '\n', is invalid Unicode or holds a control character; or the name is not a valid key name.
    /// </exception>
    public static string SignEcdsa(string text, string name, LedgerSigningKey key)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(key);
        if (!text.EndsWith('\n') || !NoteSyntax.IsValidNoteText(text))
        {
            throw new ArgumentException("Note text must be valid text with no control character but '\\n', ending with '\\n'.", nameof(text));
        }

        var verifier = NoteVerifierKey.ForEcdsa(name, key.PublicKey);
        byte[] signature = key.SignDer(Encoding.UTF8.GetBytes(text));
        return new SignedNote(text, [new NoteSignature(name, verifier.KeyHash, signature)]).Serialize();
    }
}
