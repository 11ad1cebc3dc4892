namespace MlLedger.Integrity.Entries;

/// <summary>
/// What links the entries of one stream, checked entry by entry in stream order while keeping only the tail:
/// the stored versions count up by one, and each entry's signed previous-entry hash is the leaf hash of the entry
/// before it (none for the first). A chain may start after entries that are not at hand (an audit range that
/// begins mid-stream): its first entry then cannot be linked, and counts from its own version.
/// </summary>
internal sealed class StreamChain
{
    private readonly bool _startsAtFirstEntry;
    private long _count;
    private long _firstVersion = 1;
    private string? _previousHash;
    private string? _previousUnavailable;

    private StreamChain(bool startsAtFirstEntry) => _startsAtFirstEntry = startsAtFirstEntry;

    /// <summary>A chain whose first entry checked is the stream's first entry.</summary>
    public static StreamChain FromFirstEntry() => new(startsAtFirstEntry: true);

    /// <summary>A chain whose earlier entries, if any, are not at hand.</summary>
    public static StreamChain AfterUnseenEntries() => new(startsAtFirstEntry: false);

    /// <summary>
    /// version-gap, chain-broken. Returns false when the link could not be checked because the entry's predecessor
    /// is not at hand (not a failure: the caller counts it).
    /// </summary>
    public bool Check(long storedVersion, LedgerPredicate? predicate, List<EntryFailure> failures)
    {
        if (_count == 0 && !_startsAtFirstEntry && storedVersion > 1)
        {
            return false;
        }

        long expectedVersion = _firstVersion + _count;
        if (storedVersion != expectedVersion)
        {
            EntryChecker.Fail(failures, EntryFailureCodes.VersionGap,
                _startsAtFirstEntry
                    ? $"Entry {_count + 1} of the stream has version {storedVersion}, expected {expectedVersion}."
                    : $"Entry has version {storedVersion}, expected {expectedVersion} after version {expectedVersion - 1}.");
        }

        if (predicate is null)
        {
            return true;
        }

        if (_count == 0)
        {
            if (predicate.PreviousEntryHash is not null)
            {
                EntryChecker.Fail(failures, EntryFailureCodes.ChainBroken,
                    $"The first entry of a stream must have no previous entry hash, found '{predicate.PreviousEntryHash}'.");
            }

            return true;
        }

        if (_previousHash is null)
        {
            EntryChecker.Fail(failures, EntryFailureCodes.ChainBroken,
                $"The previous entry's leaf hash cannot be computed ({_previousUnavailable}), so the link to it cannot be checked.");
        }
        else if (!string.Equals(predicate.PreviousEntryHash, _previousHash, StringComparison.Ordinal))
        {
            EntryChecker.Fail(failures, EntryFailureCodes.ChainBroken,
                $"Previous entry hash is '{predicate.PreviousEntryHash ?? "null"}', expected '{_previousHash}' (the previous entry's leaf hash).");
        }

        return true;
    }

    /// <summary>Moves the tail to the entry just checked: its stored version and its leaf hash (or why there is none).</summary>
    public void Advance(long storedVersion, string? leafHash, string? unavailable)
    {
        if (_count == 0 && !_startsAtFirstEntry)
        {
            _firstVersion = storedVersion;
        }

        _count++;
        _previousHash = leafHash;
        _previousUnavailable = unavailable;
    }
}
