using System.Diagnostics;
using Marten;
using Marten.Services;
using Npgsql;
using static MlLedger.Bench.Report;

namespace MlLedger.Bench;

/// <summary>
/// The plans of the SQL a request runs, for <c>--explain</c>: the commands Marten sends are caught with their parameters by a
/// logger wrapped around the store's own (sessions opened after <see cref="Install"/> use it), then run again on a connection
/// of this bench as <c>EXPLAIN (ANALYZE, BUFFERS)</c>. Plain Npgsql commands (the trail's query) are not seen by Marten: the
/// caller gives their parameters. EXPLAIN plans with the parameters' values (a custom plan); the host may run a generic one.
/// </summary>
internal sealed class SqlPlans(string connectionString)
{
    private readonly Catcher _catcher = new();

    public void Install(IDocumentStore store)
    {
        var options = (StoreOptions)store.Options;
        _catcher.Inner = options.Logger();
        options.Logger(_catcher);
    }

    /// <summary>Catches the Marten commands of what <paramref name="send"/> makes the host do.</summary>
    public async Task<IReadOnlyList<NpgsqlCommand>> CatchAsync(Func<Task> send)
    {
        _catcher.Caught.Clear();
        _catcher.Armed = true;
        try
        {
            await send();
        }
        finally
        {
            _catcher.Armed = false;
        }

        lock (_catcher.Caught)
        {
            return [.. _catcher.Caught];
        }
    }

    /// <summary>Prints EXPLAIN (ANALYZE, BUFFERS) of <paramref name="sql"/> with these positional or named parameters.</summary>
    public async Task PrintAsync(string sql, IEnumerable<NpgsqlParameter> parameters, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("EXPLAIN (ANALYZE, BUFFERS) " + sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(parameter);
        }

        Console.WriteLine($"  EXPLAIN (ANALYZE, BUFFERS) {OneLine(sql)}");
        Console.WriteLine($"    parameters: {string.Join(", ", command.Parameters.Select(p => Shorten(p.Value?.ToString() ?? "null", 120)))}");
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            Console.WriteLine($"    {reader.GetString(0)}");
        }
    }

    public static string OneLine(string sql) =>
        Shorten(string.Join(' ', sql.Split((char[])['\n', '\r', '\t', ' '], StringSplitOptions.RemoveEmptyEntries)), 400);

    public static string Shorten(string text, int length) => text.Length <= length ? text : text[..(length / 3)] + " … " + text[^(2 * length / 3)..];

    private sealed class Catcher : IMartenLogger
    {
        public IMartenLogger? Inner { get; set; }

        public volatile bool Armed;

        public List<NpgsqlCommand> Caught { get; } = [];

        public IMartenSessionLogger StartSession(IQuerySession session) => new Session(this, Inner?.StartSession(session));

        public void SchemaChange(string sql) => Inner?.SchemaChange(sql);

        /// <summary>Keeps a copy of a command sent while serving a request (not the sequencer's or the checkpoint issuer's).</summary>
        public void Catch(string sql, NpgsqlParameterCollection parameters)
        {
            if (!Armed || !RequestProbe.InRequest(Activity.Current))
            {
                return;
            }

            var copy = new NpgsqlCommand(sql);
            foreach (NpgsqlParameter parameter in parameters)
            {
                copy.Parameters.Add(parameter.Clone());
            }

            lock (Caught)
            {
                Caught.Add(copy);
            }
        }
    }

    private sealed class Session(Catcher catcher, IMartenSessionLogger? inner) : IMartenSessionLogger
    {
        public void OnBeforeExecute(NpgsqlCommand command)
        {
            catcher.Catch(command.CommandText, command.Parameters);
            inner?.OnBeforeExecute(command);
        }

        // Marten sends its LINQ queries as batches
        public void OnBeforeExecute(NpgsqlBatch batch)
        {
            foreach (NpgsqlBatchCommand command in batch.BatchCommands)
            {
                catcher.Catch(command.CommandText, command.Parameters);
            }

            inner?.OnBeforeExecute(batch);
        }
        public void LogSuccess(NpgsqlCommand command) => inner?.LogSuccess(command);
        public void LogSuccess(NpgsqlBatch batch) => inner?.LogSuccess(batch);
        public void LogFailure(NpgsqlCommand command, Exception ex) => inner?.LogFailure(command, ex);
        public void LogFailure(NpgsqlBatch batch, Exception ex) => inner?.LogFailure(batch, ex);
        public void LogFailure(Exception ex, string message) => inner?.LogFailure(ex, message);
        public void RecordSavedChanges(IDocumentSession session, IChangeSet commit) => inner?.RecordSavedChanges(session, commit);
    }
}
