namespace MlLedger.Domain.Datasets;

/// <summary>Closed hierarchy of the facts recorded on a dataset stream.</summary>
public abstract record DatasetEvent
{
    private protected DatasetEvent()
    {
    }
}

public sealed record DatasetRegistered(
    string DatasetId,
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
    string RegisteredBy,
    DateTimeOffset RegisteredAt) : DatasetEvent;

public sealed record DatasetCheckRecorded(
    string DatasetId,
    string Check,
    string Result,
    string? Details,
    string RecordedBy,
    DateTimeOffset RecordedAt) : DatasetEvent;

public sealed record DatasetWithdrawn(
    string DatasetId,
    string Reason,
    string WithdrawnBy,
    DateTimeOffset WithdrawnAt) : DatasetEvent;
