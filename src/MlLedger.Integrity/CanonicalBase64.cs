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
}
