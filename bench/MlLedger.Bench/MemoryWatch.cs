using System.Globalization;

namespace MlLedger.Bench;

/// <summary>
/// Memory of this process around one request. The ledger host runs in this process, so these figures include the
/// client's side (the response buffered once), the host's background work (sequencer, checkpoint issuer) and the
/// runtime; PostgreSQL runs in processes of its own and is not included.
/// </summary>
/// <param name="RssBefore">Resident set after a full GC, before the request (VmRSS).</param>
/// <param name="RssPeak">Peak resident set during the request: VmHWM, reset just before it through /proc/self/clear_refs;
/// null when the reset is not possible (then only the sampled VmRSS peak is known, in <see cref="RssSampledPeak"/>).</param>
/// <param name="RssSampledPeak">Highest VmRSS seen by a sampler every millisecond or so.</param>
/// <param name="HeapBefore">Managed heap after a full GC (GC.GetTotalMemory).</param>
/// <param name="HeapPeak">Highest managed heap size seen by the sampler (live and not yet collected objects).</param>
/// <param name="Allocated">Bytes allocated by every thread of the process during the request (GC.GetTotalAllocatedBytes).</param>
internal sealed record MemoryFigures(long RssBefore, long? RssPeak, long RssSampledPeak, long HeapBefore, long HeapPeak, long Allocated)
{
    public long RssGrowth => Math.Max(RssPeak ?? 0, RssSampledPeak) - RssBefore;

    public long HeapGrowth => HeapPeak - HeapBefore;
}

internal sealed class MemoryWatch : IDisposable
{
    private readonly long _rssBefore;
    private readonly long _heapBefore;
    private readonly long _allocatedBefore;
    private readonly bool _peakReset;
    private readonly Thread _sampler;
    private volatile bool _stop;
    private long _heapPeak;
    private long _rssPeak;

    private MemoryWatch()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        _heapBefore = _heapPeak = GC.GetTotalMemory(forceFullCollection: false);
        _rssBefore = _rssPeak = Status("VmRSS:") ?? 0;
        _peakReset = ResetPeak();
        _allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        _sampler = new Thread(Sample) { IsBackground = true, Name = "memory sampler", Priority = ThreadPriority.AboveNormal };
        _sampler.Start();
    }

    public static MemoryWatch Start() => new();

    public MemoryFigures Stop()
    {
        _stop = true;
        _sampler.Join();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - _allocatedBefore;
        var rssPeak = _peakReset ? Status("VmHWM:") : null;
        return new MemoryFigures(_rssBefore, rssPeak, Interlocked.Read(ref _rssPeak), _heapBefore, Interlocked.Read(ref _heapPeak), allocated);
    }

    public void Dispose()
    {
        _stop = true;
        _sampler.Join();
    }

    /// <summary>Samples without allocating (so as not to add to the allocation figure): statm is read into one buffer.</summary>
    private void Sample()
    {
        using var statm = new FileStream("/proc/self/statm", FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
        var buffer = new byte[256];
        var pageSize = Environment.SystemPageSize;
        while (!_stop)
        {
            var heap = GC.GetTotalMemory(forceFullCollection: false);
            if (heap > Interlocked.Read(ref _heapPeak))
            {
                Interlocked.Exchange(ref _heapPeak, heap);
            }

            statm.Position = 0;
            var rss = ResidentPages(buffer.AsSpan(0, statm.Read(buffer))) * pageSize;
            if (rss > Interlocked.Read(ref _rssPeak))
            {
                Interlocked.Exchange(ref _rssPeak, rss);
            }

            Thread.Sleep(1);
        }
    }

    /// <summary>The second field of /proc/self/statm: resident pages.</summary>
    private static long ResidentPages(ReadOnlySpan<byte> statm)
    {
        var start = statm.IndexOf((byte)' ') + 1;
        long pages = 0;
        for (var i = start; start > 0 && i < statm.Length && statm[i] is >= (byte)'0' and <= (byte)'9'; i++)
        {
            pages = pages * 10 + (statm[i] - '0');
        }

        return pages;
    }

    /// <summary>Writing 5 to /proc/self/clear_refs resets VmHWM to the current RSS (Linux 4.0 and later).</summary>
    private static bool ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return Status("VmHWM:") is { } peak && peak <= (Status("VmRSS:") ?? 0) + (4 << 20);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>A "kB" field of /proc/self/status, in bytes.</summary>
    private static long? Status(string field)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    var value = line[field.Length..].Trim();
                    return long.Parse(value[..value.IndexOf(' ', StringComparison.Ordinal)], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }

        return null;
    }
}
