using System.Diagnostics;
using System.Text;
using Npgsql;
using static MlLedger.Bench.Report;

namespace MlLedger.Bench;

/// <summary>The floors under any check's latency in <c>http</c> mode: an HTTP round trip, a SQL round trip and a durable commit.</summary>
internal static class LatencyFloors
{
    public sealed record Floors(string Health, string Select, string Commit, long PayloadBytes);

    /// <summary>What any request pays: an HTTP round trip to the host, a SQL round trip, and a durable commit of a check-sized row.</summary>
    public static async Task<Floors> FloorsAsync(BenchLedger ledger, CancellationToken ct)
    {
        const int n = 300;
        using var anonymous = ledger.Anonymous();
        var health = new List<long>(n);
        for (var i = 0; i < n + 20; i++)
        {
            var start = Stopwatch.GetTimestamp();
            using var response = await anonymous.GetAsync(new Uri("/healthz", UriKind.Relative), ct);
            _ = await response.Content.ReadAsByteArrayAsync(ct);
            if (i >= 20)
            {
                health.Add(Stopwatch.GetTimestamp() - start);
            }
        }

        await using var source = NpgsqlDataSource.Create(ledger.ConnectionString);
        var select = new List<long>(n);
        await using (var connection = await source.OpenConnectionAsync(ct))
        {
            for (var i = 0; i < n + 20; i++)
            {
                await using var command = new NpgsqlCommand("SELECT 1", connection);
                var start = Stopwatch.GetTimestamp();
                await command.ExecuteScalarAsync(ct);
                if (i >= 20)
                {
                    select.Add(Stopwatch.GetTimestamp() - start);
                }
            }
        }

        var commit = new List<long>(n);
        long payloadBytes;
        await using (var connection = await source.OpenConnectionAsync(ct))
        {
            string data, headers;
            await using (var latest = new NpgsqlCommand(
                $"SELECT data::text, coalesce(headers::text, '{{}}') FROM {BenchLedger.Schema}.mt_events ORDER BY seq_id DESC LIMIT 1", connection))
            await using (var reader = await latest.ExecuteReaderAsync(ct))
            {
                await reader.ReadAsync(ct);
                (data, headers) = (reader.GetString(0), reader.GetString(1));
            }

            payloadBytes = Encoding.UTF8.GetByteCount(data) + Encoding.UTF8.GetByteCount(headers);
            await using (var create = new NpgsqlCommand(
                "CREATE SCHEMA bench_probe; CREATE TABLE bench_probe.write_probe (id bigserial PRIMARY KEY, data jsonb NOT NULL, headers jsonb NOT NULL)",
                connection))
            {
                await create.ExecuteNonQueryAsync(ct);
            }

            for (var i = 0; i < n + 20; i++)
            {
                await using var insert = new NpgsqlCommand("INSERT INTO bench_probe.write_probe (data, headers) VALUES ($1::jsonb, $2::jsonb)", connection);
                insert.Parameters.AddWithValue(data);
                insert.Parameters.AddWithValue(headers);
                var start = Stopwatch.GetTimestamp();
                await insert.ExecuteNonQueryAsync(ct); // autocommit: the WAL is flushed before it returns (fsync=on)
                if (i >= 20)
                {
                    commit.Add(Stopwatch.GetTimestamp() - start);
                }
            }

            await using var drop = new NpgsqlCommand("DROP SCHEMA bench_probe CASCADE", connection);
            await drop.ExecuteNonQueryAsync(ct);
        }

        return new Floors(Short(health), Short(select), Short(commit), payloadBytes);
    }

    private static string Short(List<long> ticks)
    {
        var d = new Distribution(ticks);
        return $"p50 {F(Milliseconds(d.Percentile(50)))} / p99 {F(Milliseconds(d.Percentile(99)))} ms";
    }
}
