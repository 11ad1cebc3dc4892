namespace MlLedger.Api.Hosting;

/// <summary>What one read over the ledger may hold in memory: its pages of rows, and what one report may read.</summary>
public sealed record ReadLimits
{
    public static readonly ReadLimits Default = new();

    /// <summary>Rows in one page of a read over the ledger (export, stream verification, the self-check's streams).</summary>
    public int PageRows { get; init; } = 1_000;

    /// <summary>Characters of stored text in one page: 8 Mi, about 16 MiB as .NET strings and a few times that once parsed.</summary>
    public long PageChars { get; init; } = 8L * 1024 * 1024;

    /// <summary>
    /// The most entries one report reads. A report is laid out in memory as a whole (its rows, its citations, its pages),
    /// so what it holds grows with what it reads; past this it is refused with 422 <c>report-too-large</c> and the auditor
    /// narrows it (a shorter period). Twice the 100,000 entries of the bench's audit period report, whose memory
    /// docs/PERFORMANCE.md gives.
    /// </summary>
    public int ReportEntries { get; init; } = 200_000;

    /// <summary>
    /// The largest read model one read loads (a dataset with its checks, a model version with its evaluations, a promotion),
    /// as PostgreSQL stores it (compressed): 8 MiB is tens of thousands of checks or evaluations and some tens of MiB once
    /// loaded. A larger one is answered 422 <c>resource-too-large</c>; its entries are read a page at a time instead.
    /// </summary>
    public long ReadModelBytes { get; init; } = 8L * 1024 * 1024;
}
