using System.Text;
using MlLedger.Integrity.Checkpoints;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace MlLedger.Integrity.Tests.Checkpoints;

/// <summary>Every note of signed_notes.json, opened with exactly the keys the vector lists.</summary>
public sealed class SignedNoteVectorTests
{
    public static TheoryData<string> NoteRows => NoteVectors.Rows(NoteVectors.Notes.Select(v => v.GetProperty("desc").GetString()!));

    [Fact]
    public void Vector_file_has_nineteen_distinctly_named_notes()
    {
        string[] names = [.. NoteVectors.Notes.Select(v => v.GetProperty("desc").GetString()!)];

        Assert.Equal(19, names.Length);
        Assert.Equal(names.Length, names.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [MemberData(nameof(NoteRows))]
    public void Note_opens_as_the_vector_says(string desc)
    {
        var vector = NoteVectors.Note(desc);
        var keys = NoteVectors.Strings(vector.GetProperty("verifierKeys")).Select(NoteVerifierKey.Parse).ToList();
        string note = vector.GetProperty("note").GetString()!;

        if (vector.GetProperty("wantVerified").GetBoolean())
        {
            var opened = Notes.Open(note, keys);

            Assert.Equal(vector.GetProperty("expectText").GetString(), opened.Text);
            Assert.Equal(NoteVectors.Strings(vector.GetProperty("expectVerifiedNames")), opened.VerifiedNames);
        }
        else
        {
            Assert.Throws<NoteVerificationException>(() => Notes.Open(note, keys));
        }
    }

    [Theory]
    [MemberData(nameof(NoteRows))]
    public void Well_formed_note_serializes_back_to_the_same_text(string desc)
    {
        string note = NoteVectors.Note(desc).GetProperty("note").GetString()!;
        SignedNote parsed;
        try
        {
            parsed = SignedNote.Parse(note);
        }
        catch (FormatException)
        {
            Assert.StartsWith("Go x/mod: malformed note #", desc, StringComparison.Ordinal);
            return;
        }

        Assert.DoesNotContain("malformed", desc, StringComparison.Ordinal);
        Assert.Equal(note, parsed.Serialize());
    }

    [Fact]
    public void Malformed_notes_fail_as_malformed_not_as_unverified()
    {
        var reasons = NoteVectors.Notes
            .Where(v => v.GetProperty("desc").GetString()!.Contains("malformed", StringComparison.Ordinal))
            .Select(v => Assert.Throws<NoteVerificationException>(() =>
                Notes.Open(v.GetProperty("note").GetString()!, NoteVectors.Strings(v.GetProperty("verifierKeys")).Select(NoteVerifierKey.Parse))).Reason)
            .ToList();

        Assert.Equal(6, reasons.Count);
        Assert.All(reasons, r => Assert.Equal(NoteVerificationFailure.Malformed, r));
    }

    [Theory]
    [InlineData("Go x/mod: no known key -> reject", NoteVerificationFailure.UnverifiedNote)]
    [InlineData("ECDSA: verifier configured with a different key name -> signature is from unknown key -> reject", NoteVerificationFailure.UnverifiedNote)]
    [InlineData("Go x/mod: corrupted signature from known key -> reject", NoteVerificationFailure.InvalidSignature)]
    // The garbage also overwrites the 4-byte key hash ("THIS" decodes to 4c81c8..), so no known key is named.
    [InlineData("ECDSA: garbage signature from known key -> reject", NoteVerificationFailure.UnverifiedNote)]
    public void Rejected_note_says_why(string desc, NoteVerificationFailure reason)
    {
        var vector = NoteVectors.Note(desc);
        var keys = NoteVectors.Strings(vector.GetProperty("verifierKeys")).Select(NoteVerifierKey.Parse);

        var failure = Assert.Throws<NoteVerificationException>(() => Notes.Open(vector.GetProperty("note").GetString()!, keys));

        Assert.Equal(reason, failure.Reason);
    }

    /// <summary>Ed25519 is deterministic: signing the text with the vector's private key gives back the exact note.</summary>
    [Fact]
    public void Ed25519_signing_with_the_vector_key_reproduces_the_note_byte_for_byte()
    {
        var vector = NoteVectors.Note("Go x/mod: single Ed25519 signature (PeterNeumann)");
        string[] skey = vector.GetProperty("signerKey").GetString()!.Split('+', 5);
        Assert.Equal(["PRIVATE", "KEY", "PeterNeumann", "c74f20a3"], skey[..4]);
        byte[] typedSeed = Convert.FromBase64String(skey[4]);
        Assert.Equal(0x01, typedSeed[0]);
        string text = vector.GetProperty("expectText").GetString()!;

        var signer = new Ed25519Signer();
        signer.Init(forSigning: true, new Ed25519PrivateKeyParameters(typedSeed, 1));
        byte[] message = Encoding.UTF8.GetBytes(text);
        signer.BlockUpdate(message, 0, message.Length);
        byte[] signature = signer.GenerateSignature();
        string note = new SignedNote(text, [new NoteSignature("PeterNeumann", 0xc74f20a3, signature)]).Serialize();

        Assert.Equal(vector.GetProperty("note").GetString(), note);
        Assert.True(NoteVerifierKey.Parse(NoteVectors.Strings(vector.GetProperty("verifierKeys"))[0]).Verify(text, signature));
    }
}
