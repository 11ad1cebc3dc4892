using System.Globalization;

namespace MlLedger.Api.Hosting;

/// <summary>
/// How many writes and report downloads one identity (token issuer + subject) may make: a token bucket each.
/// Reads are never limited. A null bucket is unlimited; <see cref="Off"/> turns both off.
/// </summary>
public sealed record RateLimits
{
    /// <summary>No limit at all: tests and benchmarks that write thousands of entries from one identity.</summary>
    public static readonly RateLimits Off = new() { Writes = null, Reports = null };

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
