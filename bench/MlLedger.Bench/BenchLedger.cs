using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using MlLedger.Api;
using MlLedger.Api.Auth;
using MlLedger.Api.Hosting;
using MlLedger.Policies;
using Npgsql;

namespace MlLedger.Bench;

/// <summary>
/// A throwaway ledger: an embedded PostgreSQL cluster under /tmp (as the API tests start it), the real ledger host
/// in dev mode on a loopback port with the given policies and a temp keys directory, and the dev token issuer. The
/// host runs in this process (<see cref="StartAsync"/>) or as <c>mlledger serve</c> in a process of its own
/// (<see cref="ServeAsync"/>), whose memory and CPU time can then be read alone. Everything is stopped and removed on
/// dispose.
/// </summary>
internal sealed class BenchLedger : IAsyncDisposable
{
    public const string Schema = "mlledger";

    private readonly string _directory;
    private readonly EmbeddedPostgres _postgres;
    private readonly WebApplication? _app;
    private ServedProcess? _served;
    private readonly DevTokens _tokens;
    private readonly SocketsHttpHandler _handler;
    private readonly List<HttpClient> _clients = [];

    private BenchLedger(string directory, EmbeddedPostgres postgres, WebApplication? app, ServedProcess? served, DevTokens tokens,
        string connectionString, Uri address)
    {
        _directory = directory;
        _postgres = postgres;
        _app = app;
        _served = served;
        _tokens = tokens;
        ConnectionString = connectionString;
        Address = address;
        _handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
            UseProxy = false,
        };
    }

    public string ConnectionString { get; }

    public Uri Address { get; }

    public string PostgresDirectory => _postgres.ClusterDirectory;

    /// <summary>The host's keys directory (the ledger's signing key lives there).</summary>
    public string KeysDirectory => Path.Combine(_directory, "keys");

    /// <summary>The host's services (e.g. its Marten document store); only when the host runs in this process.</summary>
    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("the ledger runs in a process of its own");

    /// <summary>The process id of <c>mlledger serve</c>, or of this process when the host runs in it.</summary>
    public int ServerProcessId => _served?.Process.Id ?? Environment.ProcessId;

    /// <summary>Stops <c>mlledger serve</c> and starts it again on the same database, keys and port: a fresh process.</summary>
    public async Task RestartServerAsync(CancellationToken ct)
    {
        var served = _served ?? throw new InvalidOperationException("the ledger runs in this process");
        await served.DisposeAsync();
        _served = await ServedProcess.StartAsync(served.Cli, served.Arguments, Address, ct);
    }

    /// <summary>Starts PostgreSQL and the host; <paramref name="configure"/> may add middleware before the host starts.</summary>
    public static async Task<BenchLedger> StartAsync(PolicySet policies, MartenErrors martenErrors, Action<WebApplication> configure,
        CancellationToken ct)
    {
        // under /tmp so that the postgres OS user (used when running as root) can reach it
        var directory = Path.Combine(Path.GetTempPath(), $"mlledger-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        EmbeddedPostgres? postgres = null;
        WebApplication? app = null;
        try
        {
            postgres = await EmbeddedPostgres.StartAsync(directory, ct);
            var connectionString = postgres.ConnectionStringFor(EmbeddedPostgres.DatabaseName);
            var keys = Path.Combine(directory, "keys");
            var options = new LedgerHostOptions
            {
                ConnectionString = connectionString,
                KeysDirectory = keys,
                Urls = "http://127.0.0.1:0",
                DevMode = true,
                Policies = policies,
                Schema = Schema,
                RateLimits = RateLimits.Off, // the bench measures the ledger, not its limiter
            };
            app = LedgerHost.Build(options, logging =>
            {
                logging.SetMinimumLevel(LogLevel.Warning);
                // Marten's errors are counted, not printed with their stack traces; the host's own errors still print
                logging.AddProvider(martenErrors);
                logging.AddFilter<ConsoleLoggerProvider>("Marten", LogLevel.None);
                // every console page with a form logs that antiforgery replaced its Cache-Control header: not printed per request
                logging.AddFilter<ConsoleLoggerProvider>("Microsoft.AspNetCore.Antiforgery", LogLevel.Error);
                logging.AddFilter<MartenErrors>((category, level) =>
                    level >= LogLevel.Error && category?.StartsWith("Marten", StringComparison.Ordinal) == true);
            });
            configure(app);
            await app.StartAsync(ct);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var tokens = DevTokens.Load(keys); // the host created the dev issuer's key on start-up
            return new BenchLedger(directory, postgres, app, null, tokens, connectionString, new Uri(address));
        }
        catch
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }

            if (postgres is not null)
            {
                await postgres.DisposeAsync();
            }

            RemoveDirectories(directory, postgres?.ClusterDirectory);
            throw;
        }
    }

    /// <summary>
    /// Starts PostgreSQL here and <c>mlledger serve --dev --db ...</c> (the built CLI <paramref name="cli"/>) in a process of
    /// its own on a free loopback port, with <paramref name="serveArguments"/> added; answers once it serves /readyz.
    /// </summary>
    public static async Task<BenchLedger> ServeAsync(string cli, string policiesDirectory, IReadOnlyList<string> serveArguments, CancellationToken ct)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"mlledger-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        EmbeddedPostgres? postgres = null;
        ServedProcess? served = null;
        try
        {
            postgres = await EmbeddedPostgres.StartAsync(directory, ct);
            var connectionString = postgres.ConnectionStringFor(EmbeddedPostgres.DatabaseName);
            var address = new Uri($"http://127.0.0.1:{LoopbackPorts.Free()}");
            served = await ServedProcess.StartAsync(cli,
                ["serve", "--dev", "--db", connectionString, "--data-dir", directory, "--urls", address.ToString().TrimEnd('/'), "--policies", policiesDirectory,
                    .. serveArguments],
                address, ct);
            var tokens = DevTokens.Load(Path.Combine(directory, "keys"));
            return new BenchLedger(directory, postgres, null, served, tokens, connectionString, address);
        }
        catch
        {
            if (served is not null)
            {
                await served.DisposeAsync();
            }

            if (postgres is not null)
            {
                await postgres.DisposeAsync();
            }

            RemoveDirectories(directory, postgres?.ClusterDirectory);
            throw;
        }
    }

    /// <summary>A dev-issuer token for <paramref name="subject"/> with <paramref name="roles"/>, valid for 12 hours.</summary>
    public string Token(string subject, params string[] roles) => _tokens.Mint(subject, roles, TimeSpan.FromHours(12), DateTimeOffset.UtcNow);

    /// <summary>A client whose requests carry a dev-issuer token for <paramref name="subject"/> with <paramref name="roles"/>.</summary>
    public HttpClient Client(string subject, params string[] roles)
    {
        var token = Token(subject, roles);
        var client = new HttpClient(_handler, disposeHandler: false) { BaseAddress = Address, Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        _clients.Add(client);
        return client;
    }

    public HttpClient Anonymous()
    {
        var client = new HttpClient(_handler, disposeHandler: false) { BaseAddress = Address };
        _clients.Add(client);
        return client;
    }

    /// <summary>Ledger entries stored (Marten's mt_tombstone placeholder rows are not entries).</summary>
    public async Task<long> CountEntriesAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {Schema}.mt_events WHERE stream_id <> 'mt_tombstone'", connection);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    public async ValueTask DisposeAsync()
    {
        _clients.ForEach(c => c.Dispose());
        _handler.Dispose();
        _tokens.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        if (_served is not null)
        {
            await _served.DisposeAsync();
        }

        await _postgres.DisposeAsync();
        RemoveDirectories(_directory, _postgres.ClusterDirectory);
    }

    private static void RemoveDirectories(string directory, string? cluster)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        // when the postgres OS user could not enter the directory, the cluster lived in a fallback directory of its own
        if (cluster is not null && Path.GetDirectoryName(cluster) is { } clusterRoot
            && !clusterRoot.StartsWith(directory, StringComparison.Ordinal) && Directory.Exists(clusterRoot))
        {
            Directory.Delete(clusterRoot, recursive: true);
        }
    }
}
