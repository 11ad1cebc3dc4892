using System.Net;
using System.Text.Json.Nodes;
using MlLedger.Api.Hosting;
using MlLedger.Api.Tests.Infrastructure;
using static MlLedger.Api.Tests.Infrastructure.Requests;

namespace MlLedger.Api.Tests;

/// <summary>A ledger with small per-identity limits: 3 writes at once then 1 every 5 s (slow enough that a burst is spent before it refills on a busy machine); 2 reports at once then 1 a minute.</summary>
public sealed class RateLimitedLedgerFixture(PostgresFixture postgres) : IAsyncLifetime
{
    public const int WriteBurst = 3;
    public const int ReportBurst = 2;

    public LedgerApp App { get; private set; } = null!;

    public async Task InitializeAsync() => App = await LedgerApp.StartAsync(postgres, options => options with
    {
        RateLimits = new RateLimits
        {
            Writes = new TokenBucket(WriteBurst, Tokens: 1, Period: TimeSpan.FromSeconds(5)),
            Reports = new TokenBucket(ReportBurst, Tokens: 1, Period: TimeSpan.FromMinutes(1)),
        },
    });

    public async Task DisposeAsync() => await App.DisposeAsync();
}

/// <summary>
/// Each identity has its own buckets: past the burst a write is answered 429 with Retry-After and stores nothing,
/// while other identities, reads and the identity's other bucket go on; auth still answers first (401, 403).
/// Every test uses its own subject, so the tests do not share a bucket.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class RateLimitTests(RateLimitedLedgerFixture shared) : IClassFixture<RateLimitedLedgerFixture>
{
    private readonly LedgerApp _ledger = shared.App;

    [Fact]
    public async Task Past_its_burst_an_identity_gets_429_with_Retry_After_and_nothing_is_stored()
    {
        using var client = _ledger.Client("burst-bot", "pipeline");
        await SpendWriteBurst(client, "burst");
        var before = await _ledger.StoredEntries();

        using var refused = await client.Post("/v1/datasets", Dataset("burst-refused", "1"));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(RetryAfter(refused) >= 1, $"Retry-After {refused.Headers.RetryAfter}");
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = await refused.Json();
        Assert.Equal("rate-limited", (string?)problem["code"]);
        Assert.Equal("https://mlledger.dev/problems/rate-limited", (string?)problem["type"]);
        Assert.Equal(429, (int?)problem["status"]);
        Assert.Equal(before, await _ledger.StoredEntries());
        await client.GetAsync("/v1/datasets/burst-refused@1").Expect(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Another_identity_is_served_while_one_is_limited()
    {
        using var greedy = _ledger.Client("greedy-bot", "pipeline");
        using var other = _ledger.Client("patient-bot", "pipeline");
        await SpendWriteBurst(greedy, "greedy");
        using (var refused = await greedy.Post("/v1/datasets", Dataset("greedy-refused", "1")))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        }

        await other.Post("/v1/datasets", Dataset("patient", "1")).Expect(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Reads_are_not_limited_even_for_an_identity_whose_writes_are()
    {
        using var client = _ledger.Client("reading-bot", "pipeline");
        await SpendWriteBurst(client, "reading");

        for (var i = 0; i < 10 * RateLimitedLedgerFixture.WriteBurst; i++)
        {
            await client.GetAsync("/v1/datasets/reading-0@1").Expect(HttpStatusCode.OK);
            await client.GetAsync("/v1/keys").Expect(HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task After_waiting_Retry_After_the_identity_is_served_again()
    {
        using var client = _ledger.Client("waiting-bot", "pipeline");
        await SpendWriteBurst(client, "waiting");
        using var refused = await client.Post("/v1/datasets", Dataset("waiting-refused", "1"));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);

        await Task.Delay(TimeSpan.FromSeconds(RetryAfter(refused)));

        await client.Post("/v1/datasets", Dataset("waiting-again", "1")).Expect(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Without_a_token_a_write_is_401_and_without_the_role_403_however_often_it_is_sent()
    {
        using var anonymous = _ledger.Anonymous();
        using var auditor = _ledger.Client("forbidden-bot", "auditor");

        for (var i = 0; i < 3 * RateLimitedLedgerFixture.WriteBurst; i++)
        {
            using var unauthenticated = await anonymous.Post("/v1/datasets", Dataset("anonymous", "1"));
            using var forbidden = await auditor.Post("/v1/datasets", Dataset("forbidden", "1"));
            Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        }
    }

    [Fact]
    public async Task Reports_have_their_own_bucket_apart_from_writes()
    {
        using var client = _ledger.Client("report-bot", "pipeline", "auditor");
        await SpendWriteBurst(client, "report");

        // the writes are spent, the reports are not: a period report without its period is refused by the handler
        for (var i = 0; i < RateLimitedLedgerFixture.ReportBurst; i++)
        {
            await client.GetAsync("/v1/reports/audit-period.pdf").Expect(HttpStatusCode.BadRequest);
        }

        var before = await _ledger.StoredEntries();
        using var refused = await client.GetAsync("/v1/reports/compliance/report-model/1.pdf");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(RetryAfter(refused) >= 60, $"the report bucket gains a token a minute; Retry-After {refused.Headers.RetryAfter}");
        Assert.Equal("rate-limited", (string?)(await refused.Json())["code"]);
        Assert.Equal(before, await _ledger.StoredEntries());

        // and the other way round: an identity that spent its reports still writes
        using var writer = _ledger.Client("report-writer", "pipeline", "auditor");
        for (var i = 0; i < RateLimitedLedgerFixture.ReportBurst; i++)
        {
            await writer.GetAsync("/v1/reports/audit-period.pdf").Expect(HttpStatusCode.BadRequest);
        }

        await writer.Post("/v1/datasets", Dataset("report-writer", "1")).Expect(HttpStatusCode.Created);
    }

    /// <summary>Makes the burst's writes (each must be served), leaving the identity's write bucket empty.</summary>
    private static async Task SpendWriteBurst(HttpClient client, string prefix)
    {
        for (var i = 0; i < RateLimitedLedgerFixture.WriteBurst; i++)
        {
            await client.Post("/v1/datasets", Dataset($"{prefix}-{i}", "1")).Expect(HttpStatusCode.Created);
        }
    }

    private static int RetryAfter(HttpResponseMessage response) =>
        (int)(response.Headers.RetryAfter?.Delta ?? throw new InvalidOperationException("no Retry-After delta")).TotalSeconds;
}
