using MlLedger.Integrity.Entries;
using MlLedger.Integrity.Merkle;
using MlLedger.Integrity.Signing;

namespace MlLedger.Integrity.Audit;

/// <summary>
/// The entries of one bundle, read in batches: while the entries of one batch are checked in parallel (signature,
/// statement, claims, key window, event data, leaf hash), the next batch is read and the previous one is folded in
/// order into the per-stream chains and the compact range.
/// </summary>
internal sealed class EntryRun(
    AuditBundleHeader header, TrustedKeys trusted, AuditVerifierOptions options, AuditFailureLog failures, long? olderSize)
{
    private const int BatchSize = 512;

    /// <summary>A batch also closes at this many bytes of entries, so that a run of large entries holds bounded memory.</summary>
    private const long BatchBytes = 32L * 1024 * 1024;

    private readonly Dictionary<string, StreamChain> _streams = new(StringComparer.Ordinal);
    private readonly EntryChecker _checker = new(trusted);
    private readonly List<EntryFailure> _linkFailures = [];
    private CompactRange? _range = CompactRange.FromHashes(header.From, header.Prefix);
    private long _nextIndex = header.From;

    public long EntriesRead { get; private set; }

    public int Streams => _streams.Count;

    public long UncheckedLinks { get; private set; }

    /// <summary>Why the root cannot be recomputed from the entries, or null when it can.</summary>
    public string? RootUnavailable { get; private set; }

    /// <summary>The root of the first <c>olderSize</c> leaves, when that size lies in the bundle's range.</summary>
    public byte[]? RootAtOlderSize { get; private set; }

    public byte[] Root() => _range?.Root() ?? throw new InvalidOperationException(RootUnavailable);

    /// <summary>Reads and checks every entry; false when the bundle could not be read to its end line.</summary>
    public async Task<bool> ReadAndVerifyAsync(AuditBundleReader reader, IProgress<long>? progress, CancellationToken ct)
    {
        CaptureOlderRoot();
        var current = new Batch();
        Batch? running = null;
        Task? checking = null;
        bool complete = true;
        try
        {
            await foreach (var entry in reader.ReadEntriesAsync(ct).ConfigureAwait(false))
            {
                current.Add(entry);
                if (current.Count < BatchSize && current.Bytes < BatchBytes)
                {
                    continue;
                }

                if (checking is not null)
                {
                    await checking.ConfigureAwait(false);
                }

                var previous = running;
                var toCheck = current;
                running = toCheck;
                checking = Task.Run(() => Check(toCheck, ct), ct);
                current = previous ?? new Batch();
                if (previous is not null)
                {
                    Fold(previous, progress);
                }
            }
        }
        catch (AuditBundleFormatException e)
        {
            failures.Add(AuditBundleVerifier.Unreadable(e));
            complete = false;
        }

        if (checking is not null)
        {
            await checking.ConfigureAwait(false);
            Fold(running!, progress);
        }

        Check(current, ct);
        Fold(current, progress);
        return complete;
    }

    private void Check(Batch batch, CancellationToken ct)
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism, CancellationToken = ct };
        Parallel.For(0, batch.Count, parallel, i => batch.Outcomes[i] = CheckEntry(batch.Entries[i]!));
    }

    private Outcome CheckEntry(AuditEntry entry)
    {
        var found = new List<EntryFailure>();
        var signer = _checker.CheckSignature(entry.Envelope, found, verify: !options.SkipEntrySignaturesUnsafe);
        var predicate = EntryChecker.ReadPredicate(entry.EventType, entry.Envelope, found);
        EntryChecker.CheckClaims(entry.StreamId, entry.EventType, entry.StreamVersion, predicate, found);
        EntryChecker.CheckKeyWindow(signer, predicate, found);
        EntryChecker.CheckEventData(entry.EventDataJson, predicate, found);
        byte[]? leaf = EntryChecker.TryBuildLeaf(entry.Envelope, signer, out string? unavailable);
        return new Outcome(
            predicate,
            found.Count > 0 ? found : null,
            leaf is null ? null : MerkleHash.Leaf(leaf),
            leaf is null ? null : LeafBody.Hash(leaf),
            unavailable);
    }

    /// <summary>In log order: index contiguity, stream links and versions, the tree.</summary>
    private void Fold(Batch batch, IProgress<long>? progress)
    {
        for (int i = 0; i < batch.Count; i++)
        {
            var entry = batch.Entries[i]!;
            var outcome = batch.Outcomes[i];
            CheckIndex(entry);

            foreach (var failure in outcome.Failures ?? [])
            {
                AddEntryFailure(entry, failure);
            }

            if (!_streams.TryGetValue(entry.StreamId, out var chain))
            {
                chain = header.From == 0 ? StreamChain.FromFirstEntry() : StreamChain.AfterUnseenEntries();
                _streams.Add(entry.StreamId, chain);
            }

            _linkFailures.Clear();
            if (!chain.Check(entry.StreamVersion, outcome.Predicate, _linkFailures))
            {
                UncheckedLinks++;
            }

            _linkFailures.ForEach(f => AddEntryFailure(entry, f));
            chain.Advance(entry.StreamVersion, outcome.EntryHash, outcome.Unavailable);

            if (_range is not null && outcome.LeafHash is null)
            {
                RootUnavailable = $"the leaf of entry {entry.LogIndex} (seq {entry.Seq}) cannot be rebuilt because {outcome.Unavailable}";
                _range = null;
            }

            _range?.Append(outcome.LeafHash);
            CaptureOlderRoot();
            EntriesRead++;
        }

        batch.Clear();
        progress?.Report(EntriesRead);
    }

    private void CheckIndex(AuditEntry entry)
    {
        if (entry.LogIndex >= header.TreeSize)
        {
            AddEntryFailure(entry, new EntryFailure(
                AuditFailureCodes.LogIndex, $"Log index {entry.LogIndex} lies beyond the checkpoint's tree size {header.TreeSize}."));
        }
        else if (entry.LogIndex != _nextIndex)
        {
            AddEntryFailure(entry, new EntryFailure(
                AuditFailureCodes.LogIndex, $"Log index {entry.LogIndex} where {_nextIndex} was expected (entries missing, inserted or out of order)."));
        }

        _nextIndex = entry.LogIndex + 1;
    }

    private void CaptureOlderRoot()
    {
        if (_range is not null && _range.Size == olderSize)
        {
            RootAtOlderSize = _range.Root();
        }
    }

    private void AddEntryFailure(AuditEntry entry, EntryFailure failure) =>
        failures.Add(new AuditFailure(failure.Code, failure.Message, entry.LogIndex, entry.Seq, entry.StreamId));

    private readonly record struct Outcome(
        LedgerPredicate? Predicate, List<EntryFailure>? Failures, byte[]? LeafHash, string? EntryHash, string? Unavailable);

    private sealed class Batch
    {
        public AuditEntry?[] Entries { get; } = new AuditEntry?[BatchSize];

        public Outcome[] Outcomes { get; } = new Outcome[BatchSize];

        public int Count { get; private set; }

        /// <summary>About the memory the entries hold: their stored event text and signed payload.</summary>
        public long Bytes { get; private set; }

        public void Add(AuditEntry entry)
        {
            Entries[Count++] = entry;
            Bytes += 2L * entry.EventDataJson.Length + entry.Envelope.Payload.Length;
        }

        public void Clear()
        {
            Array.Clear(Entries, 0, Count);
            Array.Clear(Outcomes, 0, Count);
            Count = 0;
            Bytes = 0;
        }
    }
}
