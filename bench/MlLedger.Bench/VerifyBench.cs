using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using MlLedger.Integrity.Audit;
using MlLedger.Integrity.Bundles;
using MlLedger.Integrity.Checkpoints;
using MlLedger.Integrity.Entries;
using MlLedger.Integrity.Merkle;
using MlLedger.Integrity.Signing;
using MlLedger.Integrity.Statements;

namespace MlLedger.Bench;

/// <summary>
/// verify mode: writes an audit bundle of --bundle-entries entries (sealed with a real P-256 key across ~1,000 streams),
/// measures the raw ECDSA P-256 verify rate on all cores, then verifies the bundle in a child process (so that its
/// peak working set is the verifier's alone) and compares.
/// </summary>
internal static class VerifyBench
{
    public const string ChildMode = "verify-child";

    private const string Origin = "bench.mlledger/log";
    private const int Streams = 1000;
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static async Task RunAsync(BenchOptions options, CancellationToken ct)
    {
        string directory = Path.Combine(Path.GetTempPath(), "mlledger-verify-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        try
        {
            string bundle = Path.Combine(directory, "audit.jsonl");
            string root = Path.Combine(directory, "trusted-root.json");
            using var key = LedgerSigningKey.Generate();

            Console.WriteLine($"verify mode: {options.BundleEntries:N0} entries over {Streams:N0} streams -> {bundle}");
            var generation = Stopwatch.StartNew();
            await WriteBundleAsync(key, options.BundleEntries, bundle, ct);
            await File.WriteAllBytesAsync(root, TrustedRoot.Write("https://bench.mlledger", new KeyRing(key, T0, []).Keys), ct);
            Console.WriteLine($"  bundle written in {generation.Elapsed.TotalSeconds:F1} s, {new FileInfo(bundle).Length / 1048576.0:F0} MiB");

            double raw = RawVerifyRate(key, 20_000, TimeSpan.FromSeconds(5), Environment.ProcessorCount);
            Console.WriteLine($"  raw ECDSA P-256 verify (VerifyData over 1 KiB, {Environment.ProcessorCount} threads, imported keys): {raw:N0} verifies/s");

            var child = await RunChildAsync(bundle, root, ct);
            Console.WriteLine($"  verifier (child process): {child.Entries:N0} entries in {child.Seconds:F2} s wall = {child.Entries / child.Seconds:N0} entries/s, valid: {child.Valid}");
            Console.WriteLine($"  ratio to the raw verify rate: {child.Entries / child.Seconds / raw:P1}");
            Console.WriteLine($"  peak memory of the verifier process: {child.PeakBytes / 1048576.0:F0} MiB (Process.PeakWorkingSet64 = VmHWM, read by the child itself at the end)");
            Summary.Ratio("verify", $"offline verify of {Report.Num(child.Entries)} entries{(child.Valid ? "" : " (INVALID)")}", child.Entries / child.Seconds, raw,
                "/s", $"raw ECDSA P-256 verify, {Environment.ProcessorCount} cores", 0.7);
            Summary.AtMost("verify", "  its peak memory", child.PeakBytes / 1048576.0, "MiB", 256);
        }
        finally
        {
            if (Environment.GetEnvironmentVariable("MLLEDGER_BENCH_KEEP") != "1")
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    /// <summary>The child run: verifies the bundle and prints one line "entries seconds valid peak-bytes".</summary>
    public static async Task<int> RunChildAsync(IReadOnlyList<string> args)
    {
        var trusted = TrustedRoot.Read(await File.ReadAllBytesAsync(args[1]));
        var clock = Stopwatch.StartNew();
        await using var stream = new FileStream(args[0], FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        var options = new AuditVerifierOptions
        {
            SkipEntrySignaturesUnsafe = Environment.GetEnvironmentVariable("MLLEDGER_BENCH_SKIP_SIGNATURES") == "1",
            MaxDegreeOfParallelism = int.TryParse(Environment.GetEnvironmentVariable("MLLEDGER_BENCH_THREADS"), out int threads) ? threads : Environment.ProcessorCount,
        };
        var result = await new AuditBundleVerifier(trusted, options).VerifyAsync(stream);
        double seconds = clock.Elapsed.TotalSeconds;
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{result.EntriesRead} {seconds:R} {result.IsValid} {self.PeakWorkingSet64}"));
        foreach (var failure in result.Failures.Take(5))
        {
            Console.Error.WriteLine($"{failure.Code} @{failure.LogIndex}: {failure.Message}");
        }

        return result.IsValid ? 0 : 1;
    }

    private static async Task<(long Entries, double Seconds, bool Valid, long PeakBytes)> RunChildAsync(string bundle, string root, CancellationToken ct)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
        {
            start.ArgumentList.Add(typeof(VerifyBench).Assembly.Location);
        }

        foreach (var arg in new[] { ChildMode, bundle, root })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new BenchFailure("could not start the verifier child process");
        string output = await process.StandardOutput.ReadToEndAsync(ct);
        string error = await process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        string[] parts = output.Trim().Split(' ');
        if (parts.Length != 4)
        {
            throw new BenchFailure($"the verifier child printed '{output}' (stderr: {error})");
        }

        if (error.Length > 0)
        {
            Console.WriteLine($"  verifier failures: {error}");
        }

        return (long.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture),
            bool.Parse(parts[2]), long.Parse(parts[3], CultureInfo.InvariantCulture));
    }

    private static async Task WriteBundleAsync(LedgerSigningKey key, int entries, string path, CancellationToken ct)
    {
        var sealer = new EntrySealer(new KeyRing(key, T0, []));
        var tails = new (long Version, string? Hash)[Streams];
        var range = CompactRange.Empty();
        string checkpoint = "replaced in the second pass";
        string temporary = path + ".entries";

        // the checkpoint needs the root of all entries, so entries go to a side file first and the header is written last
        await using (var side = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
        {
            var header = new AuditBundleHeader(Origin, 0, entries, [], checkpoint, null);
            using var writer = new AuditBundleWriter(side, header);
            for (int i = 0; i < entries; i++)
            {
                int stream = (int)((i * 7919L) % Streams);
                var (version, previous) = tails[stream];
                version++;
                string streamId = $"datasets/churn-{stream:D4}@1";
                var (eventType, data) = Event(i, stream, version);
                var metadata = new EntryMetadata(streamId, version, previous, "pipeline:ci", T0.AddSeconds(i));
                var sealedEntry = sealer.Seal(new UnsignedEntry(eventType, data, new StatementSubject(streamId, Digest(stream)), metadata));
                tails[stream] = (version, sealedEntry.Hash);
                range.Append(MerkleHash.Leaf(sealedEntry.LeafBytes));
                await writer.WriteEntryAsync(new AuditEntry(i, i + 1, streamId, version, eventType, data.ToJsonString(), sealedEntry.Envelope), ct);
                if (i % 100_000 == 99_999)
                {
                    Console.WriteLine($"  ... {i + 1:N0} entries sealed");
                }
            }

            await writer.CompleteAsync(ct);
        }

        // second pass: the same entries under the header with the real checkpoint
        checkpoint = CheckpointNotes.Sign(new Checkpoint(Origin, entries, range.Root(), []), key);
        await using (var input = new FileStream(temporary, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true))
        await using (var output = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
        {
            var reader = await AuditBundleReader.OpenAsync(input, ct: ct);
            using var writer = new AuditBundleWriter(output, reader.Header with { Checkpoint = checkpoint });
            await foreach (var entry in reader.ReadEntriesAsync(ct))
            {
                await writer.WriteEntryAsync(entry, ct);
            }

            await writer.CompleteAsync(ct);
        }

        File.Delete(temporary);
    }

    private static (string Type, JsonObject Data) Event(int i, int stream, long version)
    {
        if (version == 1)
        {
            return ("DatasetRegistered", new JsonObject
            {
                ["name"] = $"churn-{stream:D4}", ["version"] = "1", ["uri"] = $"s3://ml-data/churn/{stream:D4}/1",
                ["sha256"] = Digest(stream), ["license"] = "CC-BY-4.0", ["containsPersonalData"] = stream % 5 == 0,
                ["tags"] = new JsonArray("train", "tabular", "eu"), ["derivedFrom"] = new JsonArray(),
            });
        }

        return ("DatasetCheckRecorded", new JsonObject
        {
            ["check"] = (i % 3) switch { 0 => "pii-scan", 1 => "schema", _ => "drift" },
            ["result"] = i % 17 == 0 ? "failed" : "passed",
            ["details"] = $"run {i}: scanned {100_000 + (i % 50_000)} rows in 14 columns; " + new string('.', 80 + (i % 200)),
            ["metrics"] = new JsonObject { ["rows"] = 100_000 + (i % 50_000), ["nullRate"] = (i % 100) / 1000.0, ["psi"] = (i % 37) / 100.0 },
            ["checkedBy"] = "pipeline:ci", ["runId"] = $"run-{i}",
        });
    }

    private static string Digest(int stream) => Convert.ToHexStringLower(SHA256.HashData(BitConverter.GetBytes(stream)));

    /// <summary>Raw rate: pre-made signatures over 1 KiB messages, verified on every core with keys imported once per thread.</summary>
    /// <summary>
    /// Verifications a second of <paramref name="count"/> pre-made signatures over 1 KiB messages, for
    /// <paramref name="duration"/>, on up to <paramref name="threads"/> threads, the key imported once per thread.
    /// </summary>
    internal static double RawVerifyRate(LedgerSigningKey key, int count, TimeSpan duration, int threads)
    {
        var messages = new byte[count][];
        var signatures = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            messages[i] = RandomNumberGenerator.GetBytes(1024);
            signatures[i] = key.SignDer(messages[i]);
        }

        byte[] spki = key.PublicKey.SpkiDer;
        long verified = 0;
        var clock = Stopwatch.StartNew();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads };
        while (clock.Elapsed < duration)
        {
            Parallel.For(0, count, parallel, () => Import(spki), (i, _, ecdsa) =>
            {
                if (!ecdsa.VerifyData(messages[i], signatures[i], HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence))
                {
                    throw new BenchFailure("a pre-made signature did not verify");
                }

                return ecdsa;
            }, ecdsa => ecdsa.Dispose());
            verified += count;
        }

        return verified / clock.Elapsed.TotalSeconds;
    }

    private static ECDsa Import(byte[] spki)
    {
        var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(spki, out _);
        return ecdsa;
    }
}
