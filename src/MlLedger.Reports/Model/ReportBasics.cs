namespace MlLedger.Reports.Model;

/// <summary>
/// The signed checkpoint a report is "as of". <see cref="LedgerTime"/> is the signed time of the last entry under
/// the checkpoint: a checkpoint note carries no time of its own, and a report never prints the wall clock.
/// </summary>
public sealed record ReportCheckpoint(string Origin, long TreeSize, string RootHash, string SignedNote, DateTimeOffset LedgerTime)
{
    /// <summary>The first 16 hex digits of the root, as printed in page footers.</summary>
    public string RootPrefix => RootHash.Length > 16 ? RootHash[..16] : RootHash;
}

/// <summary>A ledger entry a report rests on: its sequence number, its leaf in the log and that leaf's RFC 6962 hash (hex).</summary>
public sealed record Citation(long Seq, long LeafIndex, string LeafHash, string Stream, string EventType);

/// <summary>What every report shares: its kind, its subject, the checkpoint it is as of, and the entries it cites.</summary>
public sealed record ReportFrame(string Kind, string Subject, ReportCheckpoint Checkpoint, IReadOnlyList<Citation> Citations);

/// <summary>Report kinds, as they appear in the ledger's ReportIssued entries and in URLs.</summary>
public static class ReportKinds
{
    public const string Compliance = "compliance";
    public const string AuditPeriod = "audit-period";
    public const string DatasetImpact = "dataset-impact";
}

/// <summary>A node of a lineage diagram; <see cref="Kind"/> is one of <see cref="LineageKinds"/>.</summary>
public sealed record DiagramNode(string Id, string Kind, string Label, string? Status);

/// <summary>A directed edge in data-flow order (dataset to model version to promotion to deployment).</summary>
public sealed record DiagramEdge(string From, string To, string Relation);

public sealed record LineageDiagram(IReadOnlyList<DiagramNode> Nodes, IReadOnlyList<DiagramEdge> Edges);

/// <summary>Node kinds of the lineage graph.</summary>
public static class LineageKinds
{
    public const string Dataset = "dataset";
    public const string ModelVersion = "model-version";
    public const string Promotion = "promotion";
    public const string Approval = "approval";
    public const string PolicyDecision = "policy-decision";
    public const string Deployment = "deployment";
}
