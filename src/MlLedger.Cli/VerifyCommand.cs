using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using MlLedger.Integrity.Audit;
using MlLedger.Integrity.Bundles;
using MlLedger.Integrity.Signing;
using Spectre.Console;

namespace MlLedger.Cli;

/// <summary>
/// <c>mlledger verify BUNDLE --trusted-root ROOT [--checkpoint OLD]</c>: verifies an audit bundle (or a single-entry
/// Sigstore bundle) offline, against the keys of a trusted root only: no network, no database.
/// Exit 0 valid, 1 invalid, 2 usage or an unreadable file.
/// </summary>
internal static class VerifyCommand
{
    private const string Prefix = "mlledger verify:";
    private const long ProgressThresholdBytes = 32L * 1024 * 1024;

    public static Command Create()
    {
        var bundle = new Argument<FileInfo>("bundle") { Description = "Audit bundle (.jsonl) or Sigstore bundle v0.3 (.json) of one entry" };
        var trustedRoot = new Option<FileInfo?>("--trusted-root") { Description = "Sigstore TrustedRoot JSON of the ledger (GET /v1/log/trusted-root); required" };
        var checkpoint = new Option<FileInfo?>("--checkpoint") { Description = "A signed checkpoint of this log you kept from before: the bundle must prove it consistent" };
        var output = OutputFormats.Option();
        var maxLine = LineLimit.Option();
        var command = new Command("verify", "Verify an audit bundle or a Sigstore bundle offline against a trusted root. Exit 0 valid, 1 invalid, 2 error")
        {
            bundle, trustedRoot, checkpoint, output, maxLine,
        };
        command.SetAction(async (parse, ct) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var console = Terminal.For(parse.InvocationConfiguration.Output);
            bool json = parse.GetValue(output) == OutputFormats.Json;
            if (parse.GetValue(trustedRoot) is not { } rootFile)
            {
                error.WriteLine($"{Prefix} --trusted-root is required: verification without a trust root would prove nothing");
                return ExitCodes.UsageOrConnection;
            }

            if (await ReadTrustedRoot(rootFile, Prefix, error, ct) is not var (trusted, origins))
            {
                return ExitCodes.UsageOrConnection;
            }

            string? older = parse.GetValue(checkpoint) is { } olderFile ? await File.ReadAllTextAsync(olderFile.FullName, ct) : null;
            var file = parse.GetValue(bundle)!;
            if (IsSigstoreBundle(file.FullName))
            {
                if (older is not null)
                {
                    error.WriteLine($"{Prefix} --checkpoint applies to audit bundles; a Sigstore bundle carries its own checkpoint");
                    return ExitCodes.UsageOrConnection;
                }

                SigstoreBundleVerification single;
                try
                {
                    single = SigstoreBundleVerifier.Verify(await File.ReadAllBytesAsync(file.FullName, ct), trusted);
                }
                catch (FormatException e)
                {
                    error.WriteLine($"{Prefix} {file.Name}: {e.Message}");
                    return ExitCodes.UsageOrConnection;
                }

                if (single.Origin is { } logName && !origins.Contains(logName))
                {
                    single = single with { IsValid = false, Failures = [.. single.Failures, OriginNotTrusted(logName, origins)] };
                }

                Print(console, parse.InvocationConfiguration.Output, json, single, single.IsValid, () => PrintSingle(console, single));
                return single.IsValid ? ExitCodes.Ok : ExitCodes.Failed;
            }

            var result = await VerifyAuditAsync(file, trusted, older, LineLimit.Verifier(parse.GetValue(maxLine)), error, ct);
            if (result.EntriesRead == 0 && result.Failures is [{ Code: AuditFailureCodes.MalformedBundle or AuditFailureCodes.Truncated } unreadable] && result.Origin.Length == 0)
            {
                error.WriteLine($"{Prefix} {file.Name} is not an audit bundle: {unreadable.Message}");
                return ExitCodes.UsageOrConnection;
            }

            if (result.Origin.Length > 0 && !origins.Contains(result.Origin))
            {
                result = result with
                {
                    IsValid = false, FailureCount = result.FailureCount + 1, Failures = [OriginNotTrusted(result.Origin, origins), .. result.Failures],
                };
            }

            Print(console, parse.InvocationConfiguration.Output, json, result, result.IsValid, () => PrintAudit(console, result));
            return result.IsValid ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    private static async Task<AuditVerification> VerifyAuditAsync(FileInfo file, TrustedKeys trusted, string? older, AuditVerifierOptions options,
        TextWriter error, CancellationToken ct)
    {
        await using var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        var verifier = new AuditBundleVerifier(trusted, options);
        bool showProgress = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected && file.Length >= ProgressThresholdBytes;
        if (!showProgress)
        {
            return await verifier.VerifyAsync(stream, older, progress: null, ct);
        }

        // entries are not counted up front: the bar follows the bytes read
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        AuditVerification? result = null;
        await console.Progress().AutoClear(true).StartAsync(async context =>
        {
            var task = context.AddTask("verifying", maxValue: file.Length);
            var progress = new Progress<long>(_ => task.Value = stream.Position);
            result = await verifier.VerifyAsync(stream, older, progress, ct);
            task.Value = file.Length;
        });
        return result!;
    }

    /// <summary>The keys and log names of a trusted root file, or null (the problem printed) when it cannot be read.</summary>
    public static async Task<(TrustedKeys Keys, IReadOnlySet<string> Origins)?> ReadTrustedRoot(FileInfo file, string prefix, TextWriter error, CancellationToken ct)
    {
        try
        {
            return TrustedRoot.ReadWithOrigins(await File.ReadAllBytesAsync(file.FullName, ct));
        }
        catch (FormatException e)
        {
            error.WriteLine($"{prefix} {file.Name}: {e.Message}");
            return null;
        }
    }

    private static AuditFailure OriginNotTrusted(string origin, IReadOnlySet<string> origins) =>
        new(AuditFailureCodes.OriginNotTrusted,
            $"The log '{origin}' is not one the trusted root lists ({(origins.Count == 0 ? "none" : string.Join(", ", origins.Order(StringComparer.Ordinal)))}): " +
            "its checkpoint is signed by a trusted key, but for another log.");

    private static bool IsSigstoreBundle(string path)
    {
        using var stream = File.OpenRead(path);
        var head = new byte[4096];
        int read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        string text = Encoding.UTF8.GetString(head, 0, read);
        return !text.StartsWith("{\"mediaType\":\"" + AuditBundleHeader.MediaType, StringComparison.Ordinal)
            && text.Contains(SigstoreBundle.MediaType, StringComparison.Ordinal);
    }

    private static void Print<T>(IAnsiConsole console, TextWriter output, bool json, T result, bool valid, Action table)
    {
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(result, OutputFormats.JsonOptions));
            return;
        }

        table();
        console.MarkupLine(valid ? "[green]valid[/]" : "[red]INVALID[/]");
    }

