namespace MlLedger.Integrity.Signing;

public enum KeyStatus
{
    Active,
    Retired,
}

/// <summary>A ledger key and the window in which it may sign: [<see cref="ValidFrom"/>, <see cref="ValidUntil"/>).</summary>
public sealed record KeyRingEntry(LedgerPublicKey Key, KeyStatus Status, DateTimeOffset ValidFrom, DateTimeOffset? ValidUntil)
{
    public LedgerPublicKey Key { get; init; } = Key ?? throw new ArgumentNullException(nameof(Key));

    /// <summary>True when <paramref name="instant"/> lies in [ValidFrom, ValidUntil).</summary>
    public bool IsValidAt(DateTimeOffset instant) => instant >= ValidFrom && (ValidUntil is null || instant < ValidUntil.Value);

    internal string DescribeWindow() => $"[{Iso(ValidFrom)}, {(ValidUntil is { } until ? Iso(until) : "open")})";

    private static string Iso(DateTimeOffset instant) =>
        instant.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// The signer's view of the ledger keys: the one active private key, plus the retired public keys whose
/// old signatures must keep verifying.
/// </summary>
public sealed class KeyRing
{
    private readonly Dictionary<string, KeyRingEntry> _byKeyId;

    /// <exception cref="ArgumentException">
    /// A retired entry is not <see cref="KeyStatus.Retired"/> or has no end; a key id appears twice; or the
    /// active key is also listed as retired.
    /// </exception>
    public KeyRing(LedgerSigningKey active, DateTimeOffset activeSince, IEnumerable<KeyRingEntry> retired)
    {
        ArgumentNullException.ThrowIfNull(active);
        ArgumentNullException.ThrowIfNull(retired);

        var activeEntry = new KeyRingEntry(active.PublicKey, KeyStatus.Active, activeSince, ValidUntil: null);
        var keys = new List<KeyRingEntry> { activeEntry };
        _byKeyId = new Dictionary<string, KeyRingEntry>(StringComparer.Ordinal) { [active.KeyId] = activeEntry };

        foreach (var entry in retired)
        {
            if (entry is null)
            {
                throw new ArgumentException("Retired key entries must not be null.", nameof(retired));
            }

            if (entry.Status != KeyStatus.Retired)
            {
                throw new ArgumentException($"Key {entry.Key.KeyId} is listed as retired but has status {entry.Status}.", nameof(retired));
            }

            if (entry.ValidUntil is not { } until)
            {
                throw new ArgumentException($"Retired key {entry.Key.KeyId} has no ValidUntil.", nameof(retired));
            }

            if (until <= entry.ValidFrom)
            {
                throw new ArgumentException($"Retired key {entry.Key.KeyId} has an empty validity window {entry.DescribeWindow()}.", nameof(retired));
            }

            if (string.Equals(entry.Key.KeyId, active.KeyId, StringComparison.Ordinal))
            {
                throw new ArgumentException($"The active key {active.KeyId} is also listed as retired.", nameof(retired));
            }

            if (!_byKeyId.TryAdd(entry.Key.KeyId, entry))
            {
                throw new ArgumentException($"Key {entry.Key.KeyId} is listed twice.", nameof(retired));
            }

            keys.Add(entry);
        }

        Active = active;
        Keys = keys.AsReadOnly();
    }

    /// <summary>The only key that signs new entries.</summary>
    public LedgerSigningKey Active { get; }

    /// <summary>The active key first, then the retired keys in the order given.</summary>
    public IReadOnlyList<KeyRingEntry> Keys { get; }

    public KeyRingEntry? Find(string keyId)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        return _byKeyId.GetValueOrDefault(keyId);
    }
}
