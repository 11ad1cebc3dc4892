using System.Globalization;

namespace MlLedger.Bench;

/// <summary>CPU time used so far by one process (this one, or the ledger's) and by one PostgreSQL cluster (its postmaster and the processes it started).</summary>
internal readonly record struct CpuTimes(TimeSpan Process, TimeSpan Postgres)
{
    public static CpuTimes operator -(CpuTimes a, CpuTimes b) => new(a.Process - b.Process, a.Postgres - b.Postgres);
}

/// <summary>
/// Reads CPU times from /proc (Linux): where a write's cost goes on a small machine, in the host and load generator
/// (this process) and in PostgreSQL. A backend that exits between two readings is counted in its postmaster's reaped
/// children's time. Elsewhere than Linux every reading is zero.
/// </summary>
internal sealed class CpuMeter(string clusterDirectory, int? processId = null)
{
    private static readonly double TicksPerSecond = 100; // USER_HZ, 100 on every Linux architecture .NET runs on

    public CpuTimes Read() => new(Ticks(processId is { } pid ? $"/proc/{pid}/stat" : "/proc/self/stat"), PostgresTime());

    private TimeSpan PostgresTime()
    {
        var pidFile = Path.Combine(clusterDirectory, "postmaster.pid");
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadLines(pidFile).First(), NumberStyles.None, CultureInfo.InvariantCulture, out var postmaster))
        {
            return TimeSpan.Zero;
        }

        // the postmaster's own time and that of the backends it has reaped (which took their time with them when they
        // exited), then the backends still running
        var total = Ticks($"/proc/{postmaster}/stat", withReapedChildren: true);
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            var name = Path.GetFileName(directory);
            if (name.All(char.IsAsciiDigit) && ParentOf(directory) == postmaster)
            {
                total += Ticks(Path.Combine(directory, "stat"));
            }
        }

        return total;
    }

    private static int ParentOf(string processDirectory)
    {
        var fields = StatFields(Path.Combine(processDirectory, "stat"));
        return fields is { Length: > 1 } ? int.Parse(fields[1], CultureInfo.InvariantCulture) : -1;
    }

    /// <summary>utime + stime of one process; with <paramref name="withReapedChildren"/> also cutime + cstime (its children that exited and were waited for).</summary>
    private static TimeSpan Ticks(string statFile, bool withReapedChildren = false)
    {
        var fields = StatFields(statFile);
        if (fields is not { Length: > 14 })
        {
            return TimeSpan.Zero;
        }

        long Field(int i) => long.Parse(fields[i], CultureInfo.InvariantCulture);
        var ticks = Field(11) + Field(12) + (withReapedChildren ? Field(13) + Field(14) : 0);
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    /// <summary>The fields after the command name (which may hold spaces): state, ppid, ... (stat fields 3 onwards).</summary>
    private static string[]? StatFields(string statFile)
    {
        try
        {
            var text = File.ReadAllText(statFile);
            var end = text.LastIndexOf(')');
            return end < 0 ? null : text[(end + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null; // the process has exited
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
