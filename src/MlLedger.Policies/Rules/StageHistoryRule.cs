using System.Globalization;
using MlLedger.Domain.Policies;

namespace MlLedger.Policies.Rules;

/// <summary>The model version entered <see cref="Stage"/> at least <see cref="AtLeast"/> before the decision.</summary>
public sealed class StageHistoryRule(string id, string? description, string stage, TimeSpan atLeast)
    : PolicyRule(id, RuleKinds.StageHistory, description)
{
    public string Stage { get; } = stage;

    public TimeSpan AtLeast { get; } = atLeast;

    internal override Verdict Evaluate(FactIndex facts)
    {
        var model = facts.Facts.ModelVersion;
        var entered = model.StageHistory.FirstOrDefault(s => string.Equals(s.Stage, Stage, StringComparison.Ordinal));
        if (entered is null)
        {
            return Verdict.Fail($"{model.Id} has never been in {Stage}", [model.Entry]);
        }

        var held = facts.Facts.Request.At - entered.At;
        var reason = $"{model.Id} entered {Stage} at {entered.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}, " +
                     $"{Durations.Format(held)} before this decision";
        return held >= AtLeast
            ? Verdict.Pass($"{reason} (at least {Durations.Format(AtLeast)} required)", [model.Entry])
            : Verdict.Fail($"{reason}; {Durations.Format(AtLeast)} required", [model.Entry]);
    }
}

/// <summary>Durations as policies write them: "24h", "7d", "1h30m", "90m".</summary>
public static class Durations
{
    /// <summary>Units in order (days, hours, minutes, seconds), each at most once; zero is refused.</summary>
    public static bool TryParse(string text, out TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(text);
        duration = TimeSpan.Zero;
        var rest = text.AsSpan();
        var next = 0; // the first unit still allowed, as an index into "dhms"
        while (!rest.IsEmpty)
        {
            var digits = 0;
            while (digits < rest.Length && char.IsAsciiDigit(rest[digits]))
            {
                digits++;
            }

            if (digits is 0 or > 6 || digits == rest.Length)
            {
                return false;
            }

            var unit = "dhms".IndexOf(rest[digits], StringComparison.Ordinal);
            if (unit < next)
            {
                return false;
            }

            var value = int.Parse(rest[..digits], NumberStyles.None, CultureInfo.InvariantCulture);
            duration += unit switch
            {
                0 => TimeSpan.FromDays(value),
                1 => TimeSpan.FromHours(value),
                2 => TimeSpan.FromMinutes(value),
                _ => TimeSpan.FromSeconds(value),
            };
            next = unit + 1;
            rest = rest[(digits + 1)..];
        }

        return duration > TimeSpan.Zero;
    }

    public static string Format(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero)
        {
            return "-" + Format(duration.Negate());
        }

        var parts = new List<string>();
        if (duration.Days > 0)
        {
            parts.Add($"{duration.Days}d");
        }

        if (duration.Hours > 0)
        {
            parts.Add($"{duration.Hours}h");
        }

        if (duration.Minutes > 0)
        {
            parts.Add($"{duration.Minutes}m");
        }

        if (duration.Seconds > 0 || parts.Count == 0)
        {
            parts.Add($"{duration.Seconds}s");
        }

        return string.Concat(parts);
    }
}
