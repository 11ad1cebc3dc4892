using System.Net;
using MlLedger.Reports.Manifest;
using Npgsql;
using PdfSharp.Pdf.IO;
using static MlLedger.Bench.Report;

namespace MlLedger.Bench;

internal sealed record ReportRun(long Ticks, int Bytes, MemoryFigures Memory, IReadOnlyDictionary<string, (int Commands, double Milliseconds)> Sql);

/// <summary>
/// One report GET repeated: the first run is cold (the rendering code is compiled then), the rest are warm. Each run is
/// timed at the client and watched by <see cref="MemoryWatch"/>; the last PDF is opened for its page count and its
/// embedded manifest (the entries it cites).
/// </summary>
internal sealed class ReportRuns
{
    private ReportRuns(string path, IReadOnlyList<ReportRun> runs, int pages, int citations, long citedBytes)
    {
        Path = path;
        Runs = runs;
        Pages = pages;
        Citations = citations;
        CitedEnvelopeBytes = citedBytes;
    }

    public string Path { get; }

    public IReadOnlyList<ReportRun> Runs { get; }

    public IReadOnlyList<ReportRun> Warm => Runs.Count > 1 ? Runs.Skip(1).ToList() : Runs;

    public Distribution WarmTimes => new(Warm.Select(r => r.Ticks));

    public int Pages { get; }

    public int Citations { get; }

    /// <summary>Size of the signed entries (headers with their envelopes, as stored) the report cites.</summary>
    public long CitedEnvelopeBytes { get; }

    public long WorstRssGrowth => Runs.Max(r => r.Memory.RssGrowth);

    public long WorstHeapGrowth => Runs.Max(r => r.Memory.HeapGrowth);

    public static async Task<ReportRuns> RunAsync(BenchLedger ledger, HttpClient auditor, string path, int count, SqlTimes sql, CancellationToken ct)
    {
        Console.WriteLine($"GET {path}, {count} sequential runs (the first cold):");
        var runs = new List<ReportRun>();
        byte[] pdf = [];
        for (var i = 0; i < count; i++)
        {
            sql.Arm();
            var watch = MemoryWatch.Start();
            var (ticks, status, body) = await ReportsBench.GetAsync(auditor, path, ct);
            var memory = watch.Stop();
            var times = sql.Collect();
            if (status != HttpStatusCode.OK)
            {
                throw new BenchFailure($"GET {path} answered {(int)status}: {System.Text.Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(600, body.Length)))}");
            }

            var run = new ReportRun(ticks, body.Length, memory, times);
            runs.Add(run);
            pdf = body;
            Console.WriteLine($"  run {i + 1}{(i == 0 ? " (cold)" : "")}: {F(Milliseconds(ticks), "0.0")} ms, {Num(body.Length)} bytes; {MemoryLine(memory)}");
            Console.WriteLine($"    SQL: {ReportsBench.SqlLine(times, 1)}");
        }

        var manifest = ReportManifest.Read(pdf);
        using var document = PdfReader.Open(new MemoryStream(pdf), PdfDocumentOpenMode.Import);
        var cited = await EnvelopeBytesAsync(ledger, manifest.Citations.Select(c => c.Seq).ToArray(), ct);
        return new ReportRuns(path, runs, document.PageCount, manifest.Citations.Count, cited);
    }

    public void Print()
    {
        var warm = WarmTimes;
        Console.WriteLine($"  the report: {Num(Pages)} pages, {Num(Runs[^1].Bytes)} bytes, {Num(Citations)} cited entries " +
                          $"({F(CitedEnvelopeBytes / 1048576.0, "0.0")} MiB of stored signed entries)");
        Console.WriteLine($"  warm runs ({warm.Count}): {MillisecondsLine(warm)}; cold run {F(Milliseconds(Runs[0].Ticks), "0.0")} ms");
        Console.WriteLine($"  worst run: peak RSS growth {Mib(WorstRssGrowth)}, managed heap growth {Mib(WorstHeapGrowth)}, " +
                          $"allocated {Mib(Runs.Max(r => r.Memory.Allocated))}");
    }

    private static string MemoryLine(MemoryFigures m) =>
        $"RSS {Mib(m.RssBefore)} before, peak {(m.RssPeak is { } peak ? Mib(peak) : "unknown")} (VmHWM), sampled peak {Mib(m.RssSampledPeak)}; " +
        $"managed heap {Mib(m.HeapBefore)} before, sampled peak {Mib(m.HeapPeak)}; allocated {Mib(m.Allocated)}";

    private static string Mib(long bytes) => $"{F(bytes / 1048576.0, "0.0")} MiB";

    private static async Task<long> EnvelopeBytesAsync(BenchLedger ledger, long[] seqs, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(ledger.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            $"SELECT coalesce(sum(octet_length(headers::text)), 0)::bigint FROM {BenchLedger.Schema}.mt_events WHERE seq_id = ANY($1)", connection);
        command.Parameters.AddWithValue(seqs);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}
