using System.Formats.Asn1;
using System.Globalization;
using System.Numerics;
using MlLedger.Integrity.Signing;

namespace MlLedger.Integrity.Tests.Signing;

/// <summary>The one encoding rule for P-256 signatures, on the ledger's own signatures and on other forms of them.</summary>
public sealed class P256DerSignatureTests : IDisposable
{
    private static readonly byte[] Message = "the signed bytes"u8.ToArray();

    private static readonly BigInteger Order =
        BigInteger.Parse("00FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);

    private readonly LedgerSigningKey _key = LedgerSigningKey.Generate();

    public static TheoryData<string> Forms => DerForms.Rows;

    public void Dispose() => _key.Dispose();

    /// <summary>
    /// 2,000 signatures of the ledger's signer: each is strict and is byte for byte what a DER writer makes of its
    /// r and s. The sample must include integers that need the leading zero byte and integers shorter than 32 bytes
    /// (about 1 in 128 signatures has one), the two places where an encoder could go wrong.
    /// </summary>
    [Fact]
    public void The_ledger_signer_emits_canonical_DER()
    {
        int needZero = 0, shorter = 0;
        for (int i = 0; i < 2000; i++)
        {
            byte[] signature = _key.SignDer([.. Message, (byte)i, (byte)(i >> 8)]);
            var (r, s) = DerForms.Read(signature);

            Assert.Null(P256DerSignature.FindDefect(signature));
            Assert.Equal(Encode(r, s), signature);
            needZero += (r >= BigInteger.One << 255 ? 1 : 0) + (s >= BigInteger.One << 255 ? 1 : 0);
            shorter += (r < BigInteger.One << 248 ? 1 : 0) + (s < BigInteger.One << 248 ? 1 : 0);
        }

        Assert.True(needZero > 0 && shorter > 0, $"{needZero} integers with a leading zero, {shorter} shorter than 32 bytes");
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void Another_byte_form_of_a_valid_signature_is_refused(string form)
    {
        byte[] strict = DerForms.SignWithHighS(_key, Message);
        byte[] other = DerForms.Apply(form, strict);

        Assert.True(_key.PublicKey.VerifyDer(Message, strict));
        Assert.NotNull(P256DerSignature.FindDefect(other));
        Assert.False(_key.PublicKey.VerifyDer(Message, other));
    }

    [Theory]
    [InlineData("1", "1")]
    [InlineData("127", "128")]
    [InlineData("n-1", "n-1")]
    public void Integers_from_1_to_n_minus_1_in_minimal_form_are_strict(string r, string s) =>
        Assert.Null(P256DerSignature.FindDefect(Encode(Value(r), Value(s))));

    [Theory]
    [InlineData("0", "1", "r is zero")]
    [InlineData("1", "0", "s is zero")]
    [InlineData("n", "1", "r is not below the order")]
    [InlineData("1", "n", "s is not below the order")]
    [InlineData("-1", "1", "r is negative")]
    public void Integers_outside_1_to_n_minus_1_are_refused(string r, string s, string defect) =>
        Assert.StartsWith(defect, P256DerSignature.FindDefect(Encode(Value(r), Value(s))), StringComparison.Ordinal);

    [Fact]
    public void Empty_and_non_DER_input_is_refused_without_throwing()
    {
        Assert.Equal("the signature is empty", P256DerSignature.FindDefect([]));
        Assert.NotNull(P256DerSignature.FindDefect([0x30]));
        Assert.NotNull(P256DerSignature.FindDefect([0x30, 0x00]));
        Assert.NotNull(P256DerSignature.FindDefect([0x30, 0x03, 0x02, 0x01, 0x01]));
        Assert.NotNull(P256DerSignature.FindDefect(new byte[64]));
        Assert.NotNull(P256DerSignature.FindDefect(Encode(BigInteger.One << 300, BigInteger.One)));
    }

    private static BigInteger Value(string name) => name switch
    {
        "n" => Order,
        "n-1" => Order - 1,
        _ => BigInteger.Parse(name, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
    };

    private static byte[] Encode(BigInteger r, BigInteger s)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(r);
            writer.WriteInteger(s);
        }

        return writer.Encode();
    }
}
