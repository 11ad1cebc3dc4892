using System.Globalization;

namespace MlLedger.Api.Hosting;

/// <summary>
/// How many writes and report downloads one identity (token issuer + subject) may make: a token bucket each; and how
/// many expensive reads may run at once, per identity and in all. Other reads are never limited. A null limit is
/// no limit; <see cref="Off"/> turns every one off.
/// </summary>
public sealed record RateLimits
{
    /// <summary>No limit at all: tests and benchmarks that write thousands of entries from one identity.</summary>
    public static readonly RateLimits Off = new() { Writes = null, Reports = null, ExpensiveReads = null };

    /// <summary>
    /// Every write (any method but GET, HEAD and OPTIONS). A CI pipeline registering a dataset, a model version and
    /// its evaluations in a loop makes a few hundred writes in a burst; 50 per second sustained is far above what
    /// pipelines do, and far below what one client can push (a write costs a signature and a transaction).
    /// </summary>
    public TokenBucket? Writes { get; init; } = new(Burst: 200, Tokens: 50, Period: TimeSpan.FromSeconds(1));

    /// <summary>
    /// Report downloads: each renders a PDF over the ledger and appends a ReportIssued entry. An audit downloads a
    /// handful at a time; 10 at once, then one every 6 seconds, keeps a looping client from filling the log.
    /// </summary>
    public TokenBucket? Reports { get; init; } = new(Burst: 10, Tokens: 1, Period: TimeSpan.FromSeconds(6));

    /// <summary>
    /// The reads whose cost grows with the ledger (export, stream verification, the self-check, reports, policy replay,
    /// lineage and impact), in flight at once. Each keeps a core busy for as long as it runs, so more at once than
    /// the machine has cores to spare only adds memory and latency: 2 per identity (a download beside a check), 4 in all
    /// (two callers at their cap; writes keep the rest of a small machine).
    /// </summary>
    public ConcurrencyCap? ExpensiveReads { get; init; } = new(PerIdentity: 2, Total: 4);
}

/// <summary>At most <paramref name="PerIdentity"/> requests of one identity, and <paramref name="Total"/> in all, in flight at once.</summary>
public sealed record ConcurrencyCap(int PerIdentity, int Total)
{
    /// <summary>Checks the two numbers: each at least 1, and the total at least the per-identity cap.</summary>
    public static ConcurrencyCap Of(int perIdentity, int total)
    {
        if (perIdentity < 1 || total < 1)
        {
            throw new ArgumentException($"a concurrency cap of {Math.Min(perIdentity, total)} would refuse every request; give at least 1");
        }

        if (total < perIdentity)
        {
            throw new ArgumentException($"the total cap ({total}) is below the per-identity cap ({perIdentity}): one identity could never reach its own");
        }

        return new ConcurrencyCap(perIdentity, total);
    }

    public override string ToString() => $"{PerIdentity} per identity, {Total} in all";
}

/// <summary>A token bucket: holds at most <paramref name="Burst"/> tokens, and gains <paramref name="Tokens"/> every <paramref name="Period"/>.</summary>
public sealed record TokenBucket(int Burst, int Tokens, TimeSpan Period)
{
    /// <summary>Parses a rate written <c>tokens/period</c>: <c>50/s</c>, <c>10/min</c>, <c>1/6s</c>, <c>100/h</c>.</summary>
    public static TokenBucket Parse(string rate, int burst)
    {
        var parts = rate.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var tokens) || tokens < 1
            || PeriodOf(parts[1]) is not { } period)
        {
            throw new ArgumentException($"rate '{rate}' is not tokens/period, e.g. 50/s, 10/min, 1/6s or off");
        }

        if (burst < 1)
        {
            throw new ArgumentException($"a burst of {burst} would refuse every request; give at least 1");
        }

        return new TokenBucket(burst, tokens, period);
    }

    /// <summary><c>s</c>, <c>min</c>, <c>h</c>, optionally with a count of them: <c>6s</c>, <c>5min</c>.</summary>
    private static TimeSpan? PeriodOf(string text)
    {
        var unit = text.TrimStart("0123456789".ToCharArray());
        var count = text[..^unit.Length];
        if (!int.TryParse(count.Length == 0 ? "1" : count, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
        {
            return null;
        }

        return unit switch
        {
            "s" => TimeSpan.FromSeconds(n),
            "min" => TimeSpan.FromMinutes(n),
            "h" => TimeSpan.FromHours(n),
            _ => null,
        };
    }

    public override string ToString() =>
        $"burst {Burst}, {Tokens} per {Period.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s";
}
