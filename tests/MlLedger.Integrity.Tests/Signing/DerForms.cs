using System.Formats.Asn1;
using System.Globalization;
using System.Numerics;
using MlLedger.Integrity.Signing;

namespace MlLedger.Integrity.Tests.Signing;

/// <summary>
/// Other byte forms of one strict DER P-256 signature, each a named re-encoding of the same r and s (or of the same
/// residues mod n), written here by hand: Wycheproof tcId 6's transformation (s without its leading zero byte) and
/// its relatives. Every verification path must refuse every one of them.
/// </summary>
internal static class DerForms
{
    private static readonly BigInteger Order =
        BigInteger.Parse("00FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);

    public static IReadOnlyList<string> Names => [.. Family.Keys];

    public static TheoryData<string> Rows
    {
        get
        {
            var rows = new TheoryData<string>();
            foreach (string name in Names)
            {
                rows.Add(name);
            }

            return rows;
        }
    }

    private static Dictionary<string, Func<BigInteger, BigInteger, byte[]>> Family => new()
    {
        // tcId 6: s's high bit is set, so DER needs a leading zero byte; without it s reads as negative
        ["s-without-its-leading-zero"] = (r, s) => Sequence([.. Integer(r), .. Tlv(0x02, Magnitude(s))]),
        ["r-with-an-extra-leading-zero"] = (r, s) => Sequence([.. Tlv(0x02, [0x00, .. Content(r)]), .. Integer(s)]),
        ["s-with-an-extra-leading-zero"] = (r, s) => Sequence([.. Integer(r), .. Tlv(0x02, [0x00, .. Content(s)])]),
        ["sequence-length-in-long-form"] = (r, s) => [0x30, 0x81, (byte)(Integer(r).Length + Integer(s).Length), .. Integer(r), .. Integer(s)],
        ["r-length-in-long-form"] = (r, s) => Sequence([0x02, 0x81, (byte)Content(r).Length, .. Content(r), .. Integer(s)]),
        ["r-tag-in-long-form"] = (r, s) => Sequence([0x1f, 0x02, (byte)Content(r).Length, .. Content(r), .. Integer(s)]),
        ["indefinite-sequence-length"] = (r, s) => [0x30, 0x80, .. Integer(r), .. Integer(s), 0x00, 0x00],
        ["trailing-zero-byte"] = (r, s) => [.. Sequence([.. Integer(r), .. Integer(s)]), 0x00],
        ["third-integer-in-the-sequence"] = (r, s) => Sequence([.. Integer(r), .. Integer(s), 0x02, 0x01, 0x00]),
        ["s-plus-n"] = (r, s) => Sequence([.. Integer(r), .. Integer(s + Order)]),
        ["r-plus-n"] = (r, s) => Sequence([.. Integer(r + Order), .. Integer(s)]),
    };

    /// <summary>The form <paramref name="name"/> of <paramref name="strict"/>, whose s must have its high bit set (see <see cref="SignWithHighS"/>).</summary>
    public static byte[] Apply(string name, ReadOnlySpan<byte> strict)
    {
        var (r, s) = Read(strict);
        if (s < BigInteger.One << 255)
        {
            throw new ArgumentException("s must have its high bit set for every form to exist.", nameof(strict));
        }

        byte[] form = Family[name](r, s);
        return form.AsSpan().SequenceEqual(strict) ? throw new InvalidOperationException($"Form {name} did not change the bytes.") : form;
    }

    /// <summary>
    /// A signature by <paramref name="key"/> over <paramref name="data"/> whose s has its high bit set (half of them
    /// do), so that tcId 6's transformation applies to it.
    /// </summary>
    public static byte[] SignWithHighS(LedgerSigningKey key, ReadOnlySpan<byte> data)
    {
        for (int attempt = 0; attempt < 200; attempt++)
        {
            byte[] signature = key.SignDer(data);
            if (Read(signature).S >= BigInteger.One << 255)
            {
                return signature;
            }
        }

        throw new InvalidOperationException("200 signatures in a row had s below 2^255.");
    }

    /// <summary>r and s of a strict signature.</summary>
    public static (BigInteger R, BigInteger S) Read(ReadOnlySpan<byte> strict)
    {
        AsnDecoder.ReadSequence(strict, AsnEncodingRules.DER, out int offset, out int length, out _);
        var contents = strict.Slice(offset, length);
        var r = AsnDecoder.ReadInteger(contents, AsnEncodingRules.DER, out int read);
        var s = AsnDecoder.ReadInteger(contents[read..], AsnEncodingRules.DER, out _);
        return (r, s);
    }

    private static byte[] Sequence(byte[] contents) => Tlv(0x30, contents);

    private static byte[] Integer(BigInteger value) => Tlv(0x02, Content(value));

    /// <summary>The minimal two's-complement content of a positive integer.</summary>
    private static byte[] Content(BigInteger value) => value.ToByteArray(isUnsigned: false, isBigEndian: true);

    /// <summary>The unsigned big-endian bytes, with no sign byte.</summary>
    private static byte[] Magnitude(BigInteger value) => value.ToByteArray(isUnsigned: true, isBigEndian: true);

    private static byte[] Tlv(byte tag, byte[] content) =>
        content.Length < 0x80 ? [tag, (byte)content.Length, .. content] : [tag, 0x81, (byte)content.Length, .. content];
}
