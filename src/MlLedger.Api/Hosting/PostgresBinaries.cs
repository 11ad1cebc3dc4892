using System.Diagnostics;
using System.Globalization;

namespace MlLedger.Api.Hosting;

/// <summary>The PostgreSQL server programs installed on this machine (initdb, pg_ctl, postgres).</summary>
internal sealed class PostgresBinaries
{
    private const string ServerUser = "postgres";
    private static readonly string[] Programs = ["initdb", "pg_ctl", "postgres"];
    private readonly string _directory;
    private readonly bool _runAsServerUser;

    private PostgresBinaries(string directory)
    {
        _directory = directory;
        _runAsServerUser = !OperatingSystem.IsWindows() && Environment.UserName == "root";
    }

    public static PostgresBinaries Locate()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("MLLEDGER_PG_BIN") is { Length: > 0 } configured)
        {
            candidates.Add(configured);
        }

        // Debian and Ubuntu keep each major version under /usr/lib/postgresql/<major>/bin; newest first.
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => (Dir: Path.Combine(d, "bin"), Major: int.TryParse(Path.GetFileName(d), CultureInfo.InvariantCulture, out var m) ? m : 0))
                .OrderByDescending(x => x.Major)
                .Select(x => x.Dir));
        }

        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator));
        foreach (var directory in candidates.Where(d => d.Length > 0))
        {
            if (Programs.All(p => File.Exists(Path.Combine(directory, p))))
            {
                return new PostgresBinaries(directory);
            }
        }

        throw new EmbeddedPostgresException(
            "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found. Install them " +
            "(Debian/Ubuntu: apt-get install postgresql), point MLLEDGER_PG_BIN at their directory, " +
            "or use an external server with --db / MLLEDGER_DB.");
    }

    /// <summary>Whether the server's OS user can enter <paramref name="directory"/> (always, when it is the current user).</summary>
    public async Task<bool> ServerUserCanEnter(string directory, CancellationToken ct)
    {
        if (!_runAsServerUser)
        {
            return true;
        }

        using var probe = Process.Start(new ProcessStartInfo(SystemProgram("runuser"), ["-u", ServerUser, "--", "test", "-x", directory])
        {
            RedirectStandardError = true,
        }) ?? throw new EmbeddedPostgresException("could not start runuser");
        await probe.WaitForExitAsync(ct);
        return probe.ExitCode == 0;
    }

    /// <summary>Hands a path to the server's OS user when the server cannot run as the current user.</summary>
    public void GiveToServerUser(string path)
    {
        if (!_runAsServerUser)
        {
            return;
        }

        var chown = Process.Start(new ProcessStartInfo(SystemProgram("chown"), ["-R", ServerUser, path]) { RedirectStandardError = true })
            ?? throw new EmbeddedPostgresException("could not start chown");
        chown.WaitForExit();
        if (chown.ExitCode != 0)
        {
            throw new EmbeddedPostgresException(
                $"chown {ServerUser} {path} failed: {chown.StandardError.ReadToEnd().Trim()} " +
                $"(running as root, the embedded PostgreSQL runs as the '{ServerUser}' OS user; create it with apt-get install postgresql)");
        }
    }

    /// <summary>A system program by absolute path: sbin directories are often missing from PATH.</summary>
    private static string SystemProgram(string name)
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .Concat(["/usr/sbin", "/sbin", "/usr/bin", "/bin"])
            .Where(d => d.Length > 0)
            .Select(d => Path.Combine(d, name))
            .FirstOrDefault(File.Exists);
        return path ?? throw new EmbeddedPostgresException(
            $"'{name}' was not found; running as root, the embedded PostgreSQL needs it to run the server as the '{ServerUser}' user");
    }

    public async Task RunAsync(string program, IReadOnlyList<string> arguments, string failureHint, CancellationToken ct)
    {
        var path = Path.Combine(_directory, program);
        var start = _runAsServerUser
            ? new ProcessStartInfo(SystemProgram("runuser"), ["-u", ServerUser, "--", path, .. arguments])
            : new ProcessStartInfo(path, arguments);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.WorkingDirectory = "/";

        using var process = Process.Start(start) ?? throw new EmbeddedPostgresException($"could not start {path}");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        var output = (await stdout + await stderr).Trim();
        if (process.ExitCode != 0)
        {
            throw new EmbeddedPostgresException(
                $"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {output} ({failureHint})");
        }
    }
}
