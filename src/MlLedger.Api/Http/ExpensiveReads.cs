using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using MlLedger.Api.Hosting;

namespace MlLedger.Api.Http;

/// <summary>Endpoint metadata of a read whose cost grows with the ledger; <paramref name="OneAtATime"/>: it also runs alone across the ledger.</summary>
internal sealed record ExpensiveRead(bool OneAtATime);

/// <summary>Which cap refused a request.</summary>
internal enum CapScope
{
    /// <summary>The identity's own expensive reads in flight.</summary>
    Identity,

    /// <summary>Every expensive read in flight, whoever asked.</summary>
    Ledger,

    /// <summary>The endpoint runs one at a time, and one is running.</summary>
    Endpoint,
}

/// <summary>
/// Caps on the expensive reads in flight (<see cref="ConcurrencyCap"/>): one <see cref="ConcurrencyLimiter"/> per identity,
/// one for the whole ledger, and one per endpoint that runs alone. A request over a cap is refused at once (no queue):
/// it starts nothing, and the caller retries later.
/// </summary>
internal static class ExpensiveReads
{
    /// <summary>Marks an endpoint as an expensive read: it runs under the caps, and its OpenAPI entry lists the 429.</summary>
    public static TBuilder CapConcurrency<TBuilder>(this TBuilder builder, bool oneAtATime = false) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ExpensiveRead(oneAtATime),
            new ProducesResponseTypeMetadata(StatusCodes.Status429TooManyRequests, typeof(ProblemDetails), ["application/problem+json"]));

    /// <summary>Names the cap on a refused lease, for the answer to say which one it was.</summary>
    public static readonly MetadataName<CapRefusal> Refusal = new("mlledger.concurrency-cap");

    /// <summary>The limiters, in the order a request takes them: its identity's place, the ledger's, the endpoint's own.</summary>
    public static PartitionedRateLimiter<HttpContext>[] Limiters(ConcurrencyCap? cap, Func<HttpContext, string> identity) =>
    [
        PartitionedRateLimiter.Create<HttpContext, string>(http => cap is not null && Of(http) is not null
            ? Partition($"reads:{identity(http)}", cap.PerIdentity, CapScope.Identity)
            : RateLimitPartition.GetNoLimiter("reads:uncapped")),
        PartitionedRateLimiter.Create<HttpContext, string>(http => cap is not null && Of(http) is not null
            ? Partition("reads", cap.Total, CapScope.Ledger)
            : RateLimitPartition.GetNoLimiter("reads:uncapped")),
        // the self-check's one at a time holds whatever the configured caps are: it reads and verifies the whole ledger
        PartitionedRateLimiter.Create<HttpContext, string>(http => Of(http) is { OneAtATime: true }
            ? Partition($"alone:{(http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText}", 1, CapScope.Endpoint)
            : RateLimitPartition.GetNoLimiter("alone:none")),
    ];

    private static ExpensiveRead? Of(HttpContext http) => http.GetEndpoint()?.Metadata.GetMetadata<ExpensiveRead>();

    private static RateLimitPartition<string> Partition(string key, int permits, CapScope scope) =>
        RateLimitPartition.Get(key, _ => new CappedLimiter(new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = permits,
            QueueLimit = 0, // refused at once; the answer says when to try again
        }), new CapRefusal(scope, permits)));
}

/// <summary>What a refused lease says: the cap that refused it and its size.</summary>
internal sealed record CapRefusal(CapScope Scope, int Limit);

/// <summary>A <see cref="ConcurrencyLimiter"/> whose refusals name their cap (the limiter's own carry nothing).</summary>
internal sealed class CappedLimiter(RateLimiter inner, CapRefusal refusal) : RateLimiter
{
    public override TimeSpan? IdleDuration => inner.IdleDuration;

    public override RateLimiterStatistics? GetStatistics() => inner.GetStatistics();

    protected override RateLimitLease AttemptAcquireCore(int permitCount) => Named(inner.AttemptAcquire(permitCount));

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        Named(await inner.AcquireAsync(permitCount, cancellationToken));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await inner.DisposeAsync();
        await base.DisposeAsyncCore();
    }

    private RateLimitLease Named(RateLimitLease lease)
    {
        if (lease.IsAcquired)
        {
            return lease;
        }

        lease.Dispose();
        return new Refused(refusal);
    }

    private sealed class Refused(CapRefusal refusal) : RateLimitLease
    {
        public override bool IsAcquired => false;

        public override IEnumerable<string> MetadataNames => [ExpensiveReads.Refusal.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = metadataName == ExpensiveReads.Refusal.Name ? refusal : null;
            return metadata is not null;
        }
    }
}
