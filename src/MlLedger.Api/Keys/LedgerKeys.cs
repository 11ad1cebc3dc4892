using MlLedger.Integrity.Entries;
using MlLedger.Integrity.Signing;

namespace MlLedger.Api.Keys;

/// <summary>One consistent view of the ledger's keys: the ring, what verifies against it, and the one sealer.</summary>
public sealed class KeySnapshot
{
    public KeySnapshot(KeyRing ring)
    {
        ArgumentNullException.ThrowIfNull(ring);
        Ring = ring;
        Trusted = TrustedKeys.From(ring);
        Sealer = new EntrySealer(ring);
    }

    public KeyRing Ring { get; }

    public TrustedKeys Trusted { get; }

    public EntrySealer Sealer { get; }
}

/// <summary>
/// The ledger's keys as they are now. A write holds a lease from the moment it takes its time until it commits,
/// so it seals with the key that was active at its time; a rotation waits until no write holds one, then swaps
/// the keys while none can start. That way no entry is ever sealed by a key outside its validity window.
/// </summary>
public sealed class LedgerKeys : IDisposable
{
    /// <summary>
    /// Write transactions in flight at once. A write takes its lease before its connection, so the rest wait here
    /// without holding one: kept well under Npgsql's default pool of 100, writers queued on one busy stream can never
    /// take every connection from reads, health checks, the sequencer and the checkpoint issuer.
    /// </summary>
    public const int MaxWriters = 64;

    private readonly SemaphoreSlim _writers = new(MaxWriters, MaxWriters);
    private readonly SemaphoreSlim _rotation = new(1, 1);
    private volatile KeySnapshot _current;

    public LedgerKeys(KeyRing ring) => _current = new KeySnapshot(ring);

    public KeySnapshot Current => _current;

    /// <summary>A lease for one write attempt: read its time after taking the lease, seal with <see cref="KeyLease.Keys"/>, commit, dispose.</summary>
    public async Task<KeyLease> EnterWriteAsync(CancellationToken ct)
    {
        await _writers.WaitAsync(ct);
        return new KeyLease(_current, _writers);
    }

    /// <summary>Runs <paramref name="rotate"/> while no write is in flight; it returns the keys that replace the current ones.</summary>
    internal async Task<T> RotateExclusiveAsync<T>(Func<KeySnapshot, Task<(KeySnapshot Next, T Result)>> rotate, CancellationToken ct)
    {
        await _rotation.WaitAsync(ct);
        var held = 0;
        try
        {
            for (; held < MaxWriters; held++)
            {
                await _writers.WaitAsync(ct);
            }

            var (next, result) = await rotate(_current);
            _current = next;
            return result;
        }
        finally
        {
            if (held > 0)
            {
                _writers.Release(held);
            }

            _rotation.Release();
        }
    }

    public void Dispose()
    {
        _writers.Dispose();
        _rotation.Dispose();
    }
}

/// <summary>Held by one write attempt; see <see cref="LedgerKeys.EnterWriteAsync"/>.</summary>
public sealed class KeyLease(KeySnapshot keys, SemaphoreSlim writers) : IDisposable
{
    private int _released;

    public KeySnapshot Keys { get; } = keys;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            writers.Release();
        }
    }
}
