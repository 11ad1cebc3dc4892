using MlLedger.Integrity.Signing;

namespace MlLedger.Integrity.Entries;

/// <summary>
/// Verifies the entries of one stream one at a time, in stream order, keeping only the tail of the chain: a stream of
/// any length is checked in constant memory, and each entry's result is known as soon as the entry is read. The
/// results are those <see cref="StreamVerifier.Verify"/> gives for the same entries. Not thread-safe.
/// </summary>
public sealed class StreamEntryVerifier
{
    private readonly string _streamId;
    private readonly StreamChain _chain = StreamChain.FromFirstEntry();
    private readonly EntryChecker _checker;

    public StreamEntryVerifier(string streamId, TrustedKeys trusted)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentNullException.ThrowIfNull(trusted);
        _streamId = streamId;
        _checker = new EntryChecker(trusted);
    }

    /// <summary>True while every entry given so far verified.</summary>
    public bool IsValid { get; private set; } = true;

    /// <summary>Checks the next entry of the stream (its signature, statement, claims, link to the entry before it, key window and stored data).</summary>
    public EntryVerification Next(StoredEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var failures = new List<EntryFailure>();
        var signer = _checker.CheckSignature(entry.Envelope, failures);
        var predicate = EntryChecker.ReadPredicate(entry.EventType, entry.Envelope, failures);
        EntryChecker.CheckClaims(_streamId, entry.EventType, entry.StreamVersion, predicate, failures);
        _chain.Check(entry.StreamVersion, predicate, failures);
        EntryChecker.CheckKeyWindow(signer, predicate, failures);
        EntryChecker.CheckEventData(entry.EventDataJson, predicate, failures);

        var leaf = EntryChecker.TryBuildLeaf(entry.Envelope, signer, out var unavailable);
        _chain.Advance(entry.StreamVersion, leaf is null ? null : LeafBody.Hash(leaf), unavailable);
        IsValid &= failures.Count == 0;
        return new EntryVerification(entry.Seq, entry.StreamVersion, failures.Count == 0, failures.AsReadOnly());
    }
}
