using System.Globalization;

namespace MlLedger.Reports.Rendering;

/// <summary>How values are printed: invariant culture, times in UTC ISO-8601.</summary>
internal static class Text
{
    public static string Time(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset? at) => at is { } t ? Time(t) : "—";

    public static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);

    public static string Number(double d) => d.ToString("0.####", CultureInfo.InvariantCulture);

    public static string OrDash(string? s) => string.IsNullOrWhiteSpace(s) ? "—" : s;

    public static string Plural(int n, string one, string many) => $"{Number(n)} {(n == 1 ? one : many)}";
}
