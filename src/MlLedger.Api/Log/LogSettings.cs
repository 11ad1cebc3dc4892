namespace MlLedger.Api.Log;

/// <summary>How the transparency log is named and how often it signs checkpoints.</summary>
public sealed record LogSettings
{
    public const string DefaultOrigin = "mlledger.local/log";

    /// <summary>
    /// The checkpoint origin (C2SP tlog-checkpoint): the log's unique name, also the signed-note key name. Give each
    /// deployment its own, e.g. <c>ledger.example.com/log</c>.
    /// </summary>
    public string Origin { get; init; } = DefaultOrigin;

    /// <summary>A new checkpoint is signed at most this often, and only when the tree has grown.</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The log's URL in the trusted root: <c>https://</c> + origin. Sigstore verifiers match a checkpoint's signer name
    /// against it, so it must contain the origin.
    /// </summary>
    public string BaseUrl => $"https://{Origin}";

    /// <exception cref="ArgumentException">An origin that is empty, has whitespace or is not printable ASCII, or an interval outside 10 ms–1 h.</exception>
    public void Validate()
    {
        if (string.IsNullOrEmpty(Origin) || Origin.Any(c => c <= ' ' || c > '~' || c == '+'))
        {
            throw new ArgumentException($"The log name '{Origin}' must be printable ASCII without spaces or '+' (e.g. ledger.example.com/log).");
        }

        if (CheckpointInterval < TimeSpan.FromMilliseconds(10) || CheckpointInterval > TimeSpan.FromHours(1))
        {
            throw new ArgumentException($"The checkpoint interval must lie between 10 ms and 1 h; got {CheckpointInterval}.");
        }
    }
}
