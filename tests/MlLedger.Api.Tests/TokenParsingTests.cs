using System.Net;
using System.Text.Json.Nodes;
using MlLedger.Api.Tests.Infrastructure;
using static MlLedger.Api.Tests.Infrastructure.RawTokens;
using static MlLedger.Api.Tests.Infrastructure.Requests;

namespace MlLedger.Api.Tests;

/// <summary>
/// Tokens signed by the trusted issuer that a lenient reader would accept one way and the ledger could read another:
/// duplicate keys, critical header extensions, registered claims of the wrong JSON type, broken encodings. Each is
/// answered 401 with a problem whose code names the reason, on a write and on a read, and nothing is stored.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class TokenParsingTests(LedgerFixture shared) : IClassFixture<LedgerFixture>
{
    private readonly LedgerApp _ledger = shared.App;

    /// <summary>(case, header JSON, payload JSON, expected code) for every malformed token; all signed by the trusted key.</summary>
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var (name, (_, _, code)) in Tokens)
        {
            data.Add(name, code);
        }

        return data;
    }

    private static readonly Dictionary<string, (string Header, RawClaims Claims, string Code)> Tokens = new(StringComparer.Ordinal)
    {
        // one key, two values: whichever a reader keeps, the token means two things
        ["duplicate-roles-auditor-then-admin"] = (Header, Claims().Set("roles", Strings("auditor")).Add("roles", Strings("admin")), "token-duplicate-key"),
        ["duplicate-sub-alice-then-mallory"] = (Header, Claims().Add("sub", Quote("mallory")), "token-duplicate-key"),
        ["duplicate-roles-spelled-with-an-escape"] = (Header, Claims().Set("roles", Strings("auditor")).Add("rol\\u0065s", Strings("pipeline")), "token-duplicate-key"),
        ["duplicate-exp"] = (Header, Claims().Add("exp", "4102444800"), "token-duplicate-key"),
        ["duplicate-key-in-a-nested-claim"] = (Header, Claims().Add("realm_access", """{"roles":["auditor"],"roles":["admin"]}"""), "token-duplicate-key"),
        ["duplicate-alg-in-the-header"] = ("""{"alg":"none","alg":"ES256"}""", Claims(), "token-duplicate-key"),
        ["duplicate-kid-in-the-header"] = ("""{"alg":"ES256","kid":"a","kid":"b"}""", Claims(), "token-duplicate-key"),
        ["key-with-an-unpaired-surrogate"] = (Header, Claims().Add("\\ud800", "1"), "token-malformed"),
        ["sub-with-an-unpaired-surrogate"] = (Header, Claims().Set("sub", "\"alice\\ud800\""), "token-malformed"),
        ["sub-with-an-unpaired-low-surrogate"] = (Header, Claims().Set("sub", "\"\\udc00alice\""), "token-malformed"),
        ["role-with-an-unpaired-surrogate"] = (Header, Claims().Set("roles", "[\"pipeline\",\"\\ud800\"]"), "token-malformed"),
        ["extra-claim-with-an-unpaired-surrogate"] = (Header, Claims().Add("name", "\"\\udfff\""), "token-malformed"),
        ["kid-with-an-unpaired-surrogate"] = ("{\"alg\":\"ES256\",\"kid\":\"\\ud800\"}", Claims(), "token-malformed"),

        // RFC 7515 §4.1.11: an extension the recipient does not understand makes the token invalid
        ["crit-naming-an-extension"] = ("""{"alg":"ES256","crit":["exp-hint"],"exp-hint":1}""", Claims(), "token-critical-header"),
        ["crit-b64"] = ("""{"alg":"ES256","b64":false,"crit":["b64"]}""", Claims(), "token-critical-header"),
        ["crit-empty"] = ("""{"alg":"ES256","crit":[]}""", Claims(), "token-critical-header"),
        ["crit-not-an-array"] = ("""{"alg":"ES256","crit":"exp"}""", Claims(), "token-critical-header"),

        // NumericDate is a JSON number of whole seconds
        ["exp-string"] = (Header, Claims().Set("exp", Later("\"{0}\"")), "token-malformed"),
        ["exp-fraction"] = (Header, Claims().Set("exp", Later("{0}.5")), "token-malformed"),
        ["exp-exponent"] = (Header, Claims().Set("exp", "4.1e9"), "token-malformed"),
        ["exp-huge"] = (Header, Claims().Set("exp", "1e300"), "token-malformed"),
        ["exp-past-year-9999"] = (Header, Claims().Set("exp", "253402300800"), "token-malformed"),
        ["exp-negative"] = (Header, Claims().Set("exp", "-1"), "token-malformed"),
        ["exp-object"] = (Header, Claims().Set("exp", "{}"), "token-malformed"),
        ["exp-array"] = (Header, Claims().Set("exp", Later("[{0}]")), "token-malformed"),
        ["exp-true"] = (Header, Claims().Set("exp", "true"), "token-malformed"),
        ["exp-null"] = (Header, Claims().Set("exp", "null"), "token-malformed"),
        ["nbf-string"] = (Header, Claims().Set("nbf", "\"0\""), "token-malformed"),
        ["nbf-fraction"] = (Header, Claims().Set("nbf", "1.5"), "token-malformed"),
        ["iat-false"] = (Header, Claims().Set("iat", "false"), "token-malformed"),
        ["iat-object"] = (Header, Claims().Set("iat", """{"seconds":1}"""), "token-malformed"),

        // the other registered claims have their RFC 7519 types too
        ["iss-array"] = (Header, Claims().Set("iss", Strings(TestIssuer.Issuer)), "token-malformed"),
        ["aud-number"] = (Header, Claims().Set("aud", "7"), "token-malformed"),
        ["aud-empty-array"] = (Header, Claims().Set("aud", "[]"), "token-malformed"),
        ["aud-array-with-a-number"] = (Header, Claims().Set("aud", $"[{Quote(TestIssuer.Audience)},7]"), "token-malformed"),
        ["sub-number"] = (Header, Claims().Set("sub", "42"), "token-malformed"),
        ["sub-null"] = (Header, Claims().Set("sub", "null"), "token-malformed"),
        ["sub-array"] = (Header, Claims().Set("sub", Strings("alice")), "token-malformed"),
        ["sub-object"] = (Header, Claims().Set("sub", """{"id":"alice"}"""), "token-malformed"),
        ["jti-number"] = (Header, Claims().Set("jti", "1"), "token-malformed"),
        ["kid-number"] = ("""{"alg":"ES256","kid":1}""", Claims(), "token-malformed"),
        ["alg-none"] = ("""{"alg":"none"}""", Claims(), "token-algorithm-not-allowed"),
        ["alg-hs256"] = ("""{"alg":"HS256"}""", Claims(), "token-algorithm-not-allowed"),
        ["alg-lowercase-es256"] = ("""{"alg":"es256"}""", Claims(), "token-algorithm-not-allowed"),
        ["alg-missing"] = ("""{"typ":"JWT"}""", Claims(), "token-malformed"),
        ["header-not-json"] = ("{alg:ES256}", Claims(), "token-malformed"),
        ["header-an-array"] = ("""["ES256"]""", Claims(), "token-malformed"),
        ["exp-missing"] = (Header, Claims().Without("exp"), "token-no-expiry"),
    };

    private static RawClaims Claims() => RawClaims.Valid("alice", "pipeline", "auditor");

    private static string Later(string format) =>
        string.Format(System.Globalization.CultureInfo.InvariantCulture, format, DateTimeOffset.UtcNow.AddMinutes(30).ToUnixTimeSeconds());

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_token_that_reads_two_ways_or_has_mistyped_claims_is_refused_with_its_reason(string name, string code)
    {
        var (header, claims, _) = Tokens[name];
        await AssertRefused(_ledger.Issuer.SignRaw(claims, header), code);
    }

    [Fact]
    public async Task The_baseline_raw_token_is_accepted_so_each_case_differs_by_what_it_names()
    {
        using var client = _ledger.ClientWithToken(_ledger.Issuer.SignRaw(Claims()));

        await client.Post("/v1/datasets", Dataset("raw-baseline", "1")).Expect(HttpStatusCode.Created);
        await client.GetAsync("/v1/keys").Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_whole_number_of_seconds_written_with_a_trailing_zero_fraction_is_still_refused_as_not_whole() =>
        await AssertRefused(_ledger.Issuer.SignRaw(Claims().Set("exp", Later("{0}.0"))), "token-malformed");

    [Fact]
    public async Task A_token_naming_a_key_no_trusted_issuer_has_is_refused_as_an_unknown_key()
    {
        using var stranger = new TestIssuer();

        await AssertRefused(stranger.SignRaw(Claims(), """{"alg":"ES256","kid":"not-a-trusted-key"}"""), "token-unknown-key");
    }

    [Fact]
    public async Task A_token_signed_by_another_key_without_a_kid_is_refused_as_a_bad_signature()
    {
        using var stranger = new TestIssuer();

        await AssertRefused(stranger.SignRaw(Claims()), "token-bad-signature");
    }

    [Theory]
    [InlineData("five-parts", "eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d")]
    [InlineData("two-parts", "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhIn0")]
    [InlineData("padded-base64", "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhIn0=.c2ln")]
    [InlineData("standard-base64-alphabet", "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhIn0+/.c2ln")]
    [InlineData("empty-header", ".eyJzdWIiOiJhIn0.c2ln")]
    public async Task A_token_that_is_not_a_compact_signed_JWT_is_refused_as_malformed(string name, string token)
    {
        Assert.NotEmpty(name);
        await AssertRefused(token, "token-malformed");
    }

    private async Task AssertRefused(string token, string code)
    {
        var before = await _ledger.StoredEntries();
        using var client = _ledger.ClientWithToken(token);
        foreach (var request in new Func<Task<HttpResponseMessage>>[]
                 {
                     () => client.Post("/v1/datasets", Dataset($"raw-{Guid.NewGuid():N}", "1")),
                     () => client.GetAsync("/v1/keys"),
                 })
        {
            using var response = await request();
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"expected 401, got {(int)response.StatusCode}: {body}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = JsonNode.Parse(body)!.AsObject();
            Assert.Equal(code, (string?)problem["code"]);
            Assert.Equal(401, (int?)problem["status"]);
            Assert.Equal($"https://mlledger.dev/problems/{code}", (string?)problem["type"]);
            Assert.False(string.IsNullOrWhiteSpace((string?)problem["detail"]));
            var challenge = Assert.Single(response.Headers.WwwAuthenticate);
            Assert.Equal("Bearer", challenge.Scheme);
            Assert.StartsWith("error=\"invalid_token\", error_description=\"", challenge.Parameter, StringComparison.Ordinal);
        }

        Assert.Equal(before, await _ledger.StoredEntries());
    }
}
