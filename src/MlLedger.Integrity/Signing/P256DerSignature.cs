using System.Formats.Asn1;
using System.Globalization;
using System.Numerics;

namespace MlLedger.Integrity.Signing;

/// <summary>
/// The one rule for the encoding of an ECDSA P-256 signature, applied by every verification before any arithmetic:
/// exactly an ASN.1 DER <c>SEQUENCE { INTEGER r, INTEGER s }</c> (RFC 3279 Ecdsa-Sig-Value) with definite, minimal
/// lengths; each integer in its minimal two's-complement form (a leading zero byte only where the next byte has its
/// high bit set) and positive; nothing after the sequence; and 1 ≤ r, s ≤ n − 1. A signature therefore has one byte
/// form. .NET's own DER reader is looser (it reads an integer whose leading zero byte is missing as unsigned), and a
/// second byte form of one signature would give one signed entry a second leaf.
/// </summary>
public static class P256DerSignature
{
    /// <summary>n − 1 has 32 bytes, and a leading zero byte where its high bit is set.</summary>
    private const int IntegerMaxLength = 33;

    /// <summary>The order n of the P-256 base point (SEC 2, FIPS 186-5).</summary>
    private static readonly BigInteger Order =
        BigInteger.Parse("00FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);

    /// <summary>True when <paramref name="signature"/> is in the one form <see cref="FindDefect"/> accepts.</summary>
    public static bool IsStrict(ReadOnlySpan<byte> signature) => FindDefect(signature) is null;

    /// <summary>Null when <paramref name="signature"/> follows the rule; otherwise what is wrong with it, in words.</summary>
    public static string? FindDefect(ReadOnlySpan<byte> signature)
    {
        if (signature.IsEmpty)
        {
            return "the signature is empty";
        }

        try
        {
            // DER mode refuses indefinite and non-minimal lengths, non-minimal tags and a constructed INTEGER;
            // ReadIntegerBytes refuses an empty or non-minimal integer (X.690 8.3.2) whatever the rules
            AsnDecoder.ReadSequence(signature, AsnEncodingRules.DER, out int offset, out int length, out int consumed);
            if (consumed != signature.Length)
            {
                return $"{signature.Length - consumed} bytes follow the DER sequence";
            }

            var contents = signature.Slice(offset, length);
            var r = AsnDecoder.ReadIntegerBytes(contents, AsnEncodingRules.DER, out int rLength);
            contents = contents[rLength..];
            var s = AsnDecoder.ReadIntegerBytes(contents, AsnEncodingRules.DER, out int sLength);
            if (sLength != contents.Length)
            {
                return "the sequence holds more than the two integers r and s";
            }

            return OutOfRange("r", r) ?? OutOfRange("s", s);
        }
        catch (AsnContentException e)
        {
            return $"not a DER SEQUENCE of two INTEGERs ({e.Message})";
        }
    }

    private static string? OutOfRange(string name, ReadOnlySpan<byte> twosComplement)
    {
        if (twosComplement.Length > IntegerMaxLength)
        {
            return $"{name} has {twosComplement.Length} bytes; a P-256 integer has at most {IntegerMaxLength}";
        }

        var value = new BigInteger(twosComplement, isUnsigned: false, isBigEndian: true);
        if (value.Sign <= 0)
        {
            return value.IsZero
                ? $"{name} is zero"
                : $"{name} is negative in DER (its high bit is set without a leading zero byte)";
        }

        return value >= Order ? $"{name} is not below the order of the P-256 group" : null;
    }
}
