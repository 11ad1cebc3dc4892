using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using MlLedger.Api.Hosting;

namespace MlLedger.Api.Http;

/// <summary>
/// Per-identity token buckets: one for writes (every method but GET, HEAD and OPTIONS, so a new write endpoint is
/// limited without naming it), one for report downloads (<see cref="Reports"/>, named by the reports group); and caps
/// on the expensive reads in flight (<see cref="ExpensiveReads"/>). The limiter runs after authorization, so a caller
/// without a valid token is 401 and a forbidden one 403, never 429. A refused request is answered 429 with
/// Retry-After and reaches no handler: it stores nothing and starts nothing.
/// </summary>
internal static class RateLimiting
{
    /// <summary>The policy of the report downloads, which render a PDF and append a ReportIssued entry.</summary>
    public const string Reports = "reports";

    /// <summary>
    /// How often a partitioned limiter refills its buckets: a token is due after the lease's Retry-After, but is put
    /// in the bucket up to one tick later. Retry-After includes it, so that a client waiting that long is served.
    /// </summary>
    private static readonly TimeSpan ReplenishmentTick = TimeSpan.FromMilliseconds(100);

    /// <summary>When to ask again after a concurrency cap refused: no time is known, and a refusal costs next to nothing.</summary>
    private const int BusyRetryAfterSeconds = 5;

    public static IServiceCollection AddLedgerRateLimits(this IServiceCollection services, RateLimits limits) =>
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.GlobalLimiter = PartitionedRateLimiter.CreateChained(
            [
                PartitionedRateLimiter.Create<HttpContext, string>(http =>
                    IsRead(http.Request.Method) ? RateLimitPartition.GetNoLimiter("reads") : Partition("write", http, limits.Writes)),
                .. ExpensiveReads.Limiters(limits.ExpensiveReads, Identity),
            ]);
            options.AddPolicy(Reports, http => Partition("report", http, limits.Reports));
            options.OnRejected = Reject;
        });

    private static bool IsRead(string method) => HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method);

    private static RateLimitPartition<string> Partition(string bucket, HttpContext http, TokenBucket? limit) =>
        limit is null
            ? RateLimitPartition.GetNoLimiter($"{bucket}:unlimited")
            : RateLimitPartition.GetTokenBucketLimiter($"{bucket}:{Identity(http)}", _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = limit.Burst,
                TokensPerPeriod = limit.Tokens,
                ReplenishmentPeriod = limit.Period,
                QueueLimit = 0, // a refused request is answered at once; the client waits Retry-After
                AutoReplenishment = true,
            });

    /// <summary>
    /// The validated token's issuer and subject: two issuers may use the same subject for different callers. Only
    /// anonymous endpoints are reached without a token; a write among them would be limited per client address.
    /// </summary>
    private static string Identity(HttpContext http) =>
        http.User.Identity?.IsAuthenticated == true && http.User.FindFirst("sub") is { } sub
            ? $"{http.User.FindFirstValue("iss")}\n{sub.Value}"
            : $"anonymous\n{http.Connection.RemoteIpAddress}";

    private static async ValueTask Reject(OnRejectedContext context, CancellationToken ct)
    {
        var http = context.HttpContext;
        if (context.Lease.TryGetMetadata(ExpensiveReads.Refusal, out var cap) && cap is not null)
        {
            await Busy(http, cap);
            return;
        }

        var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (long)Math.Ceiling((wait + ReplenishmentTick).TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var what = http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == Reports ? "report downloads" : "writes";
        await Problems.Of(StatusCodes.Status429TooManyRequests, "rate-limited",
                $"Too many {what} from this identity; retry after {seconds} s.",
                new Dictionary<string, object?> { ["retryAfter"] = seconds })
            .ExecuteAsync(http);
    }

    private static async Task Busy(HttpContext http, CapRefusal cap)
    {
        http.Response.Headers.RetryAfter = BusyRetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        var detail = cap.Scope switch
        {
            CapScope.Identity => $"This identity already has {cap.Limit} expensive reads in flight (exports, verifications, reports, replays, lineage); " +
                                 "retry when one has finished",
            CapScope.Ledger => $"The ledger is serving its maximum of {cap.Limit} expensive reads at once; retry shortly",
            _ => "This request runs one at a time across the ledger, and one is running; retry when it has finished",
        };
        await Problems.Of(StatusCodes.Status429TooManyRequests, "too-many-concurrent", $"{detail} (Retry-After {BusyRetryAfterSeconds} s).",
                new Dictionary<string, object?>
                {
                    ["retryAfter"] = BusyRetryAfterSeconds,
                    ["scope"] = cap.Scope.ToString().ToLowerInvariant(),
                    ["limit"] = cap.Limit,
                })
            .ExecuteAsync(http);
    }
}
