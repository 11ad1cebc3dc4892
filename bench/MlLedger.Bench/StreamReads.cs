using System.Diagnostics;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static MlLedger.Bench.Report;

namespace MlLedger.Bench;

/// <summary>
/// The streams fact gathering reads for one check of <c>{model}@1</c> (the model version, its five datasets and its
/// production promotion), each timed as a plain SQL read of its rows and as Marten's FetchStreamAsync (which also
/// deserializes every event), with the bytes stored: which read dominates and why.
/// </summary>
internal sealed class StreamReads
{
    private const int Repeats = 25;
    private static readonly string[] Datasets = ["train-events", "train-profiles", "train-billing", "validation", "holdout"];
    private readonly List<(string Stream, long Rows, long Bytes, long Sql, long Marten)> _streams = [];

    public static async Task<StreamReads> MeasureAsync(BenchLedger ledger, string model, CancellationToken ct)
    {
        var result = new StreamReads();
        await using var source = NpgsqlDataSource.Create(ledger.ConnectionString);
        await using var connection = await source.OpenConnectionAsync(ct);
        var streams = new List<string> { $"models/{model}/1" };
        streams.AddRange(Datasets.Select(d => $"datasets/{model}-{d}@1"));
        await using (var find = new NpgsqlCommand(
            $"SELECT stream_id FROM {BenchLedger.Schema}.mt_events WHERE stream_id LIKE 'promotions/%' AND data->>'modelVersionId' = $1 " +
            "AND lower(data->>'targetStage') = 'production' ORDER BY seq_id LIMIT 1", connection))
        {
            find.Parameters.AddWithValue($"{model}@1");
            if (await find.ExecuteScalarAsync(ct) is string promotion)
            {
                streams.Add(promotion);
            }
        }

        var store = ledger.Services.GetRequiredService<IDocumentStore>();
        foreach (var stream in streams)
        {
            long rows = 0, bytes = 0;
            var sql = new List<long>();
            var marten = new List<long>();
            for (var i = 0; i < Repeats + 3; i++)
            {
                await using var read = new NpgsqlCommand(
                    $"SELECT data::text, headers::text FROM {BenchLedger.Schema}.mt_events WHERE stream_id = $1 ORDER BY version", connection);
                read.Parameters.AddWithValue(stream);
                var start = Stopwatch.GetTimestamp();
                (rows, bytes) = (0, 0);
                await using (var reader = await read.ExecuteReaderAsync(ct))
                {
                    while (await reader.ReadAsync(ct))
                    {
                        rows++;
                        bytes += reader.GetString(0).Length + (reader.IsDBNull(1) ? 0 : reader.GetString(1).Length);
                    }
                }

                var middle = Stopwatch.GetTimestamp();
                await using (var session = store.QuerySession())
                {
                    _ = await session.Events.FetchStreamAsync(stream, token: ct);
                }

                if (i >= 3)
                {
                    sql.Add(middle - start);
                    marten.Add(Stopwatch.GetTimestamp() - middle);
                }
            }

            result._streams.Add((stream, rows, bytes, new Distribution(sql).Percentile(50), new Distribution(marten).Percentile(50)));
        }

        return result;
    }

    public void Print()
    {
        Console.WriteLine($"  streams read to gather the facts of bench-good@1 (median of {Repeats} reads each; bytes = stored JSON of events and headers):");
        foreach (var (stream, rows, bytes, sql, marten) in _streams)
        {
            Console.WriteLine($"    {(stream.Length > 52 ? stream[..52] + "…" : stream),-53} {rows,3} entries {Num(bytes),9} bytes   " +
                              $"SQL {F(Milliseconds(sql)),6} ms   FetchStreamAsync {F(Milliseconds(marten)),6} ms");
        }

        Console.WriteLine($"    {"total",-53} {_streams.Sum(s => s.Rows),3} entries {Num(_streams.Sum(s => s.Bytes)),9} bytes   " +
                          $"SQL {F(Milliseconds(_streams.Sum(s => s.Sql))),6} ms   FetchStreamAsync {F(Milliseconds(_streams.Sum(s => s.Marten))),6} ms");
    }
}
