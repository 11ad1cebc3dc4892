namespace MlLedger.Domain;

/// <summary>Marten string stream ids, one per stream type.</summary>
public static class StreamKeys
{
    public static string Dataset(string datasetId) => $"datasets/{datasetId}";

    public static string ModelVersion(string model, string version) => $"models/{model}/{version}";

    public static string Promotion(string promotionId) => $"promotions/{promotionId}";

    public static string Deployment(string deploymentId) => $"deployments/{deploymentId}";

    /// <summary>One stream holds every publication of a policy set, in order.</summary>
    public const string PolicySets = "policy-sets";

    public static string PolicyCheck(string checkId) => $"policy-checks/{checkId}";

    public static string Report(string reportId) => $"reports/{reportId}";

    /// <summary>One stream holds every rotation of the ledger's signing key, in order.</summary>
    public const string LedgerKeys = "ledger-keys";
}

/// <summary>A dataset's id is "name@version".</summary>
public static class DatasetIds
{
    public static string Of(string name, string version) => $"{name}@{version}";
}

/// <summary>A model version's id is "model@version".</summary>
public static class ModelVersionIds
{
    public static string Of(string model, string version) => $"{model}@{version}";

    /// <summary>Splits "model@version" at its last '@' (versions never contain '@').</summary>
    public static (string Model, string Version) Parse(string modelVersionId)
    {
        ArgumentNullException.ThrowIfNull(modelVersionId);
        var at = modelVersionId.LastIndexOf('@');
        if (at <= 0 || at == modelVersionId.Length - 1)
        {
            throw new ArgumentException($"'{modelVersionId}' is not a model version id (model@version).", nameof(modelVersionId));
        }

        return (modelVersionId[..at], modelVersionId[(at + 1)..]);
    }
}
