using System.Buffers;
using System.Buffers.Text;

namespace MlLedger.Integrity;

/// <summary>Standard base64 (RFC 4648 section 4, with padding), accepted only in its one canonical spelling.</summary>
internal static class CanonicalBase64
{
    /// <summary>
    /// Decodes <paramref name="text"/> if and only if re-encoding the result gives back the same text:
    /// no whitespace, no missing padding, no URL-safe alphabet, no non-zero padding bits.
    /// </summary>
    public static bool TryDecode(string text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length % 4 != 0)
        {
            return false;
        }

        var buffer = new byte[text.Length / 4 * 3];
        if (!Convert.TryFromBase64String(text, buffer, out int written))
        {
            return false;
        }

        var decoded = buffer[..written];
        if (!string.Equals(Convert.ToBase64String(decoded), text, StringComparison.Ordinal))
        {
            return false;
        }

        bytes = decoded;
        return true;
    }

    /// <summary>As <see cref="TryDecode"/>, from UTF-8 text, without an intermediate string (the audit bundle reader's hot path).</summary>
    public static bool TryDecodeUtf8(ReadOnlySpan<byte> text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length % 4 != 0)
        {
            return false;
        }

        int padding = text.IsEmpty ? 0 : text[^1] != '=' ? 0 : text[^2] == '=' ? 2 : 1;
        var decoded = new byte[(text.Length / 4 * 3) - padding];
        if (Base64.DecodeFromUtf8(text, decoded, out int consumed, out int written) != OperationStatus.Done
            || consumed != text.Length || written != decoded.Length)
        {
            return false;
        }

        // canonical: re-encoding gives the same text (no non-zero padding bits)
        int length = Base64.GetMaxEncodedToUtf8Length(written);
        byte[]? rented = length > 1024 ? ArrayPool<byte>.Shared.Rent(length) : null;
        Span<byte> again = rented ?? stackalloc byte[1024];
        try
        {
            Base64.EncodeToUtf8(decoded, again, out _, out int encoded);
            if (!again[..encoded].SequenceEqual(text))
            {
                return false;
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        bytes = decoded;
        return true;
    }
}
