using System.Globalization;

namespace MlLedger.Api.Console;

/// <summary>How the console writes times, ages and digests: UTC, to the second, always the same way.</summary>
internal static class Texts
{
    public static string Time(DateTimeOffset? at) =>
        at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : "—";

    public static string Age(long seconds) => seconds switch
    {
        < 60 => "under a minute",
        < 3_600 => Plural(seconds / 60, "minute"),
        < 172_800 => Plural(seconds / 3_600, "hour"),
        _ => Plural(seconds / 86_400, "day"),
    };

    public static string Short(string? hash) => hash is { Length: > 16 } h ? $"{h[..16]}…" : hash ?? "—";

    private static string Plural(long n, string unit) => n == 1 ? $"1 {unit}" : $"{n.ToString(CultureInfo.InvariantCulture)} {unit}s";
}
