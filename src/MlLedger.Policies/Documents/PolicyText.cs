using System.Text;

namespace MlLedger.Policies.Documents;

/// <summary>
/// How policy and example-case files are read, everywhere: strict UTF-8, a byte-order mark removed, CRLF turned
/// into LF, so a checkout on any OS gives the same text (and the same digest).
/// </summary>
public static class PolicyText
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <returns>Null when the bytes decode; otherwise the problem, at 1:1 of <paramref name="name"/>.</returns>
    public static PolicyDiagnostic? TryDecode(string name, byte[] bytes, out string text)
    {
        try
        {
            text = Strict.GetString(bytes).TrimStart('\uFEFF').Replace("\r\n", "\n", StringComparison.Ordinal);
            return null;
        }
        catch (DecoderFallbackException)
        {
            text = "";
            return new PolicyDiagnostic(name, 1, 1, "the file is not valid UTF-8.");
        }
    }

    /// <exception cref="PolicyLoadException">The bytes are not UTF-8.</exception>
    public static string Decode(string name, byte[] bytes) =>
        TryDecode(name, bytes, out var text) is { } problem ? throw new PolicyLoadException([problem]) : text;
}
