using System.Globalization;
using System.Text;

namespace MlLedger.Integrity.Dsse;

/// <summary>
/// DSSE v1 Pre-Authentication Encoding:
/// <c>"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body</c>, where LEN is the UTF-8 byte count as
/// ASCII decimal without leading zeros. This is the exact byte string that is signed.
/// </summary>
public static class Pae
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static ReadOnlySpan<byte> Prefix => "DSSEv1 "u8;

    /// <exception cref="ArgumentException"><paramref name="payloadType"/> is not valid Unicode (a lone surrogate).</exception>
    public static byte[] Encode(string payloadType, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(payloadType);
        return TryEncode(payloadType, payload, out var pae)
            ? pae
            : throw new ArgumentException("payloadType is not valid Unicode (lone surrogate).", nameof(payloadType));
    }

    /// <summary>As <see cref="Encode"/>, but reports a payload type that has no UTF-8 encoding instead of throwing.</summary>
    public static bool TryEncode(string payloadType, ReadOnlySpan<byte> payload, out byte[] pae)
    {
        pae = [];
        byte[] type;
        try
        {
            type = StrictUtf8.GetBytes(payloadType);
        }
        catch (EncoderFallbackException)
        {
            return false;
        }

        byte[] typeLength = Encoding.ASCII.GetBytes(type.Length.ToString(CultureInfo.InvariantCulture));
        byte[] bodyLength = Encoding.ASCII.GetBytes(payload.Length.ToString(CultureInfo.InvariantCulture));

        pae = new byte[Prefix.Length + typeLength.Length + 1 + type.Length + 1 + bodyLength.Length + 1 + payload.Length];
        var rest = pae.AsSpan();
        Append(ref rest, Prefix);
        Append(ref rest, typeLength);
        Append(ref rest, " "u8);
        Append(ref rest, type);
        Append(ref rest, " "u8);
        Append(ref rest, bodyLength);
        Append(ref rest, " "u8);
        Append(ref rest, payload);
        return true;
    }

    private static void Append(ref Span<byte> destination, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(destination);
        destination = destination[bytes.Length..];
    }
}
