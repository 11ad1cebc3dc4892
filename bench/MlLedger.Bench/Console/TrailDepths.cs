using System.Diagnostics;
using static MlLedger.Bench.Report;

namespace MlLedger.Bench;

/// <summary>A page of the audit trail deep in it: how deep (its page index, 0 the newest), the cursor that opens it and the sequence number it starts before.</summary>
internal sealed record TrailDepth(double Fraction, int Page, int Pages, string Cursor, long Before)
{
    public string Name => $"/trail at {F(100 * Fraction, "0.#")}% (page {Num(Page + 1)} of {Num(Pages)})";
}

/// <summary>
/// Finds cursors deep in the audit trail as a client would: follows the <c>next</c> cursor of <c>GET /v1/entries?limit=50</c>
/// (the trail page's size) from the newest entry, keeping the cursor that opens the page at each wanted depth. Each page of
/// the walk is timed at the client, as a second look at whether a page's cost depends on its depth.
/// </summary>
internal static class TrailDepths
{
    public const int PageSize = 50;

    public static async Task<IReadOnlyList<TrailDepth>> FindAsync(HttpClient client, long entries, IReadOnlyList<double> fractions, CancellationToken ct)
    {
        var pages = (int)((entries + PageSize - 1) / PageSize);
        var wanted = fractions.Select(f => (Fraction: f, Page: Math.Clamp((int)Math.Round(f * pages), 1, pages - 1))).ToList();
        var last = wanted.Max(w => w.Page);
        var found = new List<TrailDepth>();
        var times = new List<long>(last);
        var clock = Stopwatch.StartNew();
        string? next = null;
        for (var page = 0; page < last; page++)
        {
            var path = $"/v1/entries?limit={PageSize}" + (next is null ? "" : $"&cursor={Uri.EscapeDataString(next)}");
            var start = Stopwatch.GetTimestamp();
            var answer = await ConsoleSeeding.GetJsonAsync(client, path, ct);
            times.Add(Stopwatch.GetTimestamp() - start);
            next = (string?)answer["next"] ?? throw new BenchFailure($"the trail ended after {page + 1} pages of {PageSize}; {Num(entries)} entries were counted");
            var before = (long)answer["items"]!.AsArray()[^1]!["seq"]!;
            found.AddRange(wanted.Where(w => w.Page == page + 1).Select(w => new TrailDepth(w.Fraction, w.Page, pages, next, before)));
        }

        Console.WriteLine($"walked {Num(last)} pages of GET /v1/entries?limit={PageSize} in {F(clock.Elapsed.TotalSeconds, "0.0")} s; client time by depth:");
        var tenth = Math.Max(1, last / 10);
        Console.WriteLine($"  first {Num(tenth)} pages : {MillisecondsLine(new Distribution(times.Take(tenth)))}");
        Console.WriteLine($"  last {Num(tenth)} pages  : {MillisecondsLine(new Distribution(times.TakeLast(tenth)))}");
        return found.OrderBy(d => d.Page).ToList();
    }
}
