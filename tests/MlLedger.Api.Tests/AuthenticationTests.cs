using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MlLedger.Api.Auth;
using MlLedger.Api.Tests.Infrastructure;
using static MlLedger.Api.Tests.Infrastructure.Requests;

namespace MlLedger.Api.Tests;

/// <summary>
/// Every token the ledger should not trust is answered 401 on a write and on a read, and nothing is stored.
/// The tokens are built the way an attacker would build them, and validated by the real JwtBearer handler.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class AuthenticationTests(LedgerFixture shared) : IClassFixture<LedgerFixture>
{
    private readonly LedgerApp _ledger = shared.App;

    public static TheoryData<string, string> BadTokensOnEachEndpoint()
    {
        string[] tokens =
        [
            "missing", "empty-bearer", "garbage", "expired", "not-yet-valid", "wrong-issuer", "wrong-audience", "other-key",
            "alg-none", "es256-without-signature", "tampered-roles", "hs256-with-public-key-pem", "hs256-with-public-key-der",
            "without-sub", "without-exp",
        ];
        var data = new TheoryData<string, string>();
        foreach (var token in tokens)
        {
            data.Add(token, "POST /v1/datasets");
            data.Add(token, "GET /v1/keys");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BadTokensOnEachEndpoint))]
    public async Task An_untrusted_token_is_answered_401_and_nothing_is_stored(string token, string endpoint)
    {
        var before = await _ledger.StoredEntries();
        using var client = ClientFor(token);

        using var response = await Call(client, endpoint, $"auth-{token}");

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{token}: expected 401, got {(int)response.StatusCode}: {body}");
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(401, (int?)JsonNode.Parse(body)!["status"]);
        Assert.Equal(ExpectedCode(token), (string?)JsonNode.Parse(body)!["code"]);

        Assert.Equal(before, await _ledger.StoredEntries());
    }

    /// <summary>The reason each bad token is refused for, as the problem's code says it.</summary>
    private static string ExpectedCode(string kind) => kind switch
    {
        "missing" or "empty-bearer" => "token-missing",
        "garbage" => "token-malformed",
        "expired" => "token-expired",
        "not-yet-valid" => "token-not-yet-valid",
        "wrong-issuer" => "token-wrong-issuer",
        "wrong-audience" => "token-wrong-audience",
        "other-key" or "tampered-roles" or "es256-without-signature" => "token-bad-signature",
        "alg-none" or "hs256-with-public-key-pem" or "hs256-with-public-key-der" => "token-algorithm-not-allowed",
        "without-sub" => "token-subject-missing",
        "without-exp" => "token-no-expiry",
        _ => throw new ArgumentException($"unknown token kind {kind}", nameof(kind)),
    };

    [Fact]
    public async Task A_valid_token_is_accepted_on_the_write_and_the_read()
    {
        using var client = _ledger.Client("ci-bot", "pipeline");

        await client.Post("/v1/datasets", Dataset("auth-valid", "1")).Expect(HttpStatusCode.Created);
        var keys = await client.GetAsync("/v1/keys").Expect(HttpStatusCode.OK);

        Assert.NotEmpty(keys["keys"]!.AsArray());
    }

    [Fact]
    public async Task The_hand_built_token_with_every_claim_is_accepted_so_the_negative_cases_differ_by_one_claim()
    {
        using var client = _ledger.ClientWithToken(Unusual(DateTimeOffset.UtcNow, ["pipeline"], withSub: true, withExp: true));

        await client.Post("/v1/datasets", Dataset("auth-hand-built", "1")).Expect(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_token_expired_within_the_clock_skew_is_still_accepted()
    {
        var now = DateTimeOffset.UtcNow;
        var token = _ledger.Issuer.Token("ci-bot", ["pipeline"], issuedAt: now.AddMinutes(-10), lifetime: TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(10));
        using var client = _ledger.ClientWithToken(token);

        await client.GetAsync("/v1/keys").Expect(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    [InlineData("/openapi/v1.json")]
    public async Task Health_and_the_openapi_document_answer_anonymously(string path)
    {
        using var client = _ledger.Anonymous();

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEmpty(await response.Content.ReadAsByteArrayAsync());
    }

    private HttpClient ClientFor(string kind)
    {
        if (kind == "missing")
        {
            return _ledger.Anonymous();
        }

        if (kind == "empty-bearer")
        {
            var client = _ledger.Anonymous();
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer ");
            return client;
        }

        return _ledger.ClientWithToken(TokenOf(kind));
    }

    private string TokenOf(string kind)
    {
        var issuer = _ledger.Issuer;
        var now = DateTimeOffset.UtcNow;
        string[] roles = ["pipeline", "auditor"];
        switch (kind)
        {
            case "garbage":
                return "not.a.jwt";
            case "expired":
                return issuer.Token("ci-bot", roles, issuedAt: now.AddHours(-2), lifetime: TimeSpan.FromHours(1));
            case "not-yet-valid":
                return issuer.Token("ci-bot", roles, notBefore: now.AddMinutes(5));
            case "wrong-issuer":
                return issuer.Token("ci-bot", roles, issuer: "https://evil.example");
            case "wrong-audience":
                return issuer.Token("ci-bot", roles, audience: "some-other-api");
            case "other-key":
                using (var other = ECDsa.Create(ECCurve.NamedCurves.nistP256))
                {
                    return issuer.Token("ci-bot", roles, signWith: other);
                }

            case "alg-none":
                return TestIssuer.AlgNone("mallory", roles);
            case "es256-without-signature":
                var signed = issuer.Token("ci-bot", roles);
                return signed[..(signed.LastIndexOf('.') + 1)];
            case "tampered-roles":
                // a valid auditor token whose payload is swapped for one granting pipeline; the signature is the original
                var genuine = issuer.Token("ci-bot", "auditor").Split('.');
                return $"{genuine[0]}.{TestIssuer.Segment(Claims(now, roles))}.{genuine[2]}";
            case "hs256-with-public-key-pem":
                return TestIssuer.Hs256KeyedWith(Encoding.UTF8.GetBytes(issuer.PublicKeyPem), "mallory", roles);
            case "hs256-with-public-key-der":
                return TestIssuer.Hs256KeyedWith(issuer.Key.ExportSubjectPublicKeyInfo(), "mallory", roles);
            case "without-sub":
                return Unusual(now, roles, withSub: false, withExp: true);
            case "without-exp":
                return Unusual(now, roles, withSub: true, withExp: false);
            default:
                throw new ArgumentException($"unknown token kind {kind}", nameof(kind));
        }
    }

    /// <summary>Signed by the trusted issuer's key, but missing a claim the ledger relies on.</summary>
    private string Unusual(DateTimeOffset now, string[] roles, bool withSub, bool withExp)
    {
        var claims = new Dictionary<string, object> { ["roles"] = roles, ["jti"] = Guid.NewGuid().ToString("N") };
        if (withSub)
        {
            claims["sub"] = "ci-bot";
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = TestIssuer.Issuer,
            Audience = TestIssuer.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = withExp ? now.AddMinutes(30).UtcDateTime : null,
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(_ledger.Issuer.Key), SecurityAlgorithms.EcdsaSha256),
            Claims = claims,
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    private static Dictionary<string, object> Claims(DateTimeOffset now, string[] roles) => new()
    {
        ["iss"] = TestIssuer.Issuer,
        ["aud"] = TestIssuer.Audience,
        ["sub"] = "mallory",
        ["roles"] = roles,
        ["iat"] = now.ToUnixTimeSeconds(),
        ["nbf"] = now.ToUnixTimeSeconds(),
        ["exp"] = now.AddMinutes(30).ToUnixTimeSeconds(),
    };

    private static Task<HttpResponseMessage> Call(HttpClient client, string endpoint, string datasetName) => endpoint switch
    {
        "POST /v1/datasets" => client.PostAsJsonAsync("/v1/datasets", Dataset(datasetName, "1"), JsonSerializerOptions.Web),
        "GET /v1/keys" => client.GetAsync("/v1/keys"),
        _ => throw new ArgumentException($"unknown endpoint {endpoint}", nameof(endpoint)),
    };
}
