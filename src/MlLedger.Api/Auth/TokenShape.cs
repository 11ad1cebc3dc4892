using System.Buffers.Text;
using System.Text.Json;

namespace MlLedger.Api.Auth;

/// <summary>
/// The ledger's own reading of a compact JWS, before the token library checks its signature and claims: the library
/// lets the last of two equal keys win, ignores <c>crit</c> and reads <c>exp</c> from a string, so two readers could
/// see two different tokens. Here a token is refused unless it is three base64url parts whose header and payload are
/// JSON objects without a duplicate key at any depth, its header has no <c>crit</c> (the ledger understands no JWS
/// extension, RFC 7515 §4.1.11), and its registered claims have their RFC 7519 types: <c>iss</c>, <c>sub</c>, <c>jti</c>
/// strings; <c>aud</c> a string or array of strings; <c>exp</c>, <c>nbf</c>, <c>iat</c> whole numbers of seconds
/// between 0 and the end of year 9999. No string may escape an unpaired surrogate (RFC 8259 §8.2: its meaning is
/// unpredictable).
/// </summary>
internal static class TokenShape
{
    /// <summary>253402300799 = 9999-12-31T23:59:59Z, the last second a DateTimeOffset holds.</summary>
    private const long LastNumericDate = 253402300799;

    private static readonly JsonDocumentOptions Lenient = new() { MaxDepth = 32 };
    private static readonly JsonDocumentOptions Strict = new() { MaxDepth = 32, AllowDuplicateProperties = false };

    /// <summary>The header and payload of a well-formed token, or the refusal.</summary>
    public static (JsonElement Header, JsonElement Payload, TokenRefusal? Refusal) Read(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return (default, default, new TokenRefusal(TokenRefusals.Malformed, parts.Length == 5
                ? "Encrypted tokens (JWE) are not accepted; send a signed JWT."
                : "The token is not a signed JWT in compact form (three base64url parts separated by dots)."));
        }

        var header = Json(parts[0], "header");
        if (header.Refusal is not null)
        {
            return (default, default, header.Refusal);
        }

        var payload = Json(parts[1], "payload");
        if (payload.Refusal is not null)
        {
            return (default, default, payload.Refusal);
        }

        var refusal = HeaderProblem(header.Element) ?? PayloadProblem(payload.Element);
        return (header.Element, payload.Element, refusal);
    }

    private static (JsonElement Element, TokenRefusal? Refusal) Json(string segment, string part)
    {
        if (segment.Length == 0 || !segment.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') || segment.Length % 4 == 1)
        {
            return Refused(TokenRefusals.Malformed, $"The token's {part} is not base64url without padding.");
        }

        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(segment);
        }
        catch (FormatException)
        {
            return Refused(TokenRefusals.Malformed, $"The token's {part} is not base64url without padding.");
        }

        try
        {
            using var lenient = JsonDocument.Parse(bytes, Lenient);
            if (lenient.RootElement.ValueKind != JsonValueKind.Object)
            {
                return Refused(TokenRefusals.Malformed, $"The token's {part} is not a JSON object.");
            }
        }
        catch (JsonException)
        {
            return Refused(TokenRefusals.Malformed, $"The token's {part} is not valid JSON.");
        }

        try
        {
            using var strict = JsonDocument.Parse(bytes, Strict);
            return HasUndecodableString(strict.RootElement)
                ? Refused(TokenRefusals.Malformed, $"The token's {part} has a string that is not valid Unicode (an unpaired surrogate escape).")
                : (strict.RootElement.Clone(), null);
        }
        catch (JsonException)
        {
            return Refused(TokenRefusals.DuplicateKey,
                $"The token's {part} has a duplicate key; a token whose claims can be read two ways is refused.");
        }
        catch (InvalidOperationException)
        {
            // the duplicate check decodes every key: one with an unpaired surrogate escape cannot be decoded
            return Refused(TokenRefusals.Malformed, $"The token's {part} has a key that is not valid Unicode.");
        }
    }

    /// <summary>Whether a string anywhere in <paramref name="element"/> escapes an unpaired surrogate, which no reader can decode.</summary>
    private static bool HasUndecodableString(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                try
                {
                    _ = element.GetString();
                    return false;
                }
                catch (InvalidOperationException)
                {
                    return true;
                }

            case JsonValueKind.Array:
                return element.EnumerateArray().Any(HasUndecodableString);
            case JsonValueKind.Object:
                return element.EnumerateObject().Any(p => HasUndecodableString(p.Value));
            default:
                return false;
        }
    }

    private static TokenRefusal? HeaderProblem(JsonElement header)
    {
        if (header.TryGetProperty("crit", out _))
        {
            return new(TokenRefusals.CriticalHeader,
                "The token's header lists critical extensions (crit); the ledger understands none, so it refuses the token (RFC 7515 §4.1.11).");
        }

        if (!header.TryGetProperty("alg", out var alg) || alg.ValueKind != JsonValueKind.String)
        {
            return new(TokenRefusals.Malformed, "The token's header has no algorithm (alg) string.");
        }

        // before any key is looked up: "none" and HMAC never reach the library's key resolution
        return !AuthSetup.AllowedAlgorithms.Contains(alg.GetString(), StringComparer.Ordinal)
            ? TokenRefusals.AlgorithmRefused
            : TypeProblem(header, "kid", "header", JsonValueKind.String) ?? TypeProblem(header, "typ", "header", JsonValueKind.String);
    }

    private static TokenRefusal? PayloadProblem(JsonElement payload)
    {
        foreach (var name in (string[])["iss", "sub", "jti"])
        {
            if (TypeProblem(payload, name, "payload", JsonValueKind.String) is { } problem)
            {
                return problem;
            }
        }

        if (payload.TryGetProperty("aud", out var aud) && !IsAudience(aud))
        {
            return new(TokenRefusals.Malformed, "The token's aud claim must be a string or a non-empty array of strings.");
        }

        foreach (var name in (string[])["exp", "nbf", "iat"])
        {
            if (payload.TryGetProperty(name, out var date) &&
                (date.ValueKind != JsonValueKind.Number || !date.TryGetInt64(out var seconds) || seconds is < 0 or > LastNumericDate))
            {
                return new(TokenRefusals.Malformed,
                    $"The token's {name} claim must be a whole number of seconds since 1970 (a JSON number, 0 to 253402300799).");
            }
        }

        return null;
    }

    private static bool IsAudience(JsonElement aud) =>
        aud.ValueKind == JsonValueKind.String ||
        aud.ValueKind == JsonValueKind.Array && aud.GetArrayLength() > 0 && aud.EnumerateArray().All(a => a.ValueKind == JsonValueKind.String);

    private static TokenRefusal? TypeProblem(JsonElement parent, string name, string part, JsonValueKind kind) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind != kind
            ? new(TokenRefusals.Malformed, $"The token's {part} field {name} must be a JSON {kind.ToString().ToLowerInvariant()}, not {value.ValueKind.ToString().ToLowerInvariant()}.")
            : null;

    private static (JsonElement, TokenRefusal?) Refused(string code, string detail) => (default, new TokenRefusal(code, detail));
}
