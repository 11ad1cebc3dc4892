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

    /// <summary>
    /// A measured value exactly: the shortest text that reads back as the same double (0.89996, never rounded to 0.9
    /// next to a rule on 0.9); whole numbers print without a fraction.
    /// </summary>
    public static string Number(double d) => d.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>An axis or scale label, where four decimals are enough: never for a measured value.</summary>
    public static string Tick(double d) => d.ToString("0.####", CultureInfo.InvariantCulture);

    public static string OrDash(string? s) => string.IsNullOrWhiteSpace(s) ? "—" : s;

    public static string Plural(int n, string one, string many) => $"{Number(n)} {(n == 1 ? one : many)}";
}
