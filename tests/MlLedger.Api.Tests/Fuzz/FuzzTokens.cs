using System.Globalization;
using MlLedger.Api.Tests.Infrastructure;
using static MlLedger.Api.Tests.Infrastructure.RawTokens;

namespace MlLedger.Api.Tests.Fuzz;

/// <summary>One generated token: its header and claims as JSON text, and what was done to them.</summary>
public sealed record FuzzToken(string Header, RawClaims Claims, IReadOnlyList<string> Mutations, bool HasCrit)
{
    public override string ToString() => $"[{string.Join(", ", Mutations)}] header {Header} payload {Claims.Json}";
}

/// <summary>
/// Tokens of the trusted issuer whose claims (sub, roles, iss, aud, exp, nbf, iat, jti), header (crit, alg, kid) and
/// extra claims take every JSON type and edge values, repeat keys or go missing. Deterministic for a seed.
/// </summary>
public sealed class FuzzTokens(int seed)
{
    public static readonly string[] RegisteredClaims = ["sub", "roles", "iss", "aud", "exp", "nbf", "iat", "jti"];

    private readonly Random _random = new(seed);

    /// <summary>Subjects as JSON literals: canonical ones (accepted and recorded as they are) and ones that are not.</summary>
    private static readonly string[] Subjects =
    [
        Quote("alice"), Quote("Alice"), Quote("ci-bot"), Quote("Jos\u00e9"), Quote("user@example.com"), Quote("alice smith"),
        Quote(new string('s', 255)), Quote("alice "), Quote(" alice"), Quote(""), Quote("a\u0000b"), Quote("\u200balice"),
        "\"jose\\u0301\"", Quote("\u202eadmin"), Quote(new string('s', 256)), "\"\\ud800\"", Quote("alice\u00a0"), Quote("al\tice"),
    ];

    private readonly string[] _values = Values();

    /// <summary>JSON values of every type, with the edges of each: what a claim could be set to.</summary>
    private static string[] Values()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string N(long v) => v.ToString(CultureInfo.InvariantCulture);
        return
        [
            "null", "true", "false",
            "0", "-0", "1", "-1", "0.5", "1.0", "1e3", "1E+308", "-1e308", "1e-400", "4.9e-324", N(int.MaxValue), N(long.MaxValue),
            "9223372036854775808", "18446744073709551616", "253402300799", "253402300800", N(now), N(now + 600), N(now - 600),
            $"{N(now + 600)}.999", "123456789012345678901234567890",
            Quote(""), Quote(" "), Quote("pipeline"), Quote("admin"), Quote("pipeline admin"), Quote(TestIssuer.Issuer), Quote(TestIssuer.Audience),
            Quote(N(now + 600)), Quote("a\u0000b"), "\"\\ud800\"", "\"\\udc00\\ud800\"", Quote("\u200b"), Quote(new string('x', 2000)),
            Quote("\u00e9"), "\"e\\u0301\"", Quote("ALICE"), Quote("\ufeff"),
            "[]", "[null]", Strings("pipeline"), Strings("pipeline", "admin"), "[\"pipeline\",1]", "[[\"pipeline\"]]", "[{\"role\":\"admin\"}]",
            Strings(TestIssuer.Audience, "other"), "[1,2,3]", "[\"pipeline\",\"pipeline\"]", "[\"pipeline\",\"a\\u0000\"]",
            "{}", "{\"roles\":[\"pipeline\"]}", "{\"a\":{\"b\":{\"c\":[1,{\"d\":null}]}}}", "{\"pipeline\":true}",
        ];
    }

    public IEnumerable<FuzzToken> Generate(int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return Next();
        }
    }

    private FuzzToken Next()
    {
        var claims = RawClaims.Valid("placeholder", "pipeline", "auditor").Set("sub", Pick(Subjects));
        var header = new List<(string Name, string Json)> { ("alg", Quote("ES256")), ("typ", Quote("JWT")) };
        var mutations = new List<string> { "subject" };
        var crit = false;
        var rounds = _random.Next(0, 4);
        for (var r = 0; r < rounds; r++)
        {
            switch (_random.Next(8))
            {
                case 0 or 1 or 2:
                    var claim = Pick(RegisteredClaims);
                    claims.Set(claim, Pick(_values));
                    mutations.Add($"{claim}-value");
                    break;
                case 3:
                    var repeated = Pick(RegisteredClaims);
                    claims.Add(_random.Next(4) == 0 ? Escaped(repeated) : repeated, Pick(_values));
                    mutations.Add($"{repeated}-duplicate");
                    break;
                case 4:
                    var gone = Pick(RegisteredClaims);
                    claims.Without(gone);
                    mutations.Add($"{gone}-missing");
                    break;
                case 5:
                    claims.Add(Pick((string[])["realm_access", "groups", "scope", "role", "name", "x-extra", "\\u0072oles-not", "nested"]), Pick(_values));
                    mutations.Add("extra-claim");
                    break;
                case 6:
                    header.Add(("crit", Pick((string[])["[\"exp\"]", "[]", "\"b64\"", "null", "[\"b64\"]"])));
                    mutations.Add("crit");
                    crit = true;
                    break;
                default:
                    var field = Pick((string[])["alg", "kid", "typ"]);
                    header.Add((field, Pick((string[])[Quote("ES256"), Quote("none"), Quote("HS256"), "1", "null", Quote("k1")])));
                    mutations.Add($"header-{field}");
                    break;
            }
        }

        var headerJson = $"{{{string.Join(",", header.Select(h => $"\"{h.Name}\":{h.Json}"))}}}";
        return new FuzzToken(headerJson, claims, mutations, crit);
    }

    /// <summary>The same key spelled with a JSON escape, which decodes to the same name.</summary>
    private static string Escaped(string name) => $"\\u{(int)name[0]:x4}{name[1..]}";

    private T Pick<T>(T[] values) => values[_random.Next(values.Length)];
}
