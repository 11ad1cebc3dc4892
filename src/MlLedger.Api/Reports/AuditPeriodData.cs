using MlLedger.Domain.Deployments;
using MlLedger.Domain.Keys;
using MlLedger.Domain.Policies;
using MlLedger.Domain.Promotions;
using MlLedger.Reports.Model;

namespace MlLedger.Api.Reports;

/// <summary>Gathers an audit period report: what happened in [from, to), as of a checkpoint.</summary>
internal static class AuditPeriodData
{
    private static readonly string[] Types =
    [
        "PromotionRequested", "ApprovalGranted", "ApprovalRejected", "PolicyEvaluated", "PromotionApproved", "PromotionRejected", "PromotionWithdrawn",
        "DeploymentRecorded", "DeploymentBlocked", "DeploymentRolledBack", "DeploymentRetired", "PolicySetPublished", "LedgerKeyRotated",
    ];

    /// <summary>
    /// How far the time PostgreSQL stored an entry may be from the time the entry was signed with: a write takes its
    /// time, then commits. Entries stored further from the period than this are not read.
    /// </summary>
    public static readonly TimeSpan StoredTimeMargin = TimeSpan.FromHours(1);

    public static async Task<AuditPeriodReport> Gather(DateTimeOffset from, DateTimeOffset to, ReportBasis basis, LedgerEntries entries, CancellationToken ct)
    {
        // only the streams active around the period are read (then every entry of theirs, to know where each stands)
        var active = await entries.StreamsStoredBetween(Types, basis, from, to, StoredTimeMargin, ct);
        var read = (await entries.OfStreams(active, basis, ct, decisions: false)).Where(e => Types.Contains(e.EventType, StringComparer.Ordinal)).ToList();
        bool In(DateTimeOffset at) => at >= from && at < to;

        var cited = new SortedDictionary<long, LedgerEntry>();
        void Cite(IEnumerable<LedgerEntry> es)
        {
            foreach (var e in es)
            {
                cited[e.Seq] = e;
            }
        }

        // a promotion is in the period when any of its entries is (requested, reviewed, evaluated or closed in it);
        // its row shows where it stands as of the checkpoint, and all its entries are cited
        var promotions = new List<PromotionRow>();
        var approvals = new List<ApprovalRow>();
        var exceptions = new List<DutyException>();
        foreach (var stream in read.Where(e => e.Event is PromotionEvent).GroupBy(e => e.Stream, StringComparer.Ordinal))
        {
            if (ReportRowsOf.Promotion(stream) is not { } row || !stream.Any(e => In(e.OccurredAt)))
            {
                continue;
            }

            promotions.Add(row);
            Cite(stream);
            var reviews = ReportRowsOf.Approvals(stream, row).ToList();
            approvals.AddRange(reviews.Where(a => In(a.At)));
            exceptions.AddRange(reviews.Where(a => a.Approver == row.RequestedBy)
                .Select(a => new DutyException(a.Approver, "requested the promotion and also reviewed it", row.PromotionId, a.Seq)));
            exceptions.AddRange(reviews.GroupBy(a => a.Approver, StringComparer.Ordinal).Where(g => g.Count() > 1)
                .Select(g => new DutyException(g.Key, $"reviewed the same promotion {g.Count()} times", row.PromotionId, g.Last().Seq)));
        }

        var deployments = new List<DeploymentRow>();
        foreach (var stream in read.Where(e => e.Event is DeploymentEvent).GroupBy(e => e.Stream, StringComparer.Ordinal))
        {
            var rows = ReportRowsOf.Deployments(stream).Where(r => In(r.At)).ToList();
            deployments.AddRange(rows);
            var seqs = rows.Select(r => r.Seq).ToHashSet();
            Cite(stream.Where(e => seqs.Contains(e.Seq)));
        }

        var policySets = read.Where(e => e.Event is PolicySetPublished p && In(p.PublishedAt)).ToList();
        var rotations = read.Where(e => e.Event is LedgerKeyRotated && In(e.OccurredAt)).ToList();
        Cite(policySets);
        Cite(rotations);

        // blocked attempts are listed once, in their own table
        var blocked = deployments.Where(d => d.Event == "blocked").OrderBy(d => d.Seq).ToList();
        deployments.RemoveAll(d => d.Event == "blocked");
        var frame = new ReportFrame(ReportKinds.AuditPeriod, $"{Format(from)} to {Format(to)}", basis.Printed,
            cited.Values.Select(e => e.Cite()).ToList());
        return new AuditPeriodReport(
            frame, from, to,
            promotions.OrderBy(p => p.Seq).ToList(),
            deployments.OrderBy(d => d.Seq).ToList(),
            promotions.Where(p => p.Status == "rejected").OrderBy(p => p.Seq).ToList(),
            blocked,
            approvals.GroupBy(a => a.Approver, StringComparer.Ordinal)
                .Select(g => new ApproverTally(g.Key, g.Count(a => a.Decision == "approved"), g.Count(a => a.Decision == "rejected")))
                .OrderBy(t => t.Approver, StringComparer.Ordinal).ToList(),
            exceptions.OrderBy(e => e.Seq).ToList(),
            policySets.Select(e => (PolicySetPublished)e.Event)
                .Select((p, i) => new PolicySetChange(p.Digest, p.Files.Select(f => f.Name).ToList(), p.PublishedBy, p.PublishedAt, policySets[i].Seq))
                .ToList(),
            rotations.Select(e => (Entry: e, Rotation: (LedgerKeyRotated)e.Event))
                .Select(r => new KeyRotationRow(r.Rotation.PreviousKeyId, r.Rotation.NewKeyId, r.Rotation.RotatedBy, r.Entry.OccurredAt, r.Entry.Seq))
                .ToList());
    }

    public static string Format(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
