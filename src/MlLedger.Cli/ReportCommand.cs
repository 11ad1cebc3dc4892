using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Spectre.Console;

namespace MlLedger.Cli;

/// <summary>
/// <c>mlledger report compliance|audit-period|dataset-impact ... -o FILE</c> (role auditor): downloads a report PDF. The
/// ledger records each report it issues; the command prints the PDF's SHA-256 and that entry.
/// Exit 0 saved, 2 usage, connection, auth or any refusal.
/// </summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model name", Required = true };
        var version = new Option<string>("--version") { Description = "Model version", Required = true };
        var compliance = Kind("compliance", "A model version's compliance report", [model, version],
            parse => $"/v1/reports/compliance/{Uri.EscapeDataString(parse.GetValue(model)!)}/{Uri.EscapeDataString(parse.GetValue(version)!)}.pdf");

        var from = new Option<string>("--from") { Description = "Start of the period (ISO 8601, inclusive)", Required = true };
        var to = new Option<string>("--to") { Description = "End of the period (ISO 8601, exclusive)", Required = true };
        var period = Kind("audit-period", "Everything promoted, deployed, refused and approved in a period", [from, to],
            parse => $"/v1/reports/audit-period.pdf?from={Uri.EscapeDataString(parse.GetValue(from)!)}&to={Uri.EscapeDataString(parse.GetValue(to)!)}");

        var dataset = new Option<string>("--dataset") { Description = "Dataset id (name@version)", Required = true };
        var impact = Kind("dataset-impact", "The downstream of a dataset: derived datasets, model versions, deployments", [dataset],
            parse => $"/v1/reports/dataset-impact/{Uri.EscapeDataString(parse.GetValue(dataset)!)}.pdf");

        return new Command("report", "Download a report PDF (role auditor); the ledger records that it issued it") { compliance, period, impact };
    }

    private static Command Kind(string name, string description, Option[] subject, Func<ParseResult, string> path)
    {
        var output = new Option<FileInfo>("--out", "-o") { Description = "Where to write the PDF", Required = true };
        var asOf = new Option<long?>("--as-of") { Description = "Tree size of an issued checkpoint (default: the latest): regenerates the report as of then" };
        var server = CommonOptions.Server();
        var token = CommonOptions.Token();
        var command = new Command(name, description) { output, asOf, server, token };
        foreach (var option in subject)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, ct) =>
        {
            var prefix = $"mlledger report {name}:";
            var error = parse.InvocationConfiguration.Error;
            if (await Login.BearerTokens.ForCommandAsync(parse.GetValue(token), error, ct) is not { } bearer)
            {
                error.WriteLine($"{prefix} {Login.BearerTokens.Required} (role auditor)");
                return ExitCodes.UsageOrConnection;
            }

            var url = path(parse);
            if (parse.GetValue(asOf) is { } size)
            {
                url += (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "asOf=" + size.ToString(CultureInfo.InvariantCulture);
            }

            using var http = new HttpClient { BaseAddress = new Uri(parse.GetValue(server)!), Timeout = TimeSpan.FromMinutes(10) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            try
            {
                using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
                if (!response.IsSuccessStatusCode)
                {
                    error.WriteLine($"{prefix} the ledger answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
                    return ExitCodes.UsageOrConnection;
                }

                var file = parse.GetValue(output)!;
                file.Directory?.Create();
                var (bytes, sha256) = await Download(response, file.FullName, ct);
                if (response.Headers.TryGetValues("X-Ledger-Report-Sha256", out var announced) && announced.First() != sha256)
                {
                    File.Delete(file.FullName);
                    error.WriteLine($"{prefix} the PDF received (sha256 {sha256}) is not the one the ledger recorded ({announced.First()}); deleted");
                    return ExitCodes.UsageOrConnection;
                }

                var entry = response.Headers.TryGetValues("X-Ledger-Report-Entry", out var values) ? values.First() : "?";
                var stdout = parse.InvocationConfiguration.Output;
                stdout.WriteLine($"saved {file.FullName} ({bytes.ToString("N0", CultureInfo.InvariantCulture)} bytes)");
                stdout.WriteLine($"sha256 {sha256}");
                stdout.WriteLine($"issued as entry {entry} (ReportIssued); verify offline with: mlledger verify-report {file.Name} --trusted-root ROOT --bundle AUDIT.jsonl");
                return ExitCodes.Ok;
            }
            catch (HttpRequestException e)
            {
                error.WriteLine($"{prefix} could not reach the ledger: {e.Message}");
                return ExitCodes.UsageOrConnection;
            }
        });
        return command;
    }

    /// <summary>
    /// Writes the body to a temporary file renamed into place, hashing it on the way; a progress bar on a terminal for
    /// large reports.
    /// </summary>
    private static async Task<(long Bytes, string Sha256)> Download(HttpResponseMessage response, string path, CancellationToken ct)
    {
        var partial = path + ".partial";
        var length = response.Content.Headers.ContentLength;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long total = 0;
        await using (var body = await response.Content.ReadAsStreamAsync(ct))
        await using (var file = File.Create(partial))
        {
            async Task Copy(Action<int> progress)
            {
                var buffer = new byte[1 << 16];
                int read;
                while ((read = await body.ReadAsync(buffer, ct)) > 0)
                {
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                    hash.AppendData(buffer, 0, read);
                    total += read;
                    progress(read);
                }
            }

            if (Console.IsErrorRedirected || length is not > 4 * 1024 * 1024)
            {
                await Copy(_ => { });
            }
            else
            {
                var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
                await console.Progress().AutoClear(true).StartAsync(async context =>
                {
                    var task = context.AddTask("downloading", maxValue: length.Value);
                    await Copy(read => task.Increment(read));
                });
            }
        }

        File.Move(partial, path, overwrite: true);
        return (total, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }
}
