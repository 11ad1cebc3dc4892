using System.Diagnostics;
using System.Globalization;

namespace MlLedger.Bench;

/// <summary>
/// What one request (or one burst of requests) cost the ledger's process and PostgreSQL: wall time, CPU time of each,
/// and the ledger process's resident memory before (<see cref="RssBefore"/>: a fresh process at rest, where the caller
/// sets it so) and at its peak.
/// </summary>
/// <param name="RssPeak">The higher of VmHWM (reset just before, through /proc/PID/clear_refs, when the kernel allows it)
/// and VmRSS sampled every millisecond.</param>
internal sealed record ServerFigures(TimeSpan Wall, TimeSpan ServerCpu, TimeSpan PostgresCpu, long RssBefore, long RssPeak, bool PeakReset)
{
    public long RssGrowth => Math.Max(0, RssPeak - RssBefore);
}

/// <summary>Watches the ledger's process (<c>mlledger serve</c>, a process of its own) and its PostgreSQL cluster around a request.</summary>
internal sealed class ServerWatch
{
    private readonly int _pid;
    private readonly CpuMeter _cpu;
    private readonly CpuTimes _cpuBefore;
    private readonly long _rssBefore;
    private readonly bool _peakReset;
    private readonly long _started;
    private readonly Thread _sampler;
    private volatile bool _stop;
    private long _rssPeak;

    private ServerWatch(int pid, CpuMeter cpu)
    {
        _pid = pid;
        _cpu = cpu;
        _rssBefore = _rssPeak = Status("VmRSS:") ?? 0;
        _peakReset = ResetPeak();
        _cpuBefore = cpu.Read();
        _started = Stopwatch.GetTimestamp();
        _sampler = new Thread(Sample) { IsBackground = true, Name = "server memory sampler", Priority = ThreadPriority.AboveNormal };
        _sampler.Start();
    }

    public static ServerWatch Start(int pid, CpuMeter cpu) => new(pid, cpu);

    /// <summary>The process's resident memory now (VmRSS), in bytes; 0 when it cannot be read.</summary>
    public static long Rss(int pid) => Status(pid, "VmRSS:") ?? 0;

    /// <summary>Waits (at most 15 s) until the process's resident memory has moved less than 1 MiB in half a second; answers it.</summary>
    public static async Task<long> SettledRss(int pid, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var last = Rss(pid);
        while (clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(500, ct);
            var now = Rss(pid);
            if (Math.Abs(now - last) < 1 << 20)
            {
                return now;
            }

            last = now;
        }

        return last;
    }

    public ServerFigures Stop()
    {
        var wall = Stopwatch.GetElapsedTime(_started);
        _stop = true;
        _sampler.Join();
        var cpu = _cpu.Read() - _cpuBefore;
        var peak = Math.Max(Interlocked.Read(ref _rssPeak), _peakReset ? Status("VmHWM:") ?? 0 : 0);
        return new ServerFigures(wall, cpu.Process, cpu.Postgres, _rssBefore, peak, _peakReset);
    }

    private void Sample()
    {
        var pageSize = Environment.SystemPageSize;
        var buffer = new byte[256];
        using var statm = new FileStream($"/proc/{_pid}/statm", FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
        while (!_stop)
        {
            statm.Position = 0;
            var read = statm.Read(buffer);
            var text = System.Text.Encoding.ASCII.GetString(buffer, 0, read).Split(' ');
            if (text.Length > 1 && long.TryParse(text[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pages))
            {
                var rss = pages * pageSize;
                if (rss > Interlocked.Read(ref _rssPeak))
                {
                    Interlocked.Exchange(ref _rssPeak, rss);
                }
            }

            Thread.Sleep(1);
        }
    }

    /// <summary>Writing 5 to /proc/PID/clear_refs resets that process's VmHWM to its current RSS (Linux 4.0 and later).</summary>
    private bool ResetPeak()
    {
        try
        {
            File.WriteAllText($"/proc/{_pid}/clear_refs", "5");
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

    private long? Status(string field) => Status(_pid, field);

    /// <summary>A "kB" field of /proc/PID/status, in bytes.</summary>
    private static long? Status(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
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
