using System.Text.Json;
using System.Text.Json.Nodes;
using MlLedger.Integrity.Audit;
using MlLedger.Integrity.Bundles;
using MlLedger.Integrity.Checkpoints;
using MlLedger.Integrity.Entries;
using MlLedger.Integrity.Merkle;
using MlLedger.Integrity.Signing;
using MlLedger.Integrity.Statements;

namespace MlLedger.Api.Tests.Cli;

/// <summary><c>mlledger verify</c> on bundles written to a temporary directory: exit codes and what it prints.</summary>
public sealed class VerifyCommandTests : IDisposable
{
    private const string Origin = "mlledger.test/log";
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly string _directory = Directory.CreateTempSubdirectory("mlledger-verify-").FullName;
    private readonly LedgerSigningKey _key = LedgerSigningKey.Generate();

    public void Dispose()
    {
        _key.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Valid_bundle_exits_0_with_a_summary()
    {
        var (bundle, root) = await Write(entries: 5);

        var result = await CliRunner.Run("verify", bundle, "--trusted-root", root);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("valid", result.Output, StringComparison.Ordinal);
        Assert.Contains("unchecked links", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tampered_bundle_exits_1_naming_the_entry()
    {
        var (bundle, root) = await Write(entries: 5);
        var lines = File.ReadAllLines(bundle);
        var entry = JsonNode.Parse(lines[3])!.AsObject();
        entry["data"] = "{\"check\":\"forged\"}";
        lines[3] = entry.ToJsonString();
        await File.WriteAllLinesAsync(bundle, lines);

        var result = await CliRunner.Run("verify", bundle, "--trusted-root", root, "--output", "json");

        Assert.True(result.ExitCode == 1, result.ToString());
        var failure = JsonNode.Parse(result.Output)!["failures"]!.AsArray().Single()!;
        Assert.Equal(("event-data-mismatch", 2L), (failure["code"]!.GetValue<string>(), failure["logIndex"]!.GetValue<long>()));
    }

    [Fact]
    public async Task Missing_trusted_root_exits_2_with_a_reason()
    {
        var (bundle, _) = await Write(entries: 1);

        var result = await CliRunner.Run("verify", bundle);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--trusted-root is required", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreadable_files_exit_2()
    {
        var (bundle, root) = await Write(entries: 1);
        string garbage = Path.Combine(_directory, "garbage.json");
        await File.WriteAllTextAsync(garbage, "{\"not\":\"a bundle\"}\n");

        var missing = await CliRunner.Run("verify", Path.Combine(_directory, "missing.jsonl"), "--trusted-root", root);
        var badRoot = await CliRunner.Run("verify", bundle, "--trusted-root", garbage);
        var badBundle = await CliRunner.Run("verify", garbage, "--trusted-root", root);

        Assert.Equal((2, 2, 2), (missing.ExitCode, badRoot.ExitCode, badBundle.ExitCode));
        Assert.Contains("not an audit bundle", badBundle.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sigstore_bundle_of_one_entry_verifies_and_a_tampered_one_does_not()
    {
        var (_, root) = await Write(entries: 1);
        var sealer = new EntrySealer(new KeyRing(_key, T0, []));
        var entry = Seal(sealer, 0, null);
        byte[] leafHash = MerkleHash.Leaf(entry.LeafBytes);
        string note = CheckpointNotes.Sign(new Checkpoint(Origin, 1, leafHash, []), _key);
        byte[] json = SigstoreBundle.Write(entry.Envelope, _key.KeyId, new TlogEntry(0, _key.PublicKey.SpkiDer, entry.LeafBytes, 1, leafHash, [], note));
        string path = Path.Combine(_directory, "entry.sigstore.json");
        await File.WriteAllBytesAsync(path, json);

        var good = await CliRunner.Run("verify", path, "--trusted-root", root);
        await File.WriteAllTextAsync(path, File.ReadAllText(path).Replace("\"logIndex\": \"0\"", "\"logIndex\": \"1\"", StringComparison.Ordinal));
        var bad = await CliRunner.Run("verify", path, "--trusted-root", root);

        Assert.True(good.ExitCode == 0, good.ToString());
        Assert.NotEqual(0, bad.ExitCode);
    }

    private async Task<(string Bundle, string Root)> Write(int entries)
    {
        var sealer = new EntrySealer(new KeyRing(_key, T0, []));
        var range = CompactRange.Empty();
        var list = new List<AuditEntry>();
        string? previous = null;
        for (int i = 0; i < entries; i++)
        {
            var sealedEntry = Seal(sealer, i, previous);
            previous = sealedEntry.Hash;
            range.Append(MerkleHash.Leaf(sealedEntry.LeafBytes));
            list.Add(new AuditEntry(i, i + 1, "churn-train@3", i + 1, "DatasetCheckRecorded", Data(i).ToJsonString(), sealedEntry.Envelope));
        }

        string bundle = Path.Combine(_directory, "audit.jsonl");
        await using (var stream = File.Create(bundle))
        {
            var header = new AuditBundleHeader(Origin, 0, entries, [], CheckpointNotes.Sign(new Checkpoint(Origin, entries, range.Root(), []), _key), null);
            using var writer = new AuditBundleWriter(stream, header);
            foreach (var entry in list)
            {
                await writer.WriteEntryAsync(entry);
            }

            await writer.CompleteAsync();
        }

        string root = Path.Combine(_directory, "trusted-root.json");
        await File.WriteAllBytesAsync(root, TrustedRoot.Write($"https://{Origin}", new KeyRing(_key, T0, []).Keys));
        return (bundle, root);
    }

    private static SealedEntry Seal(EntrySealer sealer, int i, string? previous) =>
        sealer.Seal(new UnsignedEntry(
            "DatasetCheckRecorded",
            Data(i),
            new StatementSubject("datasets/churn-train@3", new string('a', 64)),
            new EntryMetadata("churn-train@3", i + 1, previous, "pipeline:ci", T0.AddMinutes(i))));

    private static JsonObject Data(int i) => new() { ["check"] = "pii-scan", ["result"] = "passed", ["rowCount"] = 1000 + i };
}
