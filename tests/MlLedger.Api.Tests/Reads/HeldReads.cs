using MlLedger.Api.Tests.Infrastructure;
using Npgsql;

namespace MlLedger.Api.Tests.Reads;

/// <summary>
/// Holds the ledger's reads of its entries: an open transaction holding an exclusive lock on the event table, so an
/// expensive read that has been let through waits inside PostgreSQL, in flight, until the lock is released. Which
/// reads are waiting is read from <c>pg_stat_activity</c>: no sleeps, no timing.
/// </summary>
internal sealed class HeldReads : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly string _connectionString;

    private HeldReads(NpgsqlConnection connection, NpgsqlTransaction transaction, string connectionString)
    {
        _connection = connection;
        _transaction = transaction;
        _connectionString = connectionString;
    }

    /// <summary>What the stream verification's page query, the export's page query and the self-check's query contain.</summary>
    public const string StreamPages = "ORDER BY stream_id, version LIMIT";
    public const string ExportPages = "ON e.seq_id = l.seq WHERE l.idx >=";
    public const string SelfCheck = "FULL OUTER JOIN";

    public static async Task<HeldReads> Hold(LedgerApp ledger)
    {
        var connection = new NpgsqlConnection(ledger.ConnectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using (var command = new NpgsqlCommand("LOCK TABLE mlledger.mt_events IN ACCESS EXCLUSIVE MODE", connection, transaction))
        {
            await command.ExecuteNonQueryAsync();
        }

        return new HeldReads(connection, transaction, ledger.ConnectionString);
    }

    /// <summary>Waits until exactly <paramref name="count"/> queries containing <paramref name="sql"/> wait for the lock.</summary>
    public Task WaitingFor(string sql, int count) =>
        Eventually.Get(async () => await Waiting(sql) == count ? "" : null, $"{count} read(s) waiting with \"{sql}\"");

    /// <summary>How many queries containing <paramref name="sql"/> wait for a lock now.</summary>
    public async Task<long> Waiting(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND strpos(query, $1) > 0", connection);
        command.Parameters.AddWithValue(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        await _transaction.RollbackAsync();
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
