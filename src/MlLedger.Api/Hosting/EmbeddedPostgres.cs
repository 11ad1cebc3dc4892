using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Npgsql;

namespace MlLedger.Api.Hosting;

/// <summary>
/// A private PostgreSQL cluster kept in a data directory and run from the PostgreSQL server
/// binaries installed on the machine. Created on first start, stopped on dispose. When the
/// process runs as root the server runs as the <c>postgres</c> OS user (PostgreSQL refuses root).
/// </summary>
public sealed class EmbeddedPostgres : IAsyncDisposable
{
    public const string DatabaseName = "mlledger";
    private const string SuperUser = "mlledger";

    private readonly PostgresBinaries _binaries;
    private readonly string _clusterDirectory;
    private readonly string _logFile;
    private bool _stopped;

    private EmbeddedPostgres(PostgresBinaries binaries, string clusterDirectory, string logFile, int port, string password)
    {
        _binaries = binaries;
        _clusterDirectory = clusterDirectory;
        _logFile = logFile;
        Port = port;
        AdminConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = port, Username = SuperUser, Password = password, Database = "postgres",
        }.ConnectionString;
    }

    public int Port { get; }

    /// <summary>Where the cluster's files are (under the data directory unless the server's OS user cannot reach it).</summary>
    public string ClusterDirectory => _clusterDirectory;

    /// <summary>Connection string to the cluster's maintenance database, as the cluster owner.</summary>
    public string AdminConnectionString { get; }

    public string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database }.ConnectionString;

    /// <summary>Starts (creating if needed) the cluster under <paramref name="dataDirectory"/>/pg.</summary>
    public static async Task<EmbeddedPostgres> StartAsync(string dataDirectory, CancellationToken ct = default)
    {
        var binaries = PostgresBinaries.Locate();
        var root = Path.GetFullPath(dataDirectory);
        Directory.CreateDirectory(root);
        var clusterRoot = await binaries.ServerUserCanEnter(root, ct) ? root : FallbackClusterRoot(root, binaries);
        var cluster = Path.Combine(clusterRoot, "pg");
        var passwordFile = Path.Combine(root, "pg-password");
        var logFile = Path.Combine(clusterRoot, "pg.log");

        if (!File.Exists(Path.Combine(cluster, "PG_VERSION")))
        {
            await InitializeAsync(binaries, cluster, passwordFile, ct);
        }

        var password = (await File.ReadAllTextAsync(passwordFile, ct)).Trim();
        var running = RunningPort(cluster);
        int port;
        if (running is { } existing && await CanConnectAsync(existing, password, ct))
        {
            port = existing; // left running by an earlier process that did not stop it; adopt it
        }
        else
        {
            port = LoopbackPorts.Free();
            await StartServerAsync(binaries, cluster, logFile, port, ct);
        }

        var pg = new EmbeddedPostgres(binaries, cluster, logFile, port, password);
        await pg.EnsureDatabaseAsync(DatabaseName, ct);
        return pg;
    }

    /// <summary>Creates an empty database if it does not exist yet.</summary>
    public async Task EnsureDatabaseAsync(string database, CancellationToken ct = default)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync(ct);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection);
        exists.Parameters.AddWithValue(database);
        if (await exists.ExecuteScalarAsync(ct) is not null)
        {
            return;
        }

        var quoted = new NpgsqlCommandBuilder().QuoteIdentifier(database);
        await using var create = new NpgsqlCommand($"CREATE DATABASE {quoted}", connection);
        await create.ExecuteNonQueryAsync(ct);
    }

    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        NpgsqlConnection.ClearAllPools();
        await _binaries.RunAsync("pg_ctl", ["-D", _clusterDirectory, "-m", "fast", "-w", "-t", "60", "stop"],
            $"see {_logFile}", CancellationToken.None);
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>
    /// Stops the server as an outage would: a fast shutdown that ends open sessions, with the client pools left as
    /// they are. <see cref="ResumeAsync"/> starts it again on the same port, so connection strings stay valid.
    /// </summary>
    public async Task InterruptAsync()
    {
        await _binaries.RunAsync("pg_ctl", ["-D", _clusterDirectory, "-m", "fast", "-w", "-t", "60", "stop"],
            $"see {_logFile}", CancellationToken.None);
        _stopped = true;
    }

    /// <summary>Starts the server again after <see cref="InterruptAsync"/> (or <see cref="StopAsync"/>), on the same port.</summary>
    public async Task ResumeAsync(CancellationToken ct = default)
    {
        await StartServerAsync(_binaries, _clusterDirectory, _logFile, Port, ct);
        _stopped = false;
    }

    private static async Task StartServerAsync(PostgresBinaries binaries, string cluster, string logFile, int port, CancellationToken ct)
    {
        PrepareLogFile(logFile, binaries);
        var options = string.Join(' ',
            "-c listen_addresses=127.0.0.1",
            $"-p {port.ToString(CultureInfo.InvariantCulture)}",
            "-c unix_socket_directories=''",
            "-c fsync=on");
        await binaries.RunAsync("pg_ctl", ["-D", cluster, "-l", logFile, "-o", options, "-w", "-t", "60", "start"],
            $"see {logFile}", ct);
    }

    private static async Task InitializeAsync(PostgresBinaries binaries, string cluster, string passwordFile, CancellationToken ct)
    {
        Directory.CreateDirectory(cluster);
        if (Directory.EnumerateFileSystemEntries(cluster).Any())
        {
            throw new EmbeddedPostgresException(
                $"{cluster} exists but holds no PostgreSQL cluster (no PG_VERSION); move it away or choose another data directory.");
        }

        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        await WritePrivateFileAsync(passwordFile, password + "\n", ct);

        // initdb reads the password from a file the server's OS user can read; it is removed right after.
        var initPasswordFile = Path.Combine(Path.GetDirectoryName(cluster)!, ".pg-init-password");
        await WritePrivateFileAsync(initPasswordFile, password + "\n", ct);
        try
        {
            binaries.GiveToServerUser(cluster);
            binaries.GiveToServerUser(initPasswordFile);
            await binaries.RunAsync("initdb",
                ["-D", cluster, "-U", SuperUser, "--pwfile", initPasswordFile, "--auth", "scram-sha-256",
                 "-E", "UTF8", "--locale", "C", "--no-instructions"],
                "the server's OS user must be able to reach the data directory", ct);
        }
        finally
        {
            File.Delete(initPasswordFile);
        }
    }

    /// <summary>
    /// Running as root, the server runs as the 'postgres' user, which cannot enter e.g. /root. The cluster then
    /// lives in a directory of its own under /var/lib/mlledger, named after the data directory it belongs to.
    /// </summary>
    private static string FallbackClusterRoot(string dataDirectory, PostgresBinaries binaries)
    {
        var name = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(dataDirectory)))[..16];
        var path = Path.Combine("/var/lib/mlledger/embedded", name);
        Directory.CreateDirectory(path);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            binaries.GiveToServerUser(path); // private to the server's OS user, which must still enter it
        }
        return path;
    }

    /// <summary>
    /// The server's log holds fragments of the statements it refused (values of rejected requests among them): it is
    /// readable by the server's OS user only, including a log an earlier version left readable by all.
    /// </summary>
    private static void PrepareLogFile(string logFile, PostgresBinaries binaries)
    {
        if (OperatingSystem.IsWindows())
        {
            File.AppendAllText(logFile, string.Empty);
            return;
        }

        using (new FileStream(logFile, new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.Write, UnixCreateMode = PrivateFile }))
        {
        }

        File.SetUnixFileMode(logFile, PrivateFile);
        binaries.GiveToServerUser(logFile);
    }

    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static async Task WritePrivateFileAsync(string path, string contents, CancellationToken ct)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = PrivateFile;
        }

        await using var stream = new FileStream(path, options);
        await using var writer = new StreamWriter(stream);
        await writer.WriteAsync(contents.AsMemory(), ct);
    }

    private static int? RunningPort(string cluster)
    {
        // postmaster.pid line 4 holds the port of a running (or crashed) server.
        var pidFile = Path.Combine(cluster, "postmaster.pid");
        if (!File.Exists(pidFile))
        {
            return null;
        }

        try
        {
            var lines = File.ReadAllLines(pidFile);
            return lines.Length > 3 && int.TryParse(lines[3], CultureInfo.InvariantCulture, out var port) ? port : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static async Task<bool> CanConnectAsync(int port, string password, CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = port, Username = SuperUser, Password = password, Database = "postgres",
            Timeout = 3, Pooling = false,
        };
        try
        {
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(ct);
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            return false;
        }
    }
}

public sealed class EmbeddedPostgresException(string message) : Exception(message);
