using System.Text;
using MlLedger.Integrity.Audit;
using MlLedger.Integrity.Signing;

namespace MlLedger.Integrity.Tests.Audit;

public sealed class AuditBundleFormatTests : IDisposable
{
    private readonly LedgerSigningKey _key = LedgerSigningKey.Generate();

    public void Dispose() => _key.Dispose();

    [Fact]
    public async Task Written_bundle_reads_back_entry_for_entry_sync_and_async()
    {
        var log = new AuditLog(_key, 7);
        byte[] bundle = log.Bundle(from: 2, since: 1);

        var reader = AuditBundleReader.Open(new MemoryStream(bundle));
        var entries = reader.ReadEntries().ToList();
        var asyncReader = await AuditBundleReader.OpenAsync(new MemoryStream(bundle));
        var asyncEntries = new List<AuditEntry>();
        await foreach (var entry in asyncReader.ReadEntriesAsync())
        {
            asyncEntries.Add(entry);
        }

        Assert.Equal((AuditLog.Origin, 2L, 7L, 1), (reader.Header.Origin, reader.Header.From, reader.Header.TreeSize, reader.Header.Prefix.Count));
        Assert.Equal(log.CheckpointAt(1).Split("\n\n")[0], reader.Header.Since!.Checkpoint.Split("\n\n")[0]); // ECDSA signatures differ
        Assert.True(reader.Completed);
        Assert.Equal(log.Entries.Skip(2).Select(e => e.Envelope.ToJson()), entries.Select(e => e.Envelope.ToJson()));
        Assert.Equal(log.Entries.Skip(2).Select(Describe), entries.Select(Describe));
        Assert.Equal(entries.Select(Describe), asyncEntries.Select(Describe));
    }

    [Fact]
    public void Header_line_has_the_documented_shape()
    {
        var log = new AuditLog(_key, 3);

        string header = AuditLog.Lines(log.Bundle(from: 3))[0];

        Assert.StartsWith("""{"mediaType":"application/vnd.mlledger.audit-bundle.v1+jsonl","origin":"mlledger.test/log","from":3,"treeSize":3,"prefix":[""", header, StringComparison.Ordinal);
        Assert.EndsWith(""","since":null}""", header, StringComparison.Ordinal);
        Assert.Equal("""{"end":true,"entries":0}""", AuditLog.Lines(log.Bundle(from: 3))[1]);
    }

    [Theory]
    [InlineData(1, "mediaType", "\"application/json\"")]
    [InlineData(1, "from", "-1")]
    [InlineData(1, "prefix", "[]")]
    [InlineData(1, "extra", "1")]
    [InlineData(3, "logIndex", "\"1\"")]
    [InlineData(3, "data", "{}")]
    [InlineData(3, "extra", "true")]
    [InlineData(5, "entries", "2")]
    public void Malformed_lines_are_refused_with_their_line_number(int line, string property, string value)
    {
        var lines = AuditLog.Lines(new AuditLog(_key, 4).Bundle(from: 1));
        AuditLog.Edit(lines, line - 1, o => o[property] = System.Text.Json.Nodes.JsonNode.Parse(value));

        var error = Assert.Throws<AuditBundleFormatException>(() => AuditBundleReader.Open(new MemoryStream(AuditLog.Join(lines))).ReadEntries().ToList());

        Assert.Equal(line, error.LineNumber);
        Assert.StartsWith($"line {line}: ", error.Message, StringComparison.Ordinal);
        Assert.False(error.IsTruncated);
    }

    [Fact]
    public void Content_after_the_end_line_is_refused()
    {
        var lines = AuditLog.Lines(new AuditLog(_key, 2).Bundle());
        lines.Add(lines[1]);

        var error = Assert.Throws<AuditBundleFormatException>(() => AuditBundleReader.Open(new MemoryStream(AuditLog.Join(lines))).ReadEntries().ToList());

        Assert.Contains("after the end line", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Line_over_the_limit_is_refused_without_reading_it_whole()
    {
        var lines = AuditLog.Lines(new AuditLog(_key, 2).Bundle());
        AuditLog.Edit(lines, 2, o => o["data"] = new string('x', 5000));

        var error = Assert.Throws<AuditBundleFormatException>(
            () => AuditBundleReader.Open(new MemoryStream(AuditLog.Join(lines)), maxLineBytes: 4096).ReadEntries().ToList());

        Assert.Equal(3, error.LineNumber);
        Assert.Contains("longer than 4096 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_input_is_a_truncated_bundle()
    {
        var error = Assert.Throws<AuditBundleFormatException>(() => AuditBundleReader.Open(new MemoryStream([])));

        Assert.True(error.IsTruncated);
    }

    [Fact]
    public async Task Writer_refuses_entries_out_of_order_but_writes_a_gap_as_it_is()
    {
        var log = new AuditLog(_key, 3);
        var output = new MemoryStream();
        using var writer = new AuditBundleWriter(output, log.Header());

        await writer.WriteEntryAsync(log.Entries[1]);
        await Assert.ThrowsAsync<ArgumentException>(() => writer.WriteEntryAsync(log.Entries[0]).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => writer.WriteEntryAsync(log.Entries[1]).AsTask());
        await writer.CompleteAsync();

        // entry 0 is missing from what was written: the verifier names the gap at entry 1
        output.Position = 0;
        var result = await new AuditBundleVerifier(log.Trusted).VerifyAsync(output, null, null, CancellationToken.None);
        Assert.False(result.IsValid);
        Assert.Contains(result.Failures, f => f.Code == AuditFailureCodes.LogIndex && f.LogIndex == 1);
    }

    [Fact]
    public void Writer_refuses_a_prefix_of_the_wrong_length()
    {
        var log = new AuditLog(_key, 3);

        Assert.Throws<ArgumentException>(() => new AuditBundleWriter(new MemoryStream(), log.Header(from: 3) with { Prefix = [] }));
    }

    [Fact]
    public async Task Event_data_is_kept_as_the_stored_text()
    {
        var log = new AuditLog(_key, 1);
        var entry = log.Entries[0] with { EventDataJson = "{\"b\": 1,  \"a\": \"é\\u00e9\"}" };
        byte[] bundle = AuditLog.Write(log.Header(), [entry]);

        var read = AuditBundleReader.Open(new MemoryStream(bundle)).ReadEntries().Single();

        Assert.Equal(entry.EventDataJson, read.EventDataJson);
        Assert.Contains("é", Encoding.UTF8.GetString(bundle), StringComparison.Ordinal);
        Assert.False((await AuditLog.Verify(bundle, log.Trusted)).IsValid); // the text differs from the signed event
    }

    private static string Describe(AuditEntry e) => $"{e.LogIndex}/{e.Seq}/{e.StreamId}/{e.StreamVersion}/{e.EventType}/{e.EventDataJson}";
}
