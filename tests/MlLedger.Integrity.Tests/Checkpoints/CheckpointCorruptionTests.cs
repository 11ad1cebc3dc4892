using System.Text;
using MlLedger.Integrity.Checkpoints;
using MlLedger.Integrity.Signing;
using MlLedger.Integrity.Tests.Signing;
using static MlLedger.Integrity.Checkpoints.NoteVerificationFailure;

namespace MlLedger.Integrity.Tests.Checkpoints;

/// <summary>A checkpoint signed with a fresh key, then a family of named corruptions of the signed note.</summary>
public sealed class CheckpointCorruptionTests : IDisposable
{
    private const string Origin = "mlledger.test/log";

    private static readonly byte[] Root = Convert.FromHexString("5dc4e9aa0a2bc9a13f5e3bb1e2ccd79e71b4b61e1f9ab0e54f29cb2a1d0d4a6e");

    private static readonly Checkpoint Original = new(Origin, 42, Root, []);

    private readonly LedgerSigningKey _key = LedgerSigningKey.Generate();
    private readonly LedgerSigningKey _stranger = LedgerSigningKey.Generate();
    private readonly string _signed;

    public CheckpointCorruptionTests() => _signed = CheckpointNotes.Sign(Original, _key);

    public static TheoryData<string> Corruptions => NoteVectors.Rows(CorruptionFamily.Keys);

    public static TheoryData<string> DerFormsOfTheSignature => DerForms.Rows;

    private static Dictionary<string, (Func<string, LedgerSigningKey, string> Corrupt, NoteVerificationFailure Reason)> CorruptionFamily => new()
    {
        ["changed-size"] = ((n, _) => n.Replace("\n42\n", "\n43\n", StringComparison.Ordinal), InvalidSignature),
        ["changed-root"] = ((n, _) => n.Replace(Convert.ToBase64String(Root), Convert.ToBase64String(Flip(Root, 0, 0)), StringComparison.Ordinal), InvalidSignature),
        ["changed-origin-line"] = ((n, _) => "mlledger.test/log2" + n[Origin.Length..], InvalidSignature),
        ["extension-line-added"] = ((n, _) => n.Replace("=\n\n", "=\nextra\n\n", StringComparison.Ordinal), InvalidSignature),
        ["extra-blank-line-before-signatures"] = ((n, _) => n.Replace("=\n\n", "=\n\n\n", StringComparison.Ordinal), InvalidSignature),
        ["signature-first-byte-bit-flip"] = ((n, _) => MapSignature(n, s => Flip(s, 4, 0)), InvalidSignature),
        ["signature-middle-byte-bit-flip"] = ((n, _) => MapSignature(n, s => Flip(s, s.Length / 2, 3)), InvalidSignature),
        ["signature-last-byte-bit-flip"] = ((n, _) => MapSignature(n, s => Flip(s, s.Length - 1, 7)), InvalidSignature),
        ["truncated-signature"] = ((n, _) => MapSignature(n, s => s[..^1]), InvalidSignature),
        ["signature-with-trailing-garbage"] = ((n, _) => MapSignature(n, s => [.. s, 0]), InvalidSignature),
        ["signature-by-another-key-with-our-key-hash"] = ((n, k) => MapSignature(n, s => [.. s[..4], .. k.SignDer(Text(n))]), InvalidSignature),
        ["wrong-key-hash"] = ((n, _) => MapSignature(n, s => Flip(s, 0, 0)), UnverifiedNote),
        ["signature-by-another-key"] = ((n, k) => NoteSigner.SignEcdsa(Body(n), Origin, k), UnverifiedNote),
        ["signer-name-changed"] = ((n, _) => n.Replace("\u2014 mlledger.test/log ", "\u2014 mlledger.test/log2 ", StringComparison.Ordinal), UnverifiedNote),
        ["missing-final-newline"] = ((n, _) => n[..^1], Malformed),
        ["blank-line-after-signature"] = ((n, _) => n + "\n", Malformed),
        ["no-blank-line-before-signatures"] = ((n, _) => n.Replace("=\n\n", "=\n", StringComparison.Ordinal), Malformed),
        ["signature-line-without-dash"] = ((n, _) => n.Replace("\u2014 ", "- ", StringComparison.Ordinal), Malformed),
        ["signature-not-base64"] = ((n, _) => n[..^3] + "!=\n", Malformed),
        ["control-character-in-text"] = ((n, _) => n.Replace("\n42\n", "\n42\r\n", StringComparison.Ordinal), Malformed),
    };

    public void Dispose()
    {
        _key.Dispose();
        _stranger.Dispose();
    }

    [Fact]
    public void Signed_checkpoint_verifies_and_reads_back()
    {
        var checkpoint = CheckpointNotes.Verify(_signed, Origin, [_key.PublicKey]);

        Assert.Equal(Original, checkpoint);
        Assert.StartsWith(Original.ToBody() + "\n\u2014 mlledger.test/log ", _signed, StringComparison.Ordinal);
    }

