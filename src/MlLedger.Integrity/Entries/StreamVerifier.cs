using MlLedger.Integrity.Signing;

namespace MlLedger.Integrity.Entries;

/// <summary>
/// Verifies a stream of stored entries against trusted keys, entry by entry in the given order,
/// collecting every failure. Only the signed payload is trusted; the stored event type, version and
/// event data are claims checked against it, and the envelope keyid only selects the key to try.
/// </summary>
public static class StreamVerifier
{
    public static StreamVerification Verify(string streamId, IReadOnlyList<StoredEntry> entries, TrustedKeys trusted)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(trusted);

        var results = new List<EntryVerification>(entries.Count);
        var chain = StreamChain.FromFirstEntry();
        using var checker = new EntryChecker(trusted);
        for (int i = 0; i < entries.Count; i++)
        {
            var entry = entries[i] ?? throw new ArgumentException($"entries[{i}] is null.", nameof(entries));
            var failures = new List<EntryFailure>();

            var signer = checker.CheckSignature(entry.Envelope, failures);
            var predicate = EntryChecker.ReadPredicate(entry.EventType, entry.Envelope, failures);
            EntryChecker.CheckClaims(streamId, entry.EventType, entry.StreamVersion, predicate, failures);
            chain.Check(entry.StreamVersion, predicate, failures);
            EntryChecker.CheckKeyWindow(signer, predicate, failures);
            EntryChecker.CheckEventData(entry.EventDataJson, predicate, failures);

            results.Add(new EntryVerification(entry.Seq, entry.StreamVersion, failures.Count == 0, failures.AsReadOnly()));
            byte[]? leaf = EntryChecker.TryBuildLeaf(entry.Envelope, signer, out string? unavailable);
            chain.Advance(entry.StreamVersion, leaf is null ? null : LeafBody.Hash(leaf), unavailable);
        }

        return new StreamVerification(streamId, results.TrueForAll(r => r.IsValid), results.AsReadOnly());
    }
}
