using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MlLedger.Api.Auth;
using JasperFx.Events.Daemon;
using MlLedger.Api.Hosting;
using MlLedger.Api.Log;
using MlLedger.Policies;
using Npgsql;

namespace MlLedger.Api.Tests.Infrastructure;

/// <summary>
/// The real ledger host on a loopback port, with its own database and keys, trusting <see cref="TestIssuer"/>.
/// One per test class.
/// </summary>
public sealed class LedgerApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<HttpClient> _clients = [];
    private readonly string _directory;

    private readonly PostgresFixture _postgres;
    private bool _ownsDatabase;

    private LedgerApp(WebApplication app, string directory, string connectionString, TestIssuer issuer, Uri address,
        PostgresFixture postgres, bool ownsDatabase)
    {
        _postgres = postgres;
        _ownsDatabase = ownsDatabase;
        _app = app;
        _directory = directory;
        ConnectionString = connectionString;
        Issuer = issuer;
        Address = address;
    }

    public string ConnectionString { get; }
    public TestIssuer Issuer { get; }
    public Uri Address { get; }
    public string KeysDirectory => Path.Combine(_directory, "keys");
    public IServiceProvider Services => _app.Services;

    /// <summary>The log name test ledgers sign their checkpoints with.</summary>
    public const string LogOrigin = "ledger.test/log";

    /// <summary>Policies for tests of ledger mechanics: approvals only (staging 1, production 2) and artifact integrity.</summary>
    public static string QuorumPolicies => Path.Combine(AppContext.BaseDirectory, "TestPolicies", "quorum");

    /// <summary>The policies that ship in policies/.</summary>
    public static string ShippedPolicies => Path.Combine(AppContext.BaseDirectory, "ShippedPolicies");

    public static async Task<LedgerApp> StartAsync(PostgresFixture postgres, Func<LedgerHostOptions, LedgerHostOptions>? configure = null,
        ILoggerProvider? log = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"mlledger-app-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        var issuer = new TestIssuer();
        var publicKeyFile = Path.Combine(directory, "issuer.pem");
        await File.WriteAllTextAsync(publicKeyFile, issuer.PublicKeyPem);

        var database = await postgres.CreateDatabaseAsync();
        var options = new LedgerHostOptions
        {
            ConnectionString = database,
            KeysDirectory = Path.Combine(directory, "keys"),
            Urls = "http://127.0.0.1:0",
            Jwt = new JwtSettings { Issuer = TestIssuer.Issuer, Audience = TestIssuer.Audience, PublicKeyPemFile = publicKeyFile },
            Policies = PolicySet.Load(QuorumPolicies),
            Sequencer = DaemonMode.Solo,
            Log = new LogSettings { Origin = LogOrigin, CheckpointInterval = TimeSpan.FromMilliseconds(50) },
            RateLimits = RateLimits.Off, // tests write thousands of entries as one identity; RateLimitTests sets its own
        };
        options = configure?.Invoke(options) ?? options;

        var app = LedgerHost.Build(options, logging =>
        {
            logging.SetMinimumLevel(LogLevel.Warning);
            if (log is not null)
            {
                logging.AddProvider(log);
            }
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        if (options.ConnectionString != database)
        {
            await postgres.DropDatabaseAsync(database); // the host was given another database: this one is not used
        }

        return new LedgerApp(app, directory, options.ConnectionString, issuer, new Uri(address), postgres,
            ownsDatabase: options.ConnectionString == database);
    }

    /// <summary>An HTTP client carrying a valid token for <paramref name="subject"/> with <paramref name="roles"/>.</summary>
    public HttpClient Client(string subject, params string[] roles) => ClientWithToken(Issuer.Token(subject, roles));

    /// <summary>When set, every client made after it records the answers it gets (the OpenAPI contract test reads them).</summary>
    public Contract.AnswerRecorder? Recorder { get; set; }

    public HttpClient ClientWithToken(string? token)
    {
        var client = Recorder is { } recorder ? new HttpClient(recorder.Handler()) { BaseAddress = Address } : new HttpClient { BaseAddress = Address };
        _clients.Add(client);
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public HttpClient Anonymous() => ClientWithToken(null);

    /// <summary>Ledger entries stored so far (Marten's mt_tombstone placeholder rows are not entries).</summary>
    public async Task<long> StoredEntries()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM mlledger.mt_events WHERE stream_id <> 'mt_tombstone'", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Runs SQL straight against the ledger's database, as someone with database access could; returns rows affected.</summary>
    public async Task<int> Sql(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteNonQueryAsync();
    }

    /// <summary>The database outlives this host (another host is started on it); dropping it falls to that one's test.</summary>
    public void KeepDatabase() => _ownsDatabase = false;

    public async ValueTask DisposeAsync()
    {
        _clients.ForEach(c => c.Dispose());
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (_ownsDatabase)
        {
            await _postgres.DropDatabaseAsync(ConnectionString);
        }

        Issuer.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
