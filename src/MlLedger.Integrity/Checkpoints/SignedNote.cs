using System.Buffers.Binary;
using System.Text;

namespace MlLedger.Integrity.Checkpoints;

/// <summary>One signature line of a note. <see cref="Signature"/> holds the bytes after the 4-byte key hash.</summary>
public sealed record NoteSignature(string Name, uint KeyHash, byte[] Signature)
{
    /// <summary>The signature line without its final newline: <c>— name base64(keyhash || signature)</c>.</summary>
    public string ToLine()
    {
        if (!NoteSyntax.IsValidName(Name))
        {
            throw new InvalidOperationException($"\"{Name}\" is not a valid note key name.");
        }

        ArgumentNullException.ThrowIfNull(Signature);
        var bytes = new byte[4 + Signature.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, KeyHash);
        Signature.CopyTo(bytes, 4);
        return $"{NoteSyntax.SignaturePrefix}{Name} {Convert.ToBase64String(bytes)}";
    }
}

/// <summary>
/// A C2SP signed note, parsed but not verified: the text (ending in '\n'), a blank line, then one or more
/// signature lines. Use <see cref="Notes.Open"/> to verify.
/// </summary>
public sealed record SignedNote(string Text, IReadOnlyList<NoteSignature> Signatures)
{
    /// <exception cref="FormatException">
    /// Invalid Unicode or a control character; no blank line before the signatures; a line of the signature
    /// block that is not <c>— name base64</c>; a signature shorter than 5 bytes; more than 100 signatures.
    /// </exception>
    public static SignedNote Parse(string note)
    {
        ArgumentNullException.ThrowIfNull(note);
        if (!NoteSyntax.IsValidNoteText(note))
        {
            throw new FormatException("Note is not valid Unicode text or contains a control character other than newline.");
        }

        int split = note.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0)
        {
            throw new FormatException("Note has no blank line before its signatures.");
        }

        string text = note[..(split + 1)];
        string block = note[(split + 2)..];
        if (block.Length == 0 || !block.EndsWith('\n'))
        {
            throw new FormatException("Note signature block is empty or does not end with a newline.");
        }

        string[] lines = block[..^1].Split('\n');
        if (lines.Length > NoteSyntax.MaxSignatures)
        {
            throw new FormatException($"Note has {lines.Length} signature lines; at most {NoteSyntax.MaxSignatures} are read.");
        }

        return new SignedNote(text, Array.AsReadOnly(Array.ConvertAll(lines, ParseSignatureLine)));
    }

    /// <summary>The note as sent: text, blank line, one line per signature.</summary>
    /// <exception cref="InvalidOperationException">The text does not end in '\n', or there is no signature.</exception>
    public string Serialize()
    {
        if (!Text.EndsWith('\n') || !NoteSyntax.IsValidNoteText(Text))
        {
            throw new InvalidOperationException("Note text must be valid text ending with a newline.");
        }

        if (Signatures is not { Count: > 0 })
        {
            throw new InvalidOperationException("A signed note needs at least one signature.");
        }

        var note = new StringBuilder(Text).Append('\n');
        foreach (var signature in Signatures)
        {
            note.Append(signature.ToLine()).Append('\n');
        }

        return note.ToString();
    }

    private static NoteSignature ParseSignatureLine(string line)
    {
        if (!line.StartsWith(NoteSyntax.SignaturePrefix, StringComparison.Ordinal))
        {
            throw new FormatException($"Note signature line does not start with \"{NoteSyntax.SignaturePrefix}\": \"{line}\".");
        }

        string rest = line[NoteSyntax.SignaturePrefix.Length..];
        int space = rest.IndexOf(' ', StringComparison.Ordinal);
        string name = space < 0 ? rest : rest[..space];
        string base64 = space < 0 ? string.Empty : rest[(space + 1)..];
        if (!NoteSyntax.IsValidName(name))
        {
            throw new FormatException($"Note signature line has an invalid key name: \"{line}\".");
        }

        if (base64.Length == 0 || !CanonicalBase64.TryDecode(base64, out byte[] bytes) || bytes.Length < 5)
        {
            throw new FormatException($"Note signature by \"{name}\" is not standard base64 of a key hash and a signature.");
        }

        return new NoteSignature(name, BinaryPrimitives.ReadUInt32BigEndian(bytes), bytes[4..]);
    }
}
