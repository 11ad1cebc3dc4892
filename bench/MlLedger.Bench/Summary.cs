using static MlLedger.Bench.Report;

namespace MlLedger.Bench;

/// <summary>
/// One line of the closing table: a figure, the ceiling it is compared with (measured in the same run, or none), their
/// ratio, and the target with whether this run met it.
/// </summary>
internal sealed record SummaryRow(string Mode, string Figure, string Value, string Ceiling, double? Ratio, string Target, bool? Met);

/// <summary>The figures every mode adds as it finishes, printed together as one table at the end of the run.</summary>
internal static class Summary
{
    private static readonly List<SummaryRow> Rows = [];

    public static void Add(SummaryRow row)
    {
        lock (Rows)
        {
            Rows.Add(row);
        }
    }

    /// <summary>A figure that has a ceiling: the ratio is value / ceiling and the target a minimum ratio.</summary>
    public static void Ratio(string mode, string figure, double value, double ceiling, string unit, string ceilingName, double minimumRatio) =>
        Add(new SummaryRow(mode, figure, $"{Num((long)value)} {unit}", $"{Num((long)ceiling)} {unit} ({ceilingName})",
            ceiling > 0 ? value / ceiling : null, $"ratio >= {F(minimumRatio)}", ceiling > 0 ? value / ceiling >= minimumRatio : null));

    /// <summary>A latency or a duration with an upper bound.</summary>
    public static void AtMost(string mode, string figure, double value, string unit, double bound, string ceiling = "-") =>
        Add(new SummaryRow(mode, figure, $"{F(value, value >= 100 ? "0" : "0.0#")} {unit}", ceiling, null,
            $"< {F(bound, "0.##")} {unit}", value < bound));

    /// <summary>A figure printed for the record, with no target.</summary>
    public static void Note(string mode, string figure, string value, string ceiling = "-") =>
        Add(new SummaryRow(mode, figure, value, ceiling, null, "-", null));

    public static void Print()
    {
        List<SummaryRow> rows;
        lock (Rows)
        {
            rows = [.. Rows];
        }

        if (rows.Count == 0)
        {
            return;
        }

        Console.WriteLine();
        Heading("Summary (each ceiling measured in the same run; targets from the issue that set them)");
        string[] header = ["mode", "figure", "value", "ceiling", "ratio", "target", "met"];
        var cells = rows.Select(r => new[]
        {
            r.Mode, r.Figure, r.Value, r.Ceiling, r.Ratio is { } x ? F(x, "0.000") : "-", r.Target,
            r.Met switch { true => "yes", false => "NO", null => "-" },
        }).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, cells.Max(c => c[i].Length))).ToArray();
        Console.WriteLine("| " + string.Join(" | ", header.Select((h, i) => h.PadRight(widths[i]))) + " |");
        Console.WriteLine("| " + string.Join(" | ", widths.Select(w => new string('-', w))) + " |");
        foreach (var row in cells)
        {
            Console.WriteLine("| " + string.Join(" | ", row.Select((c, i) => c.PadRight(widths[i]))) + " |");
        }
    }
}
