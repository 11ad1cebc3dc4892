using Npgsql;
using static MlLedger.Bench.Report;

namespace MlLedger.Bench;

/// <summary>The subjects the reads mode reads, found in the seeded ledger by SQL: the largest of each kind.</summary>
internal sealed record ReadSubjects(long LargestEntry, long LargestEntryBytes, long HeaviestDecision, long HeaviestDecisionBytes, string LongestStream,
    long LongestStreamEntries, string BusiestPromotion, long Entries, long Streams)
{
    public static async Task<ReadSubjects> FindAsync(BenchLedger ledger, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(ledger.ConnectionString);
        await connection.OpenAsync(ct);
        var events = $"{BenchLedger.Schema}.mt_events";
        var (largest, largestBytes) = await TwoAsync<long, long>(connection,
            $"SELECT seq_id, octet_length(data::text) + octet_length(headers::text) AS n FROM {events} WHERE stream_id <> 'mt_tombstone' ORDER BY n DESC LIMIT 1", ct);
        var (decision, decisionBytes) = await TwoAsync<long, long>(connection,
            $"SELECT seq_id, octet_length(data::text) AS n FROM {events} WHERE type IN ('PolicyEvaluated', 'DeploymentBlocked', 'DeploymentRecorded', 'PolicyCheckPerformed') " +
            "ORDER BY n DESC LIMIT 1", ct);
        var (stream, streamEntries) = await TwoAsync<string, long>(connection,
            $"SELECT stream_id, count(*) AS n FROM {events} WHERE stream_id <> 'mt_tombstone' GROUP BY stream_id ORDER BY n DESC LIMIT 1", ct);
        var (promotion, _) = await TwoAsync<string, long>(connection,
            $"SELECT stream_id, count(*) AS n FROM {events} WHERE stream_id LIKE 'promotions/%' GROUP BY stream_id ORDER BY n DESC LIMIT 1", ct);
        var (entries, streams) = await TwoAsync<long, long>(connection,
            $"SELECT count(*), count(DISTINCT stream_id) FROM {events} WHERE stream_id <> 'mt_tombstone'", ct);
        return new ReadSubjects(largest, largestBytes, decision, decisionBytes, stream, streamEntries, promotion["promotions/".Length..], entries, streams);
    }

    public string Line =>
        $"{Num(Entries)} entries in {Num(Streams)} streams; largest entry {Num(LargestEntry)} ({Num(LargestEntryBytes)} bytes stored), " +
        $"heaviest decision {Num(HeaviestDecision)} ({Num(HeaviestDecisionBytes)} bytes of event), longest stream {LongestStream} ({Num(LongestStreamEntries)} entries)";

    private static async Task<(T1, T2)> TwoAsync<T1, T2>(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            throw new BenchFailure($"no row for: {sql}");
        }

        return (reader.GetFieldValue<T1>(0), reader.GetFieldValue<T2>(1));
    }
}

/// <summary>The plain read of what an export sends: the same rows through Npgsql, nothing parsed or written. The export's ceiling.</summary>
internal static class RawRows
{
    /// <summary>Reads every leaf's entry (log index, event data and headers as text) and answers rows read, characters and seconds.</summary>
    public static async Task<(long Rows, long Chars, double Seconds)> ReadAsync(BenchLedger ledger, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(ledger.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            $"SELECT l.idx, l.seq, e.stream_id, e.version, e.type, e.data::text, e.headers::text FROM {BenchLedger.Schema}.log_leaves l " +
            $"JOIN {BenchLedger.Schema}.mt_events e ON e.seq_id = l.seq ORDER BY l.idx", connection) { CommandTimeout = 0 };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long rows = 0, chars = 0;
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows++;
            chars += reader.GetString(5).Length + (reader.IsDBNull(6) ? 0 : reader.GetString(6).Length);
        }

        return (rows, chars, clock.Elapsed.TotalSeconds);
    }
}
