namespace MlLedger.Domain.Datasets;

public static class DatasetDecider
{
    public static IReadOnlyList<object> Decide(object command, Dataset state)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(state);
        return command switch
        {
            RegisterDataset c => Register(c, state),
            RecordDatasetCheck c => RecordCheck(c, state),
            WithdrawDataset c => Withdraw(c, state),
            _ => throw new ArgumentException($"Unknown dataset command {command.GetType().Name}.", nameof(command)),
        };
    }

    private static DatasetRegistered[] Register(RegisterDataset c, Dataset state)
    {
        var datasetId = DatasetIds.Of(c.Name, c.Version);
        if (state.Status != DatasetStatus.Unregistered)
        {
            throw new DomainRejection("dataset-already-registered", $"Dataset {datasetId} is already registered.");
        }

        var derivedFrom = c.DerivedFrom.Distinct(StringComparer.Ordinal).ToArray();
        foreach (var parent in derivedFrom)
        {
            RequireUsable(parent, c.Parents.GetValueOrDefault(parent, DatasetStatus.Unregistered), $"{datasetId} derives from it");
        }

        return
        [
            new DatasetRegistered(
                datasetId,
                c.Name,
                c.Version,
                c.Uri,
                c.Sha256,
                c.License,
                c.ContainsPersonalData,
                [.. c.Tags],
                derivedFrom,
                c.Schema,
                c.RowCount,
                c.Actor,
                c.Now),
        ];
    }

    private static DatasetCheckRecorded[] RecordCheck(RecordDatasetCheck c, Dataset state)
    {
        RequireRegistered(state);
        if (state.Status == DatasetStatus.Withdrawn)
        {
            throw new DomainRejection("dataset-withdrawn", $"Dataset {state.DatasetId} is withdrawn; no further checks are recorded.");
        }

        return [new DatasetCheckRecorded(state.DatasetId, c.Check, c.Result, c.Details, c.Actor, c.Now)];
    }

    private static DatasetWithdrawn[] Withdraw(WithdrawDataset c, Dataset state)
    {
        RequireRegistered(state);
        if (state.Status == DatasetStatus.Withdrawn)
        {
            throw new DomainRejection("dataset-already-withdrawn", $"Dataset {state.DatasetId} is already withdrawn.");
        }

        return [new DatasetWithdrawn(state.DatasetId, c.Reason, c.Actor, c.Now)];
    }

    private static void RequireRegistered(Dataset state)
    {
        if (state.Status == DatasetStatus.Unregistered)
        {
            throw new DomainRejection("dataset-not-found", "Dataset is not registered.");
        }
    }

    /// <summary>
    /// A dataset another record depends on (a parent, training or evaluation data) must exist and not be withdrawn.
    /// Shared by the model version decider.
    /// </summary>
    internal static void RequireUsable(string datasetId, DatasetStatus status, string usedFor)
    {
        switch (status)
        {
            case DatasetStatus.Active:
                return;
            case DatasetStatus.Withdrawn:
                throw new DomainRejection("dataset-withdrawn", $"Dataset {datasetId} is withdrawn; {usedFor}.");
            default:
                throw new DomainRejection("dataset-not-found", $"Dataset {datasetId} is not registered; {usedFor}.");
        }
    }
}
