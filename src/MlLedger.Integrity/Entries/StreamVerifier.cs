using MlLedger.Integrity.Signing;

namespace MlLedger.Integrity.Entries;

/// <summary>
/// Verifies a stream of stored entries against trusted keys, entry by entry in the given order,
/// collecting every failure. Only the signed payload is trusted; the stored event type, version and
/// event data are claims checked against it, and the envelope keyid only selects the key to try.
/// <see cref="StreamEntryVerifier"/> does the same one entry at a time, for streams read in pages.
/// </summary>
public static class StreamVerifier
{
    public static StreamVerification Verify(string streamId, IReadOnlyList<StoredEntry> entries, TrustedKeys trusted)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(trusted);

        var results = new List<EntryVerification>(entries.Count);
        var verifier = new StreamEntryVerifier(streamId, trusted);
        for (int i = 0; i < entries.Count; i++)
        {
            results.Add(verifier.Next(entries[i] ?? throw new ArgumentException($"entries[{i}] is null.", nameof(entries))));
        }

        return new StreamVerification(streamId, results.TrueForAll(r => r.IsValid), results.AsReadOnly());
    }
}
