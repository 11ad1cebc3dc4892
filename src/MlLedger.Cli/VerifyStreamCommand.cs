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

                var report = await response.Content.ReadFromJsonAsync<VerificationReport>(ct)
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

    private static void Print(VerificationReport report)
    {
        var table = new Table().AddColumns("stream", "seq", "version", "result");
        foreach (var s in report.Streams)
        {
            foreach (var e in s.Entries)
            {
                table.AddRow(Markup.Escape(s.StreamId), e.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    e.StreamVersion.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    e.IsValid ? "[green]ok[/]" : "[red]" + Markup.Escape(string.Join("; ", e.Failures.Select(f => $"{f.Code}: {f.Message}"))) + "[/]");
            }
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(report.Valid
            ? $"[green]valid[/]: {report.EntriesChecked} entries in {report.Streams.Count} stream(s)"
            : $"[red]INVALID[/]: {report.Streams.Count(s => !s.IsValid)} stream(s) failed verification");
    }
}
