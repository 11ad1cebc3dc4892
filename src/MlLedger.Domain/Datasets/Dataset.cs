namespace MlLedger.Domain.Datasets;

public enum DatasetStatus
{
    Unregistered,
    Active,
    Withdrawn,
}

/// <summary>One recorded check result; every result is kept, in order.</summary>
public sealed record DatasetCheck(
    string Check,
    string Result,
    string? Details,
    string RecordedBy,
    DateTimeOffset RecordedAt);

/// <summary>State of one dataset stream. <see cref="Id"/> is the stream key ("datasets/name@version").</summary>
public sealed record Dataset(
    string Id,
    DatasetStatus Status,
    string Name,
    string Version,
    string Uri,
    string Sha256,
    string License,
    bool ContainsPersonalData,
    IReadOnlyList<string> Tags,
    IReadOnlyList<string> DerivedFrom,
    string? Schema,
    long? RowCount,
    IReadOnlyList<DatasetCheck> Checks,
    string? WithdrawalReason,
    string? RegisteredBy,
    DateTimeOffset? RegisteredAt)
{
    public string? WithdrawnBy { get; init; }

    public DateTimeOffset? WithdrawnAt { get; init; }

    /// <summary>"name@version".</summary>
    public string DatasetId => DatasetIds.Of(Name, Version);

    public static Dataset Initial { get; } = new(
        Id: "",
        Status: DatasetStatus.Unregistered,
        Name: "",
        Version: "",
        Uri: "",
        Sha256: "",
        License: "",
        ContainsPersonalData: false,
        Tags: [],
        DerivedFrom: [],
        Schema: null,
        RowCount: null,
        Checks: [],
        WithdrawalReason: null,
        RegisteredBy: null,
        RegisteredAt: null);

    /// <summary>The latest result of the named check, or null when it was never recorded.</summary>
    public DatasetCheck? LatestCheck(string check) =>
        Checks.LastOrDefault(c => string.Equals(c.Check, check, StringComparison.Ordinal));

    /// <summary>The latest result per check name, in the order each name was first recorded.</summary>
    public IReadOnlyList<DatasetCheck> CurrentChecks() =>
        [.. Checks.GroupBy(c => c.Check, StringComparer.Ordinal).Select(g => g.Last())];

    public static Dataset Evolve(Dataset state, object @event)
    {
        ArgumentNullException.ThrowIfNull(state);
        return @event switch
        {
            DatasetRegistered e => state with
            {
                Id = StreamKeys.Dataset(e.DatasetId),
                Status = DatasetStatus.Active,
                Name = e.Name,
                Version = e.Version,
                Uri = e.Uri,
                Sha256 = e.Sha256,
                License = e.License,
                ContainsPersonalData = e.ContainsPersonalData,
                Tags = e.Tags,
                DerivedFrom = e.DerivedFrom,
                Schema = e.Schema,
                RowCount = e.RowCount,
                RegisteredBy = e.RegisteredBy,
                RegisteredAt = e.RegisteredAt,
            },
            DatasetCheckRecorded e => state with
            {
                Checks = [.. state.Checks, new DatasetCheck(e.Check, e.Result, e.Details, e.RecordedBy, e.RecordedAt)],
            },
            DatasetWithdrawn e => state with
            {
                Status = DatasetStatus.Withdrawn,
                WithdrawalReason = e.Reason,
                WithdrawnBy = e.WithdrawnBy,
                WithdrawnAt = e.WithdrawnAt,
            },
            _ => state,
        };
    }
}
