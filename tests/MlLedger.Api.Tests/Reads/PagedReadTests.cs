using System.Net;
using System.Text.Json.Nodes;
using MlLedger.Api.Hosting;
using MlLedger.Api.Storage;
using MlLedger.Api.Tests.Cli;
using MlLedger.Api.Tests.Infrastructure;
using MlLedger.Integrity.Entries;
using MlLedger.Integrity.Signing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static MlLedger.Api.Tests.Infrastructure.Requests;

namespace MlLedger.Api.Tests.Reads;

/// <summary>
/// The reads over the whole ledger read it in pages; here the pages are tiny (4 rows, and about 6,000 characters, so
/// most pages end on their characters and one entry is larger than a page on its own), and what the stream
/// verification and the export answer must be what one read of every row gives: every entry once, in order, with the
/// result the stream verifier gives on the whole stream at once.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class PagedReadTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly ReadLimits Tiny = new() { PageRows = 4, PageChars = 6_000 };
    private readonly string _directory = Directory.CreateTempSubdirectory("mlledger-paged-").FullName;
    private LedgerApp _ledger = null!;

    public async Task InitializeAsync()
    {
        _ledger = await LedgerApp.StartAsync(postgres, options => options with { ReadLimits = Tiny });
        var pipeline = _ledger.Client("paged-bot", "pipeline");
        foreach (var name in new[] { "paged-a", "paged-b", "paged-c" })
        {
            await pipeline.Post("/v1/datasets", Dataset(name, "1")).Expect(HttpStatusCode.Created);
        }

        for (var i = 0; i < 9; i++)
        {
            await pipeline.Post("/v1/datasets/paged-a@1/checks", new { check = $"scan-{i}", result = "passed", details = $"run {i}" })
                .Expect(HttpStatusCode.OK);
        }

        // one entry larger than a page on its own
        await pipeline.Post("/v1/datasets/paged-b@1/checks", new { check = "drift", result = "passed", details = new string('d', 4000) })
            .Expect(HttpStatusCode.OK);
        await pipeline.Post("/v1/datasets/paged-b@1/checks", new { check = "pii-scan", result = "passed" }).Expect(HttpStatusCode.OK);
    }

    public async Task DisposeAsync()
    {
        await _ledger.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private HttpClient Auditor => _ledger.Client("paged-auditor", "auditor");

    [Fact]
    public async Task Every_stream_read_in_pages_lists_what_one_read_of_its_rows_gives()
    {
        var rows = await Rows();
        foreach (var stream in rows.Select(r => r.Stream).Distinct())
        {
            var report = await Auditor.GetAsync($"/v1/verification/streams?stream={Uri.EscapeDataString(stream)}").Expect(HttpStatusCode.OK);
            var listed = report["streams"]!.AsArray().Single()!;
            Assert.Equal(stream, (string?)listed["streamId"]);
            Assert.Equal(rows.Where(r => r.Stream == stream).Select(r => (r.Seq, r.Version)),
                listed["entries"]!.AsArray().Select(e => ((long)e!["seq"]!, (long)e["streamVersion"]!)));
            Assert.All(listed["entries"]!.AsArray(), e => Assert.True((bool)e!["isValid"]!, e.ToJsonString()));
            Assert.True((bool)listed["isValid"]!);
            Assert.Equal(1, (long)report["streamsChecked"]!);
        }

        var all = await Auditor.GetAsync("/v1/verification/streams").Expect(HttpStatusCode.OK);
        Assert.True((bool)all["valid"]!, all.ToJsonString());
        Assert.Empty(all["streams"]!.AsArray());
        Assert.Empty(all["failures"]!.AsArray());
        Assert.Equal(rows.Count, (long)all["entriesChecked"]!);
        Assert.Equal(rows.Select(r => r.Stream).Distinct().Count(), (long)all["streamsChecked"]!);
        Assert.Equal(0, (long)all["failedEntries"]!);
    }

    [Fact]
    public async Task Tampered_entries_are_reported_as_the_whole_stream_verified_at_once_reports_them()
    {
        var seqs = (await Rows()).Where(r => r.Stream == "datasets/paged-a@1").Select(r => r.Seq).ToList();
        await _ledger.Sql($"UPDATE mlledger.mt_events SET data = jsonb_set(data, '{{result}}', '\"failed\"') WHERE seq_id = {seqs[4]}");
        await _ledger.Sql($"UPDATE mlledger.mt_events SET headers = headers - 'dsse' WHERE seq_id = {seqs[7]}");

        var expected = await VerifiedAtOnce("datasets/paged-a@1");
        var failing = expected.Where(e => !e.IsValid).ToList();
        // the edited entry fails alone; the entry without its envelope fails, and the entries after it lose their link
        Assert.Equal([seqs[4], seqs[7], seqs[8], seqs[9]], failing.Select(e => e.Seq));

        var one = await Auditor.GetAsync("/v1/verification/streams?stream=datasets/paged-a@1").Expect(HttpStatusCode.OK);
        var listed = one["streams"]![0]!;
        Assert.False((bool)listed["isValid"]!);
        Assert.Equal(expected.Select(e => (e.Seq, e.IsValid, string.Join(",", e.Failures.Select(f => f.Code)))),
            listed["entries"]!.AsArray().Select(e => ((long)e!["seq"]!, (bool)e["isValid"]!,
                string.Join(",", e["failures"]!.AsArray().Select(f => (string)f!["code"]!)))));

        var all = await Auditor.GetAsync("/v1/verification/streams").Expect(HttpStatusCode.OK);
        Assert.False((bool)all["valid"]!);
        Assert.Equal(failing.Count, (long)all["failedEntries"]!);
        var expectedFailures = failing.SelectMany(e => e.Failures.Select(f => ("datasets/paged-a@1", e.Seq, e.StreamVersion, f.Code))).ToList();
        Assert.Equal(expectedFailures.Count, (long)all["failureCount"]!);
        Assert.Equal(expectedFailures, all["failures"]!.AsArray().Select(f =>
            ((string)f!["streamId"]!, (long)f["seq"]!, (long)f["streamVersion"]!, (string)f["code"]!)));
        Assert.Contains(expectedFailures, f => f.Code == "event-data-mismatch" && f.Seq == seqs[4]);
        Assert.Contains(expectedFailures, f => f.Code == "missing-envelope" && f.Seq == seqs[7]);

        // the command line prints the failures and the totals, and exits 1
        var cli = await Processes.Run("dotnet", typeof(MlLedger.Cli.ExitCodes).Assembly.Location, "verify-stream",
            "--server", _ledger.Address.ToString(), "--token", _ledger.Issuer.Token("paged-auditor", ["auditor"]));
        Assert.True(cli.ExitCode == 1, cli.Output);
        Assert.Contains("event-data-mismatch", cli.Output, StringComparison.Ordinal);
        Assert.Contains($"INVALID: {failing.Count} of {(long)all["entriesChecked"]!}", cli.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_export_read_in_pages_holds_every_leaf_once_in_order_and_verifies_offline()
    {
        var entries = await _ledger.StoredEntries();
        var checkpoint = await Log.LogClient.CheckpointCovering(Auditor, entries);
        using var response = await Auditor.GetAsync($"/v1/export?to={checkpoint.Checkpoint.Size}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        var indexes = lines.Where(l => l["logIndex"] is not null).Select(l => (long)l["logIndex"]!).ToList();
        Assert.Equal(Enumerable.Range(0, (int)checkpoint.Checkpoint.Size).Select(i => (long)i), indexes);

        var bundle = Path.Combine(_directory, "paged.jsonl");
        var root = Path.Combine(_directory, "trusted_root.json");
        await File.WriteAllTextAsync(bundle, text);
        await File.WriteAllTextAsync(root, await Auditor.GetStringAsync("/v1/log/trusted-root"));
        var verified = await CliRunner.Run("verify", bundle, "--trusted-root", root, "--output", "json");
        Assert.True(verified.ExitCode == 0, verified.ToString());
    }

    /// <summary>Every stored entry's stream, sequence number and version, in one query.</summary>
    private async Task<List<(string Stream, long Seq, long Version)>> Rows()
    {
        await using var connection = new NpgsqlConnection(_ledger.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT stream_id, seq_id, version FROM mlledger.mt_events WHERE stream_id <> 'mt_tombstone' ORDER BY stream_id, version", connection);
        var rows = new List<(string, long, long)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
        }

        return rows;
    }

    /// <summary>The stream's rows read in one query and verified at once, as the ledger did before it read in pages.</summary>
    private async Task<List<EntryVerification>> VerifiedAtOnce(string stream)
    {
        var trusted = _ledger.Services.GetRequiredService<TrustedKeys>();
        var rows = new List<StoredRow>();
        await using (var connection = new NpgsqlConnection(_ledger.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                "SELECT seq_id, version, type, data::text, headers ->> 'dsse' FROM mlledger.mt_events WHERE stream_id = $1 ORDER BY version", connection);
            command.Parameters.AddWithValue(stream);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add(new StoredRow(reader.GetInt64(0), stream, reader.GetInt64(1), reader.GetString(2), reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4), null, null, DateTimeOffset.MinValue));
            }
        }

        var entries = rows.Select(r => (Row: r, Entry: LedgerDatabase.ToStoredEntry(r))).ToList();
        var verified = StreamVerifier.Verify(stream, entries.Where(e => e.Entry is not null).Select(e => e.Entry!).ToList(), trusted);
        return [.. verified.Entries.Concat(entries.Where(e => e.Entry is null)
                .Select(e => new EntryVerification(e.Row.Seq, e.Row.Version, false, [new EntryFailure("missing-envelope", "")])))
            .OrderBy(e => e.StreamVersion)];
    }
}
