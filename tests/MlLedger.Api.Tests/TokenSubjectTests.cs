using System.Net;
using System.Text.Json.Nodes;
using MlLedger.Api.Auth;
using MlLedger.Api.Tests.Infrastructure;
using static MlLedger.Api.Tests.Infrastructure.RawTokens;
using static MlLedger.Api.Tests.Infrastructure.Requests;

namespace MlLedger.Api.Tests;

/// <summary>
/// The identity the ledger records and compares is the token's issuer and its subject, exactly: a subject the ledger
/// would have to trim, repair or could not store is refused at authentication (401 token-subject-not-canonical,
/// nothing stored), and separation of duties compares issuer and subject (case-sensitive by default).
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class TokenSubjectTests(LedgerFixture shared) : IClassFixture<LedgerFixture>
{
    private readonly LedgerApp _ledger = shared.App;

    /// <summary>Subjects as JSON string literals (escapes included), each breaking one rule of a canonical name.</summary>
    public static TheoryData<string, string> NonCanonicalSubjects() => new()
    {
        { "trailing-space", "\"alice \"" },
        { "leading-space", "\" alice\"" },
        { "empty", "\"\"" },
        { "only-a-space", "\" \"" },
        { "nul", "\"ali\\u0000ce\"" },
        { "nul-at-the-end", "\"alice\\u0000\"" },
        { "tab", "\"alice\\t\"" },
        { "newline", "\"alice\\nadmin\"" },
        { "delete", "\"alice\\u007f\"" },
        { "c1-control", "\"alice\\u0085\"" },
        { "zero-width-space", "\"ali\\u200bce\"" },
        { "zero-width-joiner", "\"ali\\u200dce\"" },
        { "byte-order-mark", "\"\\ufeffalice\"" },
        { "right-to-left-override", "\"\\u202eecila\"" },
        { "bidi-isolate", "\"alice\\u2066\"" },
        { "soft-hyphen", "\"ali\\u00adce\"" },
        { "word-joiner", "\"ali\\u2060ce\"" },
        { "combining-grapheme-joiner", "\"ali\\u034fce\"" },
        { "hangul-filler", "\"\\u3164\"" },
        { "variation-selector", "\"alice\\ufe0f\"" },
        { "tag-character", "\"alice\\udb40\\udc41\"" },
        { "no-break-space-inside", "\"alice\\u00a0smith\"" },
        { "ideographic-space", "\"alice\\u3000\"" },
        { "line-separator", "\"alice\\u2028\"" },
        { "private-use", "\"alice\\ue000\"" },
        { "non-character", "\"alice\\uffff\"" },
        { "decomposed-e-acute", "\"jose\\u0301\"" },
        { "angstrom-sign", "\"\\u212b\"" },
        { "combining-marks-out-of-order", "\"a\\u0315\\u0316\"" },
        { "256-bytes", Quote(new string('a', 256)) },
        { "128-two-byte-characters", Quote(new string('\u00e9', 128)) },
    };

    [Theory]
    [MemberData(nameof(NonCanonicalSubjects))]
    public async Task A_non_canonical_subject_is_refused_at_authentication_and_nothing_is_stored(string name, string subject)
    {
        Assert.NotEmpty(name);
        var token = _ledger.Issuer.SignRaw(RawClaims.Valid("placeholder", "pipeline", "approver").Set("sub", subject));

        await AssertRefused(token, "token-subject-not-canonical");
    }

    [Fact]
    public async Task A_token_without_a_subject_is_refused_as_identifying_nobody() =>
        await AssertRefused(_ledger.Issuer.SignRaw(RawClaims.Valid("x", "pipeline").Without("sub")), "token-subject-missing");

    [Theory]
    [InlineData("alice smith")]
    [InlineData("Jos\u00e9")]
    [InlineData("m\u00fcller@example.com")]
    [InlineData("CN=ci-bot,O=Example")]
    [InlineData("248289761001")]
    [InlineData("service-account:ns:ci")]
    [InlineData("\u5f20\u4f1f")]
    public async Task A_canonical_subject_is_recorded_exactly_with_the_issuer(string subject)
    {
        var name = $"subj-{Guid.NewGuid():N}"[..20];
        using var client = _ledger.ClientWithToken(_ledger.Issuer.SignRaw(RawClaims.Valid(subject, "pipeline")));

        var receipt = await client.Post("/v1/datasets", Dataset(name, "1")).Expect(HttpStatusCode.Created);

        var ledger = await SignedLedgerMetadata(client, (long)receipt["entries"]![0]!["seq"]!);
        Assert.Equal(subject, (string?)ledger["actor"]);
        Assert.Equal(TestIssuer.Issuer, (string?)ledger["actorIssuer"]);
    }

    [Fact]
    public async Task A_subject_of_255_bytes_is_the_longest_accepted()
    {
        using var client = _ledger.ClientWithToken(_ledger.Issuer.SignRaw(RawClaims.Valid(new string('a', 255), "pipeline")));

        await client.GetAsync("/v1/keys").Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_requester_cannot_approve_and_one_person_decides_once_compared_by_issuer_and_subject()
    {
        var (promotion, _) = await RequestPromotion("sod-same", "alice");

        await Approve(promotion, "alice").Expect(HttpStatusCode.Conflict);
        await Approve(promotion, "bob").Expect(HttpStatusCode.OK);
        var again = await Approve(promotion, "bob").Expect(HttpStatusCode.Conflict);

        Assert.Equal("already-decided", (string?)again["code"]);
    }

    [Fact]
    public async Task With_the_default_case_rule_a_subject_in_another_case_is_another_identity()
    {
        var (promotion, _) = await RequestPromotion("sod-case", "pipe-1");

        var approval = await Approve(promotion, "PIPE-1").Expect(HttpStatusCode.OK);

        var seq = (long)approval["entries"]![0]!["seq"]!;
        var ledger = await SignedLedgerMetadata(_ledger.Client("audrey", "auditor"), seq);
        Assert.Equal("PIPE-1", (string?)ledger["actor"]);
    }

    [Fact]
    public async Task An_approval_records_the_approver_issuer_in_its_event_and_its_signed_metadata()
    {
        var (promotion, request) = await RequestPromotion("sod-record", "alice");
        using var auditor = _ledger.Client("audrey", "auditor");
        var requested = await SignedEvent(auditor, (long)request["entries"]![0]!["seq"]!);
        Assert.Equal(("alice", TestIssuer.Issuer), ((string?)requested["event"]!["requestedBy"], (string?)requested["event"]!["requestedByIssuer"]));

        var approval = await Approve(promotion, "bob").Expect(HttpStatusCode.OK);

        var granted = await SignedEvent(auditor, (long)approval["entries"]![0]!["seq"]!);
        Assert.Equal("ApprovalGranted", (string?)granted["eventType"]);
        Assert.Equal(("bob", TestIssuer.Issuer), ((string?)granted["event"]!["approver"], (string?)granted["event"]!["approverIssuer"]));
        Assert.Equal(("bob", TestIssuer.Issuer), ((string?)granted["ledger"]!["actor"], (string?)granted["ledger"]!["actorIssuer"]));
        var check = await auditor.GetAsync("/v1/verification/streams").Expect(HttpStatusCode.OK);
        Assert.True((bool)check["valid"]!, check.ToJsonString());
    }

    private async Task<(string Promotion, JsonObject Answer)> RequestPromotion(string model, string requester)
    {
        using var pipeline = _ledger.Client("ci-bot", "pipeline");
        if (!(await pipeline.GetAsync("/v1/datasets/churn-train@3")).IsSuccessStatusCode)
        {
            await pipeline.Post("/v1/datasets", Dataset()).Expect(HttpStatusCode.Created);
        }

        await pipeline.Post($"/v1/models/{model}/versions", ModelVersion("1")).Expect(HttpStatusCode.Created);
        using var client = _ledger.Client(requester, "approver");
        var answer = await client.Post("/v1/promotions", Promotion(model, "1")).Expect(HttpStatusCode.Created);
        return ((string)answer["id"]!, answer);
    }

    private Task<HttpResponseMessage> Approve(string promotion, string approver) =>
        _ledger.Client(approver, "approver").Post($"/v1/promotions/{promotion}/approvals", Approval());

    internal static async Task<JsonObject> SignedEvent(HttpClient client, long seq)
    {
        var entry = await client.GetAsync($"/v1/entries/{seq}").Expect(HttpStatusCode.OK);
        return JsonNode.Parse(Convert.FromBase64String((string)entry["envelope"]!["payload"]!))!["predicate"]!.AsObject();
    }

    internal static async Task<JsonObject> SignedLedgerMetadata(HttpClient client, long seq) =>
        (await SignedEvent(client, seq))["ledger"]!.AsObject();

    private async Task AssertRefused(string token, string code)
    {
        var before = await _ledger.StoredEntries();
        using var client = _ledger.ClientWithToken(token);

        using var response = await client.Post("/v1/datasets", Dataset($"subj-{Guid.NewGuid():N}"[..20], "1"));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"expected 401, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, (string?)JsonNode.Parse(body)!["code"]);
        Assert.Equal(before, await _ledger.StoredEntries());
    }
}

/// <summary>A ledger whose issuer's subjects are case-insensitive (<c>--jwt-subject-case insensitive</c>).</summary>
public sealed class CaseInsensitiveLedgerFixture(PostgresFixture postgres) : IAsyncLifetime
{
    public LedgerApp App { get; private set; } = null!;

    public async Task InitializeAsync() => App = await LedgerApp.StartAsync(postgres, options => options with
    {
        Jwt = options.Jwt with { Claims = new ClaimMapping { SubjectCase = SubjectCase.Insensitive } },
    });

    public async Task DisposeAsync() => await App.DisposeAsync();
}

/// <summary>With a case-insensitive issuer, the identity is the subject in invariant lowercase: recorded and compared so.</summary>
[Collection(LedgerCollection.Name)]
public sealed class CaseInsensitiveSubjectTests(CaseInsensitiveLedgerFixture shared) : IClassFixture<CaseInsensitiveLedgerFixture>
{
    private readonly LedgerApp _ledger = shared.App;

    [Theory]
    [InlineData("pipe-1", "PIPE-1")]
    [InlineData("alice", "ALICE")]
    [InlineData("Alice", "aLiCe")]
    public async Task A_subject_in_another_case_is_the_requester_and_cannot_approve(string requester, string approver)
    {
        var model = $"ci-{Guid.NewGuid():N}"[..16];
        using var pipeline = _ledger.Client("ci-bot", "pipeline");
        if (!(await pipeline.GetAsync("/v1/datasets/churn-train@3")).IsSuccessStatusCode)
        {
            await pipeline.Post("/v1/datasets", Dataset()).Expect(HttpStatusCode.Created);
        }

        await pipeline.Post($"/v1/models/{model}/versions", ModelVersion("1")).Expect(HttpStatusCode.Created);
        var promotion = (string)(await _ledger.Client(requester, "approver").Post("/v1/promotions", Promotion(model, "1"))
            .Expect(HttpStatusCode.Created))["id"]!;

        var refused = await _ledger.Client(approver, "approver").Post($"/v1/promotions/{promotion}/approvals", Approval())
            .Expect(HttpStatusCode.Conflict);

        Assert.Equal("self-approval", (string?)refused["code"]);
    }

    [Fact]
    public async Task The_recorded_actor_is_the_lowercase_subject()
    {
        using var client = _ledger.Client("CI-Bot", "pipeline");

        var receipt = await client.Post("/v1/datasets", Dataset("ci-lower", "1")).Expect(HttpStatusCode.Created);

        var ledger = await TokenSubjectTests.SignedLedgerMetadata(client, (long)receipt["entries"]![0]!["seq"]!);
        Assert.Equal(("ci-bot", TestIssuer.Issuer), ((string?)ledger["actor"], (string?)ledger["actorIssuer"]));
    }

    [Fact]
    public async Task An_idempotency_key_is_scoped_to_the_identity_whatever_the_case_of_its_subject()
    {
        using var upper = _ledger.Client("KEY-BOT", "pipeline");
        using var lower = _ledger.Client("key-bot", "pipeline");
        upper.DefaultRequestHeaders.Add("Idempotency-Key", "ci-case-1");
        lower.DefaultRequestHeaders.Add("Idempotency-Key", "ci-case-1");

        var first = await upper.Post("/v1/datasets", Dataset("ci-idem", "1")).Expect(HttpStatusCode.Created);
        var before = await _ledger.StoredEntries();
        var replayed = await lower.Post("/v1/datasets", Dataset("ci-idem", "1")).Expect(HttpStatusCode.Created);

        Assert.Equal(first.ToJsonString(), replayed.ToJsonString());
        Assert.Equal(before, await _ledger.StoredEntries());
    }
}
