using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace MlLedger.Api.Tests.Infrastructure;

/// <summary>
/// Tokens written as JSON text and signed ES256 by the trusted test issuer, so that a test can give a claim any JSON
/// type, repeat a key or add a header field: what a serializer would never produce, an attacker's token can hold.
/// </summary>
public static class RawTokens
{
    public const string Header = """{"alg":"ES256","typ":"JWT"}""";

    /// <summary>A compact JWS of exactly these header and payload bytes, signed by <paramref name="issuer"/>'s key.</summary>
    public static string SignRaw(this TestIssuer issuer, RawClaims payload, string header = Header) =>
        issuer.SignRaw(payload.Json, header);

    public static string SignRaw(this TestIssuer issuer, string payloadJson, string header = Header)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        var input = $"{Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(header))}.{Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(payloadJson))}";
        var signature = issuer.Key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return $"{input}.{Base64UrlEncoder.Encode(signature)}";
    }

    /// <summary>A JSON string literal of <paramref name="text"/> (non-ASCII and control characters escaped).</summary>
    public static string Quote(string text)
    {
        var json = new StringBuilder("\"");
        foreach (var c in text)
        {
            json.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                < ' ' or > '~' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        return json.Append('"').ToString();
    }

    public static string Strings(params string[] values) => $"[{string.Join(",", values.Select(Quote))}]";
}

/// <summary>The claims of a token in order, each a name (written as given, so it may hold escapes) and a raw JSON value.</summary>
public sealed class RawClaims
{
    private readonly List<(string Name, string Json)> _claims = [];

    /// <summary>A valid token's claims: iss, aud, sub, roles, iat, nbf, exp (30 minutes), jti.</summary>
    public static RawClaims Valid(string subject, params string[] roles)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string Seconds(long s) => s.ToString(CultureInfo.InvariantCulture);
        return new RawClaims()
            .Add("iss", RawTokens.Quote(TestIssuer.Issuer))
            .Add("aud", RawTokens.Quote(TestIssuer.Audience))
            .Add("sub", RawTokens.Quote(subject))
            .Add("roles", RawTokens.Strings(roles))
            .Add("iat", Seconds(now))
            .Add("nbf", Seconds(now))
            .Add("exp", Seconds(now + 1800))
            .Add("jti", RawTokens.Quote(Guid.NewGuid().ToString("N")));
    }

    /// <summary>Appends a claim, even one already there (a duplicate key).</summary>
    public RawClaims Add(string name, string json)
    {
        _claims.Add((name, json));
        return this;
    }

    /// <summary>Replaces the value of every claim of that name, or adds it.</summary>
    public RawClaims Set(string name, string json)
    {
        if (!_claims.Any(c => c.Name == name))
        {
            return Add(name, json);
        }

        for (var i = 0; i < _claims.Count; i++)
        {
            if (_claims[i].Name == name)
            {
                _claims[i] = (name, json);
            }
        }

        return this;
    }

    public RawClaims Without(string name)
    {
        _claims.RemoveAll(c => c.Name == name);
        return this;
    }

    public string Json => $"{{{string.Join(",", _claims.Select(c => $"\"{c.Name}\":{c.Json}"))}}}";

    public override string ToString() => Json;
}
