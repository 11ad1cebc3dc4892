using System.Diagnostics;
using System.Net;
using MlLedger.Api.Tests.Infrastructure;

namespace MlLedger.Api.Tests.IdentityProvider;

/// <summary>
/// Keys rotated and removed at the provider: a new key is accepted at once (the first token naming it refreshes the
/// keys) even right after a forged token spent that refresh; forged tokens make at most one fetch per interval; a
/// removed key is refused from the next periodic refresh on, for good.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class KeyRotationAtProviderTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Given_a_forged_token_just_before_a_rotation_When_the_new_key_signs_Then_it_is_accepted_within_the_unknown_key_interval()
    {
        await using var provider = await OidcProvider.StartAsync();
        var unknownKeyInterval = TimeSpan.FromSeconds(3);
        await using var ledger = await AuthorityLedger.StartAsync(postgres, AuthorityLedger.Settings(provider) with
        {
            KeysRefresh = TimeSpan.FromHours(1), KeysMaxAge = TimeSpan.FromHours(2), UnknownKeyRefreshInterval = unknownKeyInterval,
        });
        await AuthorityLedger.Readiness(ledger, HttpStatusCode.OK, "Healthy");
        var before = await provider.Served();

        // anyone can send a token naming an unknown key: it costs one fetch of the keys, and is refused
        Assert.Equal(HttpStatusCode.Unauthorized, await AuthorityLedger.Read(ledger, ForgedTokens.With("forged-1", provider.Issuer)));
        var forgedAt = Stopwatch.StartNew();
        Assert.Equal(before.Jwks + 1, (await provider.Served()).Jwks);

        var published = await provider.Rotate();
        var token = await provider.ClientToken("ci-pipeline");
        await AuthorityLedger.Answers(ledger, token, HttpStatusCode.OK, "a token of the new key to be accepted");

        // not the periodic refresh (an hour away): the next refresh a token naming the new key may make
        Assert.True(forgedAt.Elapsed < TimeSpan.FromMinutes(1), $"accepted after {forgedAt.Elapsed}");
        Assert.Equal(["k2", "k1"], published);
        Assert.Equal("k2,k1", (await AuthorityLedger.IdentityProvider(ledger)).Data["keyIds"]);
    }

    [Fact]
    public async Task Given_forged_tokens_with_random_key_ids_Then_the_provider_is_asked_at_most_once_per_interval()
    {
        await using var provider = await OidcProvider.StartAsync();
        var interval = TimeSpan.FromSeconds(5);
        await using var ledger = await AuthorityLedger.StartAsync(postgres, AuthorityLedger.Settings(provider) with
        {
            KeysRefresh = TimeSpan.FromHours(1), KeysMaxAge = TimeSpan.FromHours(2), UnknownKeyRefreshInterval = interval,
        });
        await AuthorityLedger.Readiness(ledger, HttpStatusCode.OK, "Healthy");
        var start = await provider.Served();

        // tokens of another issuer or audience could never pass: they fetch nothing
        foreach (var forged in Enumerable.Range(0, 10).SelectMany(i => new[]
                 {
                     ForgedTokens.With($"other-issuer-{i}", "https://elsewhere.test"),
                     ForgedTokens.With($"other-audience-{i}", provider.Issuer, "another-api"),
                 }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await AuthorityLedger.Read(ledger, forged));
        }

        Assert.Equal(start.Jwks, (await provider.Served()).Jwks);

        var clock = Stopwatch.StartNew();
        var answers = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => AuthorityLedger.Read(ledger, ForgedTokens.With($"random-{i}", provider.Issuer))));
        var elapsed = clock.Elapsed;

        Assert.All(answers, status => Assert.Equal(HttpStatusCode.Unauthorized, status));
        var fetches = (await provider.Served()).Jwks - start.Jwks;
        var allowed = 1 + (int)(elapsed / interval);
        Assert.InRange(fetches, 1, allowed);
    }

    [Fact]
    public async Task Given_a_key_removed_at_the_provider_Then_its_tokens_are_refused_from_the_next_refresh_and_stay_refused()
    {
        await using var provider = await OidcProvider.StartAsync();
        await using var ledger = await AuthorityLedger.StartAsync(postgres, AuthorityLedger.Settings(provider) with
        {
            KeysRefresh = TimeSpan.FromSeconds(1), KeysMaxAge = TimeSpan.FromMinutes(10),
        });
        await AuthorityLedger.Readiness(ledger, HttpStatusCode.OK, "Healthy");
        var oldToken = await provider.ClientToken("ci-pipeline");
        await provider.Rotate();
        var newToken = await provider.ClientToken("ci-pipeline");
        await AuthorityLedger.Answers(ledger, newToken, HttpStatusCode.OK, "the new key to be accepted");
        Assert.Equal(HttpStatusCode.OK, await AuthorityLedger.Read(ledger, oldToken)); // still published: still valid

        await provider.Remove("k1");

        await AuthorityLedger.Answers(ledger, oldToken, HttpStatusCode.Unauthorized, "the removed key to be refused");
        for (var i = 0; i < 6; i++) // three refresh intervals later: no last-known-good key set brings it back
        {
            await Task.Delay(500);
            Assert.Equal(HttpStatusCode.Unauthorized, await AuthorityLedger.Read(ledger, oldToken));
            Assert.Equal(HttpStatusCode.OK, await AuthorityLedger.Read(ledger, newToken));
        }

        Assert.Equal("k2", (await AuthorityLedger.IdentityProvider(ledger)).Data["keyIds"]);
    }
}
