using MlLedger.Api.Hosting;
using Npgsql;

namespace MlLedger.Api.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL for the whole run: the server named by MLLEDGER_TEST_DB (an admin connection string),
/// or else a throwaway cluster started here from the installed PostgreSQL binaries and removed at the end.
/// Each test class gets a fresh database on it.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private EmbeddedPostgres? _embedded;
    private string? _directory;

    public string AdminConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("MLLEDGER_TEST_DB") is { Length: > 0 } external)
        {
            AdminConnectionString = external;
            return;
        }

        // under /tmp so that the postgres OS user (used when tests run as root) can reach it
        _directory = Path.Combine(Path.GetTempPath(), $"mlledger-tests-{Guid.NewGuid():N}");
        _embedded = await EmbeddedPostgres.StartAsync(_directory);
        AdminConnectionString = _embedded.AdminConnectionString;
    }

    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"t_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await create.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>
    /// Drops a database made by <see cref="CreateDatabaseAsync"/>, ending every connection still open to it: a pool a
    /// stopped host or a test left behind would otherwise hold its connections until the server runs out of them.
    /// </summary>
    public async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        if (_embedded is not null)
        {
            await _embedded.DisposeAsync();
        }

        if (_directory is not null && Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class LedgerCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "ledger on PostgreSQL";
}
