using MlLedger.Reports.Model;
using MlLedger.Reports.Rendering;

namespace MlLedger.Reports.Sections;

/// <summary>How datasets print: an overview table, then one block per dataset with its checks.</summary>
internal static class DatasetBlocks
{
    public static bool IsWithdrawn(DatasetSummary d) => d.WithdrawnAt is not null || d.WithdrawnReason is not null;

    public static string Withdrawal(DatasetSummary d) =>
        IsWithdrawn(d) ? $"WITHDRAWN {Text.Time(d.WithdrawnAt)}: {Text.OrDash(d.WithdrawnReason)}" : "not withdrawn";

    public static void Overview(ReportComposer c, IReadOnlyList<DatasetSummary> datasets) => c.Table(
        [new Column("Dataset", 2.2, CellStyle.Bold), new Column("Role", 1), new Column("SHA-256", 3.2, CellStyle.Mono), new Column("License", 1.2),
         new Column("Personal data", 0.9), new Column("Withdrawn", 1.6)],
        datasets.Select(d => new Row([d.Id, d.Role, d.Sha256, d.License, d.ContainsPersonalData ? "yes" : "no", IsWithdrawn(d) ? $"WITHDRAWN {Text.Time(d.WithdrawnAt)}" : "no"],
            IsWithdrawn(d) ? Tone.Alert : d.ContainsPersonalData ? Tone.Warn : Tone.Plain)));

    public static void Detail(ReportComposer c, DatasetSummary d, string? heading = null)
    {
        c.Subheading(heading ?? $"{Capitalized(d.Role)} dataset {d.Id}", 80);
        if (IsWithdrawn(d)) c.Callout($"This dataset was {Withdrawal(d)}", Tone.Alert);
        c.KeyValues([
            new KeyValue("URI", d.Uri),
            new KeyValue("SHA-256", d.Sha256, Mono: true),
            new KeyValue("License", d.License),
            new KeyValue("Personal data", d.ContainsPersonalData ? "yes: contains personal data" : "no", Tone: d.ContainsPersonalData ? Tone.Warn : Tone.Plain),
            new KeyValue("Derived from", d.DerivedFrom.Count == 0 ? "—" : string.Join(", ", d.DerivedFrom)),
            new KeyValue("Registered", $"{Text.Time(d.RegisteredAt)} by {d.RegisteredBy} (entry #{Text.Number(d.Seq)})"),
            new KeyValue("Withdrawn", Withdrawal(d), Tone: IsWithdrawn(d) ? Tone.Alert : Tone.Plain),
        ]);
        if (d.Checks.Count == 0)
        {
            c.Nothing("No checks recorded for this dataset.");
            return;
        }
        c.Table(
            [new Column("Check", 1.6, CellStyle.Bold), new Column("Result", 0.9), new Column("Details", 3), new Column("Recorded by", 1.3),
             new Column("At", 1.5), new Column("Seq", 0.8, CellStyle.Number)],
            d.Checks.Select(k => new Row([k.Check, k.Result, Text.OrDash(k.Details), k.RecordedBy, Text.Time(k.At), Text.Number(k.Seq)], ToneOfResult(k.Result))));
    }

    static Tone ToneOfResult(string result) => result.ToLowerInvariant() switch
    {
        "failed" or "fail" or "error" => Tone.Alert,
        "warning" or "warn" => Tone.Warn,
        _ => Tone.Plain,
    };

    static string Capitalized(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