    [Fact]
    public void Checkpoint_with_extensions_round_trips()
    {
        var withExtensions = Original with { Extensions = ["Timestamp: 1689177043498794794", "x"] };

        var checkpoint = CheckpointNotes.Verify(CheckpointNotes.Sign(withExtensions, _key), Origin, [_stranger.PublicKey, _key.PublicKey]);

        Assert.Equal(withExtensions.Extensions, checkpoint.Extensions);
    }

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void Corrupted_checkpoint_is_rejected(string corruption)
    {
        var (corrupt, reason) = CorruptionFamily[corruption];
        string corrupted = corrupt(_signed, _stranger);
        Assert.NotEqual(_signed, corrupted);

        var failure = Assert.Throws<NoteVerificationException>(() => CheckpointNotes.Verify(corrupted, Origin, [_key.PublicKey]));

        Assert.Equal(reason, failure.Reason);
    }

    /// <summary>The checkpoint signed by the ledger key, then that signature re-encoded (tcId 6's transformation and its relatives).</summary>
    [Theory]
    [MemberData(nameof(DerFormsOfTheSignature))]
    public void Checkpoint_signature_in_another_DER_form_is_rejected(string form)
    {
        var vkey = NoteVerifierKey.ForEcdsa(Origin, _key.PublicKey);
        string body = Original.ToBody();
        byte[] strict = DerForms.SignWithHighS(_key, Encoding.UTF8.GetBytes(body));
        byte[] other = DerForms.Apply(form, strict);
        string Note(byte[] der) => new SignedNote(body, [new NoteSignature(Origin, vkey.KeyHash, der)]).Serialize();

        Assert.Equal(Original, CheckpointNotes.Verify(Note(strict), Origin, [_key.PublicKey]));
        var failure = Assert.Throws<NoteVerificationException>(() => CheckpointNotes.Verify(Note(other), Origin, [_key.PublicKey]));
        Assert.Equal(InvalidSignature, failure.Reason);
        Assert.False(vkey.Verify(body, other));
    }

    [Fact]
    public void Second_signature_by_an_unknown_key_is_ignored()
    {
        string strangerLine = NoteSigner.SignEcdsa(Original.ToBody(), "witness.example", _stranger).Split('\n')[^2];
        string cosigned = _signed + strangerLine + "\n";

        var note = Notes.Open(cosigned, [NoteVerifierKey.ForEcdsa(Origin, _key.PublicKey)]);

        Assert.Equal([Origin], note.VerifiedNames);
        Assert.Equal(Original, CheckpointNotes.Verify(cosigned, Origin, [_key.PublicKey]));
        Assert.Equal(2, SignedNote.Parse(cosigned).Signatures.Count);
    }

    [Fact]
    public void Second_signature_by_a_known_key_counts_too()
    {
        string strangerLine = NoteSigner.SignEcdsa(Original.ToBody(), "witness.example", _stranger).Split('\n')[^2];
        var known = new[] { NoteVerifierKey.ForEcdsa(Origin, _key.PublicKey), NoteVerifierKey.ForEcdsa("witness.example", _stranger.PublicKey) };

        var note = Notes.Open(_signed + strangerLine + "\n", known);

        Assert.Equal([Origin, "witness.example"], note.VerifiedNames);
    }

    [Fact]
    public void Note_signed_only_by_an_unknown_key_is_unverified()
    {
        string note = NoteSigner.SignEcdsa(Original.ToBody(), "witness.example", _stranger);

        var failure = Assert.Throws<NoteVerificationException>(() => CheckpointNotes.Verify(note, Origin, [_key.PublicKey]));

        Assert.Equal(UnverifiedNote, failure.Reason);
    }

    [Fact]
    public void Checkpoint_of_another_log_signed_under_our_name_is_refused()
    {
        string note = NoteSigner.SignEcdsa((Original with { Origin = "other.example/log" }).ToBody(), Origin, _key);

        var failure = Assert.Throws<NoteVerificationException>(() => CheckpointNotes.Verify(note, Origin, [_key.PublicKey]));

        Assert.Equal(OriginMismatch, failure.Reason);
    }

    [Fact]
    public void Verifying_without_a_trusted_key_is_refused() =>
        Assert.Throws<ArgumentException>(() => CheckpointNotes.Verify(_signed, Origin, []));

    [Fact]
    public void Signing_a_root_that_is_not_sha256_is_refused() =>
        Assert.Throws<ArgumentException>(() => CheckpointNotes.Sign(Original with { RootHash = new byte[31] }, _key));

    [Fact]
    public void Signing_text_without_final_newline_is_refused() =>
        Assert.Throws<ArgumentException>(() => NoteSigner.SignEcdsa("no newline", Origin, _key));

    private static string Body(string note) => SignedNote.Parse(note).Text;

    private static byte[] Text(string note) => System.Text.Encoding.UTF8.GetBytes(Body(note));

    private static byte[] Flip(byte[] bytes, int index, int bit)
    {
        byte[] copy = (byte[])bytes.Clone();
        copy[index] ^= (byte)(1 << bit);
        return copy;
    }

    /// <summary>Rewrites the key hash and signature bytes of the (only) signature line.</summary>
    private static string MapSignature(string note, Func<byte[], byte[]> map)
    {
        int start = note.LastIndexOf(' ') + 1;
        byte[] bytes = Convert.FromBase64String(note[start..^1]);
        return note[..start] + Convert.ToBase64String(map(bytes)) + "\n";
    }
}
