using MlLedger.Api.Lineage;
using MlLedger.Api.Log;
using MlLedger.Reports.Model;

namespace MlLedger.Api.Reports;

/// <summary>
/// The signed checkpoint a report is as of, and its cut: the sequence number of the checkpoint's last leaf. Every entry a
/// report reads is at or before the cut, so the report is a function of the checkpoint alone.
/// </summary>
internal sealed record ReportBasis(StoredCheckpoint Checkpoint, long Cut, ReportCheckpoint Printed)
{
    public LineageCut LineageCut => LineageCut.AtTreeSize(Checkpoint.TreeSize, Cut);

    public long TreeSize => Checkpoint.TreeSize;

    /// <summary>The checkpoint of tree size <paramref name="asOf"/> (the latest when null), or null when none was issued.</summary>
    public static async Task<ReportBasis?> Of(long? asOf, LogStore log, LedgerEntries entries, string origin, CancellationToken ct)
    {
        var checkpoint = asOf is { } size ? await log.CheckpointAt(size, ct) : await log.LatestCheckpoint(ct);
        if (checkpoint is null || checkpoint.TreeSize == 0)
        {
            return null;
        }

        var cut = await log.SequenceAt(checkpoint.TreeSize - 1, ct)
                  ?? throw new ReportIntegrityException($"The checkpoint of {checkpoint.TreeSize} leaves has no leaf {checkpoint.TreeSize - 1}.");
        var last = await entries.At(cut, ct);
        var printed = new ReportCheckpoint(origin, checkpoint.TreeSize, Convert.ToHexStringLower(checkpoint.RootHash), checkpoint.Note, last.OccurredAt);
        return new ReportBasis(checkpoint, cut, printed);
    }
}
