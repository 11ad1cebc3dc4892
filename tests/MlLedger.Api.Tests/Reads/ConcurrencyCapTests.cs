using System.Net;
using System.Text.Json.Nodes;
using MlLedger.Api.Hosting;
using MlLedger.Api.Tests.Infrastructure;
using static MlLedger.Api.Tests.Infrastructure.Requests;

namespace MlLedger.Api.Tests.Reads;

/// <summary>A ledger that lets each identity run 1 expensive read at a time, and 2 in all.</summary>
public sealed class CappedLedgerFixture(PostgresFixture postgres) : IAsyncLifetime
{
    public const int PerIdentity = 1;
    public const int Total = 2;

    public LedgerApp App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = await LedgerApp.StartAsync(postgres, options => options with
        {
            RateLimits = RateLimits.Off with { ExpensiveReads = new ConcurrencyCap(PerIdentity, Total) },
        });
        var pipeline = App.Client("cap-bot", "pipeline");
        await pipeline.Post("/v1/datasets", Dataset("capped", "1")).Expect(HttpStatusCode.Created);
        await pipeline.Post("/v1/datasets/capped@1/checks", new { check = "pii-scan", result = "passed" }).Expect(HttpStatusCode.OK);
        // the export and the self-check need a checkpoint before they read any entry
        await Log.LogClient.CheckpointCovering(App.Client("cap-auditor", "auditor"), await App.StoredEntries());
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}

/// <summary>
/// Expensive reads in flight are capped per identity and in all: past a cap the answer is 429 too-many-concurrent with
/// Retry-After, at once, and nothing starts. Reads are held in flight by a lock on the event table (<see cref="HeldReads"/>).
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class ConcurrencyCapTests(CappedLedgerFixture shared) : IClassFixture<CappedLedgerFixture>
{
    private readonly LedgerApp _ledger = shared.App;

    [Fact]
    public async Task An_identity_at_its_cap_gets_429_with_Retry_After_and_its_refused_read_starts_nothing()
    {
        using var alice = _ledger.Client("alice-cap", "auditor");
        Task<HttpResponseMessage> held;
        await using (var reads = await HeldReads.Hold(_ledger))
        {
            held = alice.GetAsync("/v1/verification/streams");
            await reads.WaitingFor(HeldReads.StreamPages, 1);

            await AssertBusy(await alice.GetAsync("/v1/export"), "identity", CappedLedgerFixture.PerIdentity);
            await AssertBusy(await alice.GetAsync("/v1/verification/log"), "identity", CappedLedgerFixture.PerIdentity);
            Assert.Equal(0, await reads.Waiting(HeldReads.ExportPages));
            Assert.Equal(0, await reads.Waiting(HeldReads.SelfCheck));
            Assert.Equal(1, await reads.Waiting(HeldReads.StreamPages));

            // cheap reads are never capped, and authorization answers before any cap
            await alice.GetAsync("/v1/keys").Expect(HttpStatusCode.OK);
            using var pipeline = _ledger.Client("alice-cap", "pipeline");
            using var forbidden = await pipeline.GetAsync("/v1/export");
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        }

        var answer = await held.Expect(HttpStatusCode.OK);
        Assert.True((bool)answer["valid"]!, answer.ToJsonString());

        // the place is free again
        await alice.GetAsync("/v1/verification/streams").Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Another_identity_is_let_through_while_one_is_at_its_cap_until_the_ledger_cap()
    {
        using var alice = _ledger.Client("alice-total", "auditor");
        using var bob = _ledger.Client("bob-total", "admin");
        using var carol = _ledger.Client("carol-total", "auditor");
        Task<HttpResponseMessage> first, second;
        await using (var reads = await HeldReads.Hold(_ledger))
        {
            first = alice.GetAsync("/v1/verification/streams");
            await reads.WaitingFor(HeldReads.StreamPages, 1);
            await AssertBusy(await alice.GetAsync("/v1/verification/streams?stream=datasets/capped@1"), "identity", CappedLedgerFixture.PerIdentity);

            second = bob.GetAsync("/v1/export");
            await reads.WaitingFor(HeldReads.ExportPages, 1);

            await AssertBusy(await carol.GetAsync("/v1/verification/streams"), "ledger", CappedLedgerFixture.Total);
            Assert.Equal(1, await reads.Waiting(HeldReads.StreamPages));
        }

        await first.Expect(HttpStatusCode.OK);
        using (var export = await second)
        {
            Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        }

        await carol.GetAsync("/v1/verification/streams").Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_self_check_runs_one_at_a_time_whoever_asks_and_other_reads_go_on_beside_it()
    {
        using var alice = _ledger.Client("alice-alone", "auditor");
        using var bob = _ledger.Client("bob-alone", "auditor");
        Task<HttpResponseMessage> check, streams;
        await using (var reads = await HeldReads.Hold(_ledger))
        {
            check = alice.GetAsync("/v1/verification/log");
            await reads.WaitingFor(HeldReads.SelfCheck, 1);

            await AssertBusy(await bob.GetAsync("/v1/verification/log"), "endpoint", 1);
            streams = bob.GetAsync("/v1/verification/streams");
            await reads.WaitingFor(HeldReads.StreamPages, 1);
            Assert.Equal(1, await reads.Waiting(HeldReads.SelfCheck));
        }

        var report = await check.Expect(HttpStatusCode.OK);
        Assert.True((bool)report["valid"]!, report.ToJsonString());
        await streams.Expect(HttpStatusCode.OK);
    }

    private static async Task AssertBusy(HttpResponseMessage response, string scope, int limit)
    {
        using (response)
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.Equal("too-many-concurrent", (string?)problem["code"]);
            Assert.Equal("https://mlledger.dev/problems/too-many-concurrent", (string?)problem["type"]);
            Assert.Equal(scope, (string?)problem["scope"]);
            Assert.Equal(limit, (int?)problem["limit"]);
            Assert.Equal(5, (int?)problem["retryAfter"]);
        }
    }
}
