using MlLedger.Reports.Fonts;
using MlLedger.Reports.Manifest;
using MlLedger.Reports.Model;
using MlLedger.Reports.Rendering;
using PdfSharp.Drawing;

namespace MlLedger.Reports.Verification;

/// <summary>
/// The last section of every report: the checkpoint and its signed note verbatim, how to verify the report
/// offline, and every cited entry. Past <see cref="CompactFrom"/> citations the list is printed compactly (sequence
/// number and leaf hash, two columns of small monospace); the embedded manifest always has every field.
/// </summary>
internal static class VerificationAppendix
{
    public const int CompactFrom = 1500;

    public static void Draw(ReportComposer c, ReportFrame frame)
    {
        var cp = frame.Checkpoint;
        c.NewPage();
        c.Heading("Verification appendix");
        c.Paragraph("Everything in this report is as of the signed checkpoint below. The checkpoint commits to the first " +
            $"{Text.Number(cp.TreeSize)} entries of the ledger's Merkle tree; the entries this report rests on are listed at the end of this appendix.");
        c.KeyValues([
            new KeyValue("Log origin", cp.Origin),
            new KeyValue("Tree size", Text.Number(cp.TreeSize)),
            new KeyValue("Root hash", cp.RootHash, Mono: true),
            new KeyValue("Ledger time", Text.Time(cp.LedgerTime) + " (signed time of the last entry under the checkpoint)"),
        ]);
        c.Subheading("Signed checkpoint note (verbatim)");
        c.Verbatim(cp.SignedNote);

        c.Subheading("How to verify this report", 90);
        c.Paragraph("1. As an auditor, download the ledger's audit bundle with GET /v1/export and save it as audit.jsonl.");
        c.Paragraph("2. Download the ledger's trusted root with GET /v1/log/trusted-root and save it as trusted-root.json. " +
            "Take it from a source you trust, never from this PDF.");
        c.Paragraph("3. Run:");
        c.Verbatim("mlledger verify-report REPORT.pdf --trusted-root trusted-root.json --bundle audit.jsonl");
        c.Paragraph("The command checks that:");
        c.Paragraph("• the SHA-256 of this PDF file is recorded in a ReportIssued entry signed by the ledger;", indent: 10);
        c.Paragraph($"• each cited entry below is a leaf of the ledger's Merkle tree at this report's checkpoint (tree size {Text.Number(cp.TreeSize)}), " +
            "with the leaf hash printed here;", indent: 10);
        c.Paragraph("• the checkpoint note above is signed by a ledger key listed in the trusted root.", indent: 10);
        c.Paragraph($"The same data is attached to this PDF as the embedded file {ReportManifest.FileName} (JSON, format {ReportManifest.Format}) " +
            "for programs to read.", c.Theme.Body, c.Theme.MutedBrush);
        c.Paragraph($"Rendered with these font files ({SystemFontResolver.DebianPackage}); regenerating this report from the same ledger data " +
            "gives the same bytes only with the same files:", c.Theme.Small, c.Theme.MutedBrush);
        c.Paragraph("Fonts: " + string.Join(", ", ReportFonts.Digests), c.Theme.MonoTiny, c.Theme.MutedBrush);

        c.Subheading($"Cited entries ({Text.Number(frame.Citations.Count)})");
        if (frame.Citations.Count == 0)
            c.Nothing("This report cites no ledger entries.");
        else if (frame.Citations.Count < CompactFrom)
            c.Table(
                [new Column("Seq", 0.7, CellStyle.Number), new Column("Leaf index", 0.8, CellStyle.Number), new Column("Leaf hash (SHA-256, hex)", 5, CellStyle.Mono),
                 new Column("Stream", 2.1), new Column("Event type", 1.7)],
                frame.Citations.Select(x => new Row(Text.Number(x.Seq), Text.Number(x.LeafIndex), x.LeafHash, x.Stream, x.EventType)));
        else
            DrawCompact(c, frame.Citations);
    }

    static void DrawCompact(ReportComposer c, IReadOnlyList<Citation> citations)
    {
        c.Paragraph($"{Text.Number(citations.Count)} entries are cited: each line gives the entry's sequence number and its leaf hash, " +
            $"in two columns per page. Leaf indexes, streams and event types are in {ReportManifest.FileName}.");
        var font = c.Theme.MonoTiny;
        const double lineHeight = 7;
        var seqWidth = Math.Max(6, citations.Max(x => Text.Number(x.Seq).Length));
        var columnWidth = ReportComposer.Width / 2;
        var next = 0;
        while (next < citations.Count)
        {
            if (c.Remaining < 4 * lineHeight) c.NewPage();
            var rows = (int)((c.Remaining - lineHeight - 4) / lineHeight);
            for (var column = 0; column < 2 && next < citations.Count; column++)
            {
                var x = ReportComposer.Left + column * columnWidth;
                var y = c.Y;
                c.Gfx.DrawString("seq".PadLeft(seqWidth) + "  leaf hash", c.Theme.SmallBold, c.Theme.MutedBrush, x, y + 6);
                y += lineHeight + 2;
                for (var r = 0; r < rows && next < citations.Count; r++, next++)
                {
                    var cite = citations[next];
                    c.Gfx.DrawString(Text.Number(cite.Seq).PadLeft(seqWidth) + "  " + cite.LeafHash, font, c.Theme.InkBrush, x, y + 5);
                    y += lineHeight;
                }
            }
            c.Gfx.DrawLine(c.Theme.RulePen, ReportComposer.Left + columnWidth - 6, c.Y, ReportComposer.Left + columnWidth - 6, c.Y + (rows + 1) * lineHeight + 2);
            c.Y = ReportComposer.ContentBottom;
        }
    }
}