    private static void PrintAudit(IAnsiConsole console, AuditVerification result)
    {
        var summary = new Grid().AddColumn().AddColumn();
        summary.AddRow("log", Markup.Escape(result.Origin));
        summary.AddRow("entries", $"{Number(result.EntriesRead)} (leaves {Number(result.From)} to {Number(result.TreeSize)})");
        summary.AddRow("streams", Number(result.Streams));
        summary.AddRow("checkpoint", result.RootHash is { } root ? $"size {Number(result.TreeSize)}, root {root[..16]}..." : "[red]not verified[/]");
        summary.AddRow("consistency", result.SinceSize is { } since ? $"from size {Number(since)}" : "none in the bundle");
        summary.AddRow("your checkpoint", result.OlderCheckpointSize is { } older ? $"size {Number(older)}" : "not given");
        summary.AddRow("unchecked links", $"{Number(result.UncheckedLinks)} (stream predecessors before the bundle's range)");
        if (result.SkippedChecks.Count > 0)
        {
            summary.AddRow("[yellow]skipped[/]", Markup.Escape(string.Join(", ", result.SkippedChecks)));
        }

        console.Write(summary);
        PrintFailures(console, result.Failures, result.FailureCount);
    }

    private static void PrintSingle(IAnsiConsole console, SigstoreBundleVerification result)
    {
        var summary = new Grid().AddColumn().AddColumn();
        summary.AddRow("entry", $"log index {Number(result.LogIndex)}");
        summary.AddRow("checkpoint", result.RootHash is { } root
            ? $"{Markup.Escape(result.Origin ?? string.Empty)}, size {Number(result.TreeSize)}, root {root[..16]}..."
            : "[red]not verified[/]");
        console.Write(summary);
        PrintFailures(console, result.Failures, result.Failures.Count);
    }

    private static void PrintFailures(IAnsiConsole console, IReadOnlyList<AuditFailure> failures, long total)
    {
        if (failures.Count == 0)
        {
            return;
        }

        var table = new Table().AddColumns("log index", "seq", "stream", "check", "why");
        foreach (var f in failures)
        {
            table.AddRow(
                f.LogIndex is { } index ? Number(index) : "-",
                f.Seq is { } seq ? Number(seq) : "-",
                Markup.Escape(f.StreamId ?? "-"),
                Markup.Escape(f.Code),
                Markup.Escape(f.Message));
        }

        console.Write(table);
        if (total > failures.Count)
        {
            console.MarkupLine($"... and {Number(total - failures.Count)} more failures");
        }
    }

    private static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
