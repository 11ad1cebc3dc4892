using System.CommandLine;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using MlLedger.Api.Entries;
using Spectre.Console;

namespace MlLedger.Cli;

/// <summary>
/// <c>mlledger verify-stream [STREAM]</c>: asks the ledger to verify one stream (or all) against its key ring:
/// signatures, chain links, versions and the stored event data. Exit 0 valid, 1 invalid, 2 usage/connection/auth.
/// </summary>
internal static class VerifyStreamCommand
{
    public static Command Create()
    {
        var stream = new Argument<string?>("stream") { Description = "Stream id, e.g. datasets/churn-train@3 (all streams when omitted)", Arity = ArgumentArity.ZeroOrOne };
        var server = CommonOptions.Server();
        var token = CommonOptions.Token();
        var command = new Command("verify-stream", "Verify the signed entries of a stream (or of every stream)") { stream, server, token };
        command.SetAction(async (parse, ct) =>
        {
            if (await Login.BearerTokens.ForCommandAsync(parse.GetValue(token), Console.Error, ct) is not { } bearer)
            {
                Console.Error.WriteLine($"mlledger verify-stream: {Login.BearerTokens.Required} (role auditor or admin)");
                return ExitCodes.UsageOrConnection;
            }

            using var http = new HttpClient { BaseAddress = new Uri(parse.GetValue(server)!) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            var path = parse.GetValue(stream) is { } key ? $"/v1/verification/streams?stream={Uri.EscapeDataString(key)}" : "/v1/verification/streams";
            try
            {
                using var response = await http.GetAsync(path, ct);
                if (!response.IsSuccessStatusCode)
                {
                    Console.Error.WriteLine($"the ledger answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
                    return ExitCodes.UsageOrConnection;
                }

                var report = await response.Content.ReadFromJsonAsync<StreamsVerificationReport>(ct)
                    ?? throw new HttpRequestException("empty answer");
                Print(report);
                return report.Valid ? ExitCodes.Ok : ExitCodes.Failed;
            }
            catch (HttpRequestException e)
            {
                Console.Error.WriteLine($"could not reach the ledger: {e.Message}");
                return ExitCodes.UsageOrConnection;
            }
        });
        return command;
    }

    /// <summary>One stream: every entry. Every stream: the failures the ledger listed (it lists the first 1,000) and the totals.</summary>
    private static void Print(StreamsVerificationReport report)
    {
        static string Number(long n) => n.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
        if (report.Streams.Count > 0)
        {
            var table = new Table().AddColumns("stream", "seq", "version", "result");
            foreach (var s in report.Streams)
            {
                foreach (var e in s.Entries)
                {
                    table.AddRow(Markup.Escape(s.StreamId), Number(e.Seq), Number(e.StreamVersion),
                        e.IsValid ? "[green]ok[/]" : "[red]" + Markup.Escape(string.Join("; ", e.Failures.Select(f => $"{f.Code}: {f.Message}"))) + "[/]");
                }
            }

            AnsiConsole.Write(table);
        }
        else if (report.Failures.Count > 0)
        {
            var table = new Table().AddColumns("stream", "seq", "version", "failure");
            foreach (var f in report.Failures)
            {
                table.AddRow(Markup.Escape(f.StreamId), Number(f.Seq), Number(f.StreamVersion), "[red]" + Markup.Escape($"{f.Code}: {f.Message}") + "[/]");
            }

            AnsiConsole.Write(table);
            if (report.FailureCount > report.Failures.Count)
            {
                AnsiConsole.MarkupLine($"... and {Number(report.FailureCount - report.Failures.Count)} more failures (the ledger lists the first {Number(report.Failures.Count)})");
            }
        }

        AnsiConsole.MarkupLine(report.Valid
            ? $"[green]valid[/]: {Number(report.EntriesChecked)} entries in {Number(report.StreamsChecked)} stream(s)"
            : $"[red]INVALID[/]: {Number(report.FailedEntries)} of {Number(report.EntriesChecked)} entries in {Number(report.StreamsChecked)} stream(s) failed verification");
    }
}
