using System.Net;
using MlLedger.Api.Auth;
using MlLedger.Api.Tests.Infrastructure;
using static MlLedger.Api.Tests.Infrastructure.RawTokens;
using static MlLedger.Api.Tests.Infrastructure.Requests;

namespace MlLedger.Api.Tests;

/// <summary>
/// Roles come from one claim in one shape: an array of role names by default. A roles claim of any other shape grants
/// nothing at all (403 on every endpoint, nothing stored), even when one of its values names a real role.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class TokenRolesTests(LedgerFixture shared) : IClassFixture<LedgerFixture>
{
    private readonly LedgerApp _ledger = shared.App;

    /// <summary>The roles claim as raw JSON; each holds "pipeline" somewhere, and none is an array of canonical role names.</summary>
    public static TheoryData<string, string> ShapesThatGrantNothing() => new()
    {
        { "a-single-string", "\"pipeline\"" },
        { "a-space-separated-string", "\"pipeline auditor\"" },
        { "a-number", "1" },
        { "true", "true" },
        { "null", "null" },
        { "an-object", """{"pipeline":true}""" },
        { "an-object-holding-an-array", """{"roles":["pipeline"]}""" },
        { "a-nested-array", """[["pipeline"]]""" },
        { "an-array-with-a-number", """["pipeline",1]""" },
        { "an-array-with-null", """["pipeline",null]""" },
        { "an-array-with-true", """["pipeline",true]""" },
        { "an-array-with-an-object", """["pipeline",{"role":"admin"}]""" },
        { "an-array-with-a-nul-role", """["pipeline","admin\u0000"]""" },
        { "an-array-with-an-empty-role", """["pipeline",""]""" },
        { "an-array-with-a-padded-role", """["pipeline"," admin"]""" },
        { "an-array-with-an-invisible-role", """["pipeline","ad\u200bmin"]""" },
        { "an-array-of-257-roles", $"[{string.Join(",", Enumerable.Range(0, 256).Select(i => Quote($"r{i}")))},\"pipeline\"]" },
    };

    [Theory]
    [MemberData(nameof(ShapesThatGrantNothing))]
    public async Task A_roles_claim_of_another_shape_grants_no_role(string name, string roles)
    {
        Assert.NotEmpty(name);
        var before = await _ledger.StoredEntries();
        using var client = _ledger.ClientWithToken(_ledger.Issuer.SignRaw(RawClaims.Valid("shape-bot").Set("roles", roles)));

        var write = await client.Post("/v1/datasets", Dataset($"roles-{Guid.NewGuid():N}"[..20], "1")).Expect(HttpStatusCode.Forbidden);
        await client.GetAsync("/v1/keys").Expect(HttpStatusCode.Forbidden);

        Assert.Equal("forbidden", (string?)write["code"]);
        Assert.Equal(before, await _ledger.StoredEntries());
    }

    [Fact]
    public async Task An_array_of_role_names_grants_each_of_them()
    {
        using var client = _ledger.ClientWithToken(_ledger.Issuer.SignRaw(RawClaims.Valid("shape-bot").Set("roles", Strings("pipeline", "pipeline", "auditor"))));

        await client.Post("/v1/datasets", Dataset("roles-array", "1")).Expect(HttpStatusCode.Created);
        await client.GetAsync("/v1/verification/streams").Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Without_a_roles_claim_the_token_authenticates_and_grants_nothing()
    {
        using var client = _ledger.ClientWithToken(_ledger.Issuer.SignRaw(RawClaims.Valid("shape-bot").Without("roles")));

        await client.GetAsync("/v1/keys").Expect(HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData("groups")]
    [InlineData("realm_access")]
    [InlineData("scope")]
    [InlineData("role")]
    public async Task Roles_elsewhere_than_the_configured_claim_grant_nothing(string claim)
    {
        var value = claim == "realm_access" ? """{"roles":["pipeline"]}""" : claim == "scope" ? "\"pipeline\"" : Strings("pipeline");
        using var client = _ledger.ClientWithToken(_ledger.Issuer.SignRaw(RawClaims.Valid("shape-bot").Without("roles").Add(claim, value)));

        await client.GetAsync("/v1/keys").Expect(HttpStatusCode.Forbidden);
    }
}

/// <summary>A ledger mapping roles the Keycloak way: <c>--jwt-roles-claim /realm_access/roles</c>.</summary>
public sealed class RealmRolesLedgerFixture(PostgresFixture postgres) : IAsyncLifetime
{
    public LedgerApp App { get; private set; } = null!;

    public async Task InitializeAsync() => App = await LedgerApp.StartAsync(postgres, options => options with
    {
        Jwt = options.Jwt with { Claims = new ClaimMapping { RolesClaim = "/realm_access/roles" } },
    });

    public async Task DisposeAsync() => await App.DisposeAsync();
}

/// <summary>Roles from a nested claim named by a JSON Pointer; the top-level <c>roles</c> claim then grants nothing.</summary>
[Collection(LedgerCollection.Name)]
public sealed class RealmRolesTests(RealmRolesLedgerFixture shared) : IClassFixture<RealmRolesLedgerFixture>
{
    private readonly LedgerApp _ledger = shared.App;

    private string Token(string realmAccess, string? topLevelRoles = null)
    {
        var claims = RawClaims.Valid("kc-user").Without("roles").Add("realm_access", realmAccess);
        return _ledger.Issuer.SignRaw(topLevelRoles is null ? claims : claims.Add("roles", topLevelRoles));
    }

    [Fact]
    public async Task The_roles_under_realm_access_are_granted()
    {
        using var client = _ledger.ClientWithToken(Token("""{"roles":["pipeline","offline_access"]}"""));

        await client.Post("/v1/datasets", Dataset("realm-ok", "1")).Expect(HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("""{"roles":"pipeline"}""", null)]
    [InlineData("""{"roles":[["pipeline"]]}""", null)]
    [InlineData("""{"role":["pipeline"]}""", null)]
    [InlineData("""["pipeline"]""", null)]
    [InlineData("""{"roles":[]}""", """["pipeline"]""")]
    public async Task Anything_but_an_array_of_strings_at_the_pointer_grants_nothing(string realmAccess, string? topLevelRoles)
    {
        using var client = _ledger.ClientWithToken(Token(realmAccess, topLevelRoles));

        await client.Post("/v1/datasets", Dataset($"realm-{Guid.NewGuid():N}"[..20], "1")).Expect(HttpStatusCode.Forbidden);
    }
}

/// <summary>
/// A ledger mapping roles from a space-separated <c>groups</c> string (<c>--jwt-roles-claim groups --jwt-roles-format
/// space-separated</c>).
/// </summary>
public sealed class SpaceSeparatedRolesLedgerFixture(PostgresFixture postgres) : IAsyncLifetime
{
    public LedgerApp App { get; private set; } = null!;

    public async Task InitializeAsync() => App = await LedgerApp.StartAsync(postgres, options => options with
    {
        Jwt = options.Jwt with { Claims = new ClaimMapping { RolesClaim = "groups", RolesFormat = RolesFormat.SpaceSeparated } },
    });

    public async Task DisposeAsync() => await App.DisposeAsync();
}

[Collection(LedgerCollection.Name)]
public sealed class SpaceSeparatedRolesTests(SpaceSeparatedRolesLedgerFixture shared) : IClassFixture<SpaceSeparatedRolesLedgerFixture>
{
    private readonly LedgerApp _ledger = shared.App;

    private HttpClient Client(string groups) =>
        _ledger.ClientWithToken(_ledger.Issuer.SignRaw(RawClaims.Valid("grp-user").Without("roles").Add("groups", groups)));

    [Theory]
    [InlineData("\"pipeline\"")]
    [InlineData("\"auditor pipeline\"")]
    [InlineData("\"  pipeline   auditor \"")]
    public async Task Each_name_of_the_string_is_a_role(string groups)
    {
        using var client = Client(groups);

        await client.Post("/v1/datasets", Dataset($"grp-{Guid.NewGuid():N}"[..20], "1")).Expect(HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("""["pipeline"]""")]
    [InlineData("\"pipeline\\tauditor\"")]
    [InlineData("\"pipeline,auditor\"")]
    [InlineData("\"pipeline admin\\u0000\"")]
    [InlineData("null")]
    public async Task Anything_but_a_string_of_canonical_names_grants_nothing(string groups)
    {
        using var client = Client(groups);

        await client.Post("/v1/datasets", Dataset($"grp-{Guid.NewGuid():N}"[..20], "1")).Expect(HttpStatusCode.Forbidden);
    }
}
