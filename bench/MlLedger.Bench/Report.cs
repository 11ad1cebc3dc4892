using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace MlLedger.Bench;

/// <summary>Distribution of a set of durations, in Stopwatch ticks; percentiles by nearest rank.</summary>
internal sealed class Distribution
{
    private readonly long[] _sorted;

    public Distribution(IEnumerable<long> ticks)
    {
        _sorted = [.. ticks];
        Array.Sort(_sorted);
    }

    public int Count => _sorted.Length;

    public double MeanTicks => _sorted.Length == 0 ? 0 : _sorted.Average(t => (double)t);

    public long Percentile(double p)
    {
        if (_sorted.Length == 0)
        {
            return 0;
        }

        var rank = (int)Math.Ceiling(p / 100.0 * _sorted.Length);
        return _sorted[Math.Clamp(rank - 1, 0, _sorted.Length - 1)];
    }

    public long Max => _sorted.Length == 0 ? 0 : _sorted[^1];

    public long Min => _sorted.Length == 0 ? 0 : _sorted[0];
}

internal static class Report
{
    public static bool IsOptimized =>
        typeof(Report).Assembly.GetCustomAttribute<DebuggableAttribute>() is not { IsJITOptimizerDisabled: true };

    public static double Microseconds(double ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;

    public static double Milliseconds(double ticks) => ticks * 1_000.0 / Stopwatch.Frequency;

    public static string F(double value, string format = "0.00") => value.ToString(format, CultureInfo.InvariantCulture);

    public static string Num(long value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    public static string Duration(TimeSpan span) =>
        span.TotalHours >= 1
            ? span.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)
            : span.ToString(@"mm\:ss", CultureInfo.InvariantCulture);

    /// <summary>"mean 1.23  p50 1.10  p90 …  max …" in microseconds.</summary>
    public static string MicrosecondsLine(Distribution d) =>
        $"mean {F(Microseconds(d.MeanTicks))}  p50 {F(Microseconds(d.Percentile(50)))}  p90 {F(Microseconds(d.Percentile(90)))}  " +
        $"p99 {F(Microseconds(d.Percentile(99)))}  p99.9 {F(Microseconds(d.Percentile(99.9)))}  max {F(Microseconds(d.Max))} µs";

    /// <summary>"mean 1.23  p50 1.10  p90 …  max …" in milliseconds.</summary>
    public static string MillisecondsLine(Distribution d) =>
        $"mean {F(Milliseconds(d.MeanTicks))}  p50 {F(Milliseconds(d.Percentile(50)))}  p90 {F(Milliseconds(d.Percentile(90)))}  " +
        $"p99 {F(Milliseconds(d.Percentile(99)))}  max {F(Milliseconds(d.Max))} ms";

    /// <summary>The 1, 5 and 15 minute load averages (Linux), to judge whether other work shared the CPUs.</summary>
    public static string LoadAverage()
    {
        try
        {
            var fields = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"load average {fields[0]} {fields[1]} {fields[2]} on {Environment.ProcessorCount} CPUs";
        }
        catch (IOException)
        {
            return "load average unknown";
        }
        catch (UnauthorizedAccessException)
        {
            return "load average unknown";
        }
    }

    public static void Heading(string text)
    {
        Console.WriteLine(text);
        Console.WriteLine(new string('=', text.Length));
    }
}
