using System.CommandLine;
using System.Text.Json;
using MlLedger.Reports.Manifest;
using Spectre.Console;

namespace MlLedger.Cli;

/// <summary>
/// <c>mlledger verify-report REPORT.pdf --trusted-root ROOT --bundle AUDIT.jsonl</c>: offline, that the ledger issued
/// this exact PDF and that every entry it cites is in the log under the checkpoint it is as of.
/// Exit 0 valid, 1 invalid, 2 usage or an unreadable file.
/// </summary>
internal static class VerifyReportCommand
{
    private const string Prefix = "mlledger verify-report:";

    public static Command Create()
    {
        var report = new Argument<FileInfo>("report") { Description = "A report PDF downloaded from the ledger" };
        var trustedRoot = new Option<FileInfo?>("--trusted-root") { Description = "Sigstore TrustedRoot JSON of the ledger (GET /v1/log/trusted-root); required" };
        var bundle = new Option<FileInfo?>("--bundle")
        {
            Description = "Audit bundle (GET /v1/export) from leaf 0, or from at most the report's tree size, to a checkpoint after the report was issued; required",
        };
        var output = OutputFormats.Option();
        var maxLine = LineLimit.Option();
        var command = new Command("verify-report", "Verify a report PDF offline: issued by the ledger, and its cited entries in the log. Exit 0 valid, 1 invalid, 2 error")
        {
            report, trustedRoot, bundle, output, maxLine,
        };
        command.SetAction(async (parse, ct) =>
        {
            var error = parse.InvocationConfiguration.Error;
            if (parse.GetValue(trustedRoot) is not { } rootFile || parse.GetValue(bundle) is not { } bundleFile)
            {
                error.WriteLine($"{Prefix} --trusted-root and --bundle are required: without them nothing about the report can be proved");
                return ExitCodes.UsageOrConnection;
            }

            var file = parse.GetValue(report)!;
            byte[] pdf;
            ReportManifest manifest;
            try
            {
                pdf = await File.ReadAllBytesAsync(file.FullName, ct);
                manifest = ReportManifest.Read(pdf);
            }
            catch (FormatException e)
            {
                error.WriteLine($"{Prefix} {file.Name} is not a ledger report: {e.Message}");
                return ExitCodes.UsageOrConnection;
            }

            if (await VerifyCommand.ReadTrustedRoot(rootFile, Prefix, error, ct) is not var (trusted, origins))
            {
                return ExitCodes.UsageOrConnection;
            }

            ReportVerification result;
            try
            {
                result = await ReportVerifier.VerifyAsync(pdf, manifest, trusted, origins, bundleFile.FullName, ct, LineLimit.Verifier(parse.GetValue(maxLine)));
            }
            catch (FormatException e)
            {
                error.WriteLine($"{Prefix} {bundleFile.Name} is not an audit bundle: {e.Message}");
                return ExitCodes.UsageOrConnection;
            }

            if (parse.GetValue(output) == OutputFormats.Json)
            {
                parse.InvocationConfiguration.Output.WriteLine(JsonSerializer.Serialize(result, OutputFormats.JsonOptions));
            }
            else
            {
                Print(Terminal.For(parse.InvocationConfiguration.Output), result);
            }

            return result.IsValid ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    private static void Print(IAnsiConsole console, ReportVerification result)
    {
        console.MarkupLine(result.IsValid
            ? $"[green]VALID[/] {Markup.Escape(result.Kind)} report on {Markup.Escape(result.Subject)}, as of {result.TreeSize} leaves"
            : $"[red]INVALID[/] {Markup.Escape(result.Kind)} report on {Markup.Escape(result.Subject)}, as of {result.TreeSize} leaves");
        var table = new Table().AddColumn("check").AddColumn("result").AddColumn("detail");
        foreach (var check in result.Checks)
        {
            table.AddRow(Markup.Escape(check.Name), check.Passed ? "[green]ok[/]" : "[red]failed[/]", Markup.Escape(check.Detail));
        }

        console.Write(table);
        console.MarkupLine($"sha256 {result.Sha256}");
    }
}
