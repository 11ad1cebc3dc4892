namespace MlLedger.Domain.Keys;

/// <summary>
/// The ledger's signing key was replaced: entries that occurred from <paramref name="ValidFrom"/> on are signed by the
/// new key. This entry itself is signed by the previous key, so the key history is a chain an auditor can follow.
/// </summary>
/// <param name="NewPublicKeyPem">The new key's SubjectPublicKeyInfo as PEM.</param>
public sealed record LedgerKeyRotated(
    string PreviousKeyId,
    string NewKeyId,
    string NewPublicKeyPem,
    DateTimeOffset ValidFrom,
    string RotatedBy);

/// <summary>State of the key stream ("ledger-keys"): every key the ledger rotated to, in order.</summary>
public sealed record LedgerKeyHistory(string Id, IReadOnlyList<string> KeyIds)
{
    public static LedgerKeyHistory Initial { get; } = new(StreamKeys.LedgerKeys, []);

    public static LedgerKeyHistory Evolve(LedgerKeyHistory state, object @event)
    {
        ArgumentNullException.ThrowIfNull(state);
        return @event switch
        {
            LedgerKeyRotated e => state with { KeyIds = [.. state.KeyIds, e.NewKeyId] },
            _ => state,
        };
    }
}
