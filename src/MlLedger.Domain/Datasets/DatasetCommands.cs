namespace MlLedger.Domain.Datasets;

/// <summary>Closed hierarchy of what can be asked of a dataset stream.</summary>
public abstract record DatasetCommand
{
    private protected DatasetCommand()
    {
    }
}

/// <param name="Parents">
/// Status of each <paramref name="DerivedFrom"/> id as the caller found it; a missing key means Unregistered.
/// </param>
public sealed record RegisterDataset(
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
    IReadOnlyDictionary<string, DatasetStatus> Parents,
    string Actor,
    DateTimeOffset Now) : DatasetCommand;

public sealed record RecordDatasetCheck(
    string Check,
    string Result,
    string? Details,
    string Actor,
    DateTimeOffset Now) : DatasetCommand;

public sealed record WithdrawDataset(
    string Reason,
    string Actor,
    DateTimeOffset Now) : DatasetCommand;
