namespace MlLedger.Integrity.Signing;

/// <summary>
/// Verification-only view of trusted keys (what an auditor holds: public keys with validity windows).
/// It cannot be built empty: a verifier without a trust root would have nothing to check against.
/// </summary>
public sealed class TrustedKeys
{
    private readonly Dictionary<string, KeyRingEntry> _byKeyId;

    /// <exception cref="ArgumentException">No keys, a null entry, a duplicate key id, or an empty validity window.</exception>
    public TrustedKeys(IEnumerable<KeyRingEntry> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);

        var all = new List<KeyRingEntry>();
        _byKeyId = new Dictionary<string, KeyRingEntry>(StringComparer.Ordinal);
        foreach (var entry in keys)
        {
            if (entry is null)
            {
                throw new ArgumentException("Trusted key entries must not be null.", nameof(keys));
            }

            if (entry.ValidUntil is { } until && until <= entry.ValidFrom)
            {
                throw new ArgumentException($"Key {entry.Key.KeyId} has an empty validity window {entry.DescribeWindow()}.", nameof(keys));
            }

            if (!_byKeyId.TryAdd(entry.Key.KeyId, entry))
            {
                throw new ArgumentException($"Key {entry.Key.KeyId} is listed twice.", nameof(keys));
            }

            all.Add(entry);
        }

        if (all.Count == 0)
        {
            throw new ArgumentException("At least one trusted key is required: refusing to verify without a trust root.", nameof(keys));
        }

        All = all.AsReadOnly();
    }

    public IReadOnlyList<KeyRingEntry> All { get; }

    public static TrustedKeys From(KeyRing ring)
    {
        ArgumentNullException.ThrowIfNull(ring);
        return new TrustedKeys(ring.Keys);
    }

    /// <summary>Looks a key up by id. The id comes from an unsigned hint; the caller must still verify the signature.</summary>
    public KeyRingEntry? Find(string keyId)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        return _byKeyId.GetValueOrDefault(keyId);
    }
}
