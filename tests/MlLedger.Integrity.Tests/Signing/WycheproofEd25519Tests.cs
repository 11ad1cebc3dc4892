using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using MlLedger.Integrity.Checkpoints;
using MlLedger.Integrity.Signing;

namespace MlLedger.Integrity.Tests.Signing;

/// <summary>
/// Wycheproof Ed25519 (Vectors/ed25519_test.json): the Ed25519 verification that note keys of type 0x01 use gives
/// each case the verdict the file states; cases whose message is UTF-8 also go through a note verifier key.
/// </summary>
public sealed class WycheproofEd25519Tests
{
    public static TheoryData<int, string> Cases => Wycheproof.Rows(Wycheproof.Ed25519);

    public static TheoryData<int, string> TextCases =>
        Wycheproof.Rows(Wycheproof.Ed25519.Where(c => Utf8(c.Value.Msg) is not null).ToDictionary());

    [Fact]
    public void Every_case_of_the_file_is_run()
    {
        Assert.Equal(151, Wycheproof.NumberOfTests(Wycheproof.Ed25519File));
        Assert.Equal(151, Wycheproof.Ed25519.Count);
        Assert.Equal(88, Wycheproof.Ed25519.Values.Count(c => c.MustVerify));
        Assert.Equal(84, TextCases.Count);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Verifier_agrees_with_the_vector(int tcId, string comment)
    {
        var c = Wycheproof.Ed25519[tcId];

        Assert.True(c.MustVerify == Ed25519Signatures.Verify(c.PublicKey, c.Msg, c.Sig), $"tcId {tcId} ({comment}): expected {c.Result}");
    }

    /// <summary>A note's text is UTF-8, so only the cases whose message is UTF-8 can be notes; the others run above on their bytes.</summary>
    [Theory]
    [MemberData(nameof(TextCases))]
    public void Note_verifier_key_agrees_with_the_vector_when_the_message_is_text(int tcId, string comment)
    {
        var c = Wycheproof.Ed25519[tcId];
        var key = NoteVerifierKey.Parse(Vkey("wycheproof.example", c.PublicKey));

        Assert.True(c.MustVerify == key.Verify(Utf8(c.Msg)!, c.Sig), $"tcId {tcId} ({comment}): expected {c.Result}");
    }

    /// <summary>RFC 8032 §5.1.7: S must be below L. S + L fits in 32 bytes and is the same residue, so it is the second form a lax verifier would accept.</summary>
    [Fact]
    public void A_valid_signature_with_S_plus_L_is_refused()
    {
        var c = Wycheproof.Ed25519.Values.First(v => v.MustVerify && v.Msg.Length > 0);
        var l = System.Numerics.BigInteger.Parse("7237005577332262213973186563042994240857116359379907606001950938285454250989", System.Globalization.CultureInfo.InvariantCulture);
        var s = new System.Numerics.BigInteger(c.Sig.AsSpan(32), isUnsigned: true, isBigEndian: false);
        byte[] sPlusL = (s + l).ToByteArray(isUnsigned: true, isBigEndian: false);
        Assert.True(sPlusL.Length <= 32);
        byte[] malleated = [.. c.Sig.AsSpan(0, 32), .. sPlusL, .. new byte[32 - sPlusL.Length]];

        Assert.True(Ed25519Signatures.Verify(c.PublicKey, c.Msg, c.Sig));
        Assert.False(Ed25519Signatures.Verify(c.PublicKey, c.Msg, malleated));
    }

    [Fact]
    public void Keys_and_signatures_of_the_wrong_length_are_refused_without_throwing()
    {
        var c = Wycheproof.Ed25519.Values.First(v => v.MustVerify);

        Assert.False(Ed25519Signatures.Verify(c.PublicKey, c.Msg, c.Sig.AsSpan(..^1)));
        Assert.False(Ed25519Signatures.Verify(c.PublicKey, c.Msg, [.. c.Sig, 0x00]));
        Assert.False(Ed25519Signatures.Verify(c.PublicKey.AsSpan(..^1), c.Msg, c.Sig));
        Assert.False(Ed25519Signatures.Verify([], c.Msg, c.Sig));
    }

    private static string? Utf8(byte[] bytes)
    {
        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static string Vkey(string name, byte[] publicKey)
    {
        byte[] typed = [NoteVerifierKey.Ed25519Type, .. publicKey];
        uint hash = BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData([.. Encoding.UTF8.GetBytes(name), (byte)'\n', .. typed]));
        return $"{name}+{hash:x8}+{Convert.ToBase64String(typed)}";
    }
}
