using System.CommandLine;

namespace MlLedger.Cli;

/// <summary>The command tree and how it is run, shared by <c>Program</c> and the tests.</summary>
internal static class CliApp
{
    public static RootCommand Root() => new("mlledger: the signed audit ledger for ML governance")
    {
        ServeCommand.Create(),
        TokenCommand.Create(),
        VerifyStreamCommand.Create(),
        KeysCommand.Create(),
        VerifyCommand.Create(),
        VerifyReportCommand.Create(),
        ReportCommand.Create(),
        CheckCommand.Create(),
        PolicyCommand.Create(),
        Login.LoginCommand.Create(),
        Login.LoginCommand.Logout(),
    };

    /// <summary>
    /// Runs the command line. Exit 1 is reserved for a command's own verdict (denied, invalid, problems found):
    /// a command line that does not parse (unknown option, missing required option, value outside the allowed
    /// ones) and an error no command expected (an unreadable file, a bug) exit <see cref="ExitCodes.UsageOrConnection"/>,
    /// so that a CI job never reads them as a verdict.
    /// </summary>
    public static async Task<int> InvokeAsync(IReadOnlyList<string> args, InvocationConfiguration? configuration = null, CancellationToken ct = default)
    {
        configuration ??= new InvocationConfiguration();
        configuration.EnableDefaultExceptionHandler = false;
        var parse = Root().Parse(args);
        try
        {
            var exit = await parse.InvokeAsync(configuration, ct);
            return parse.Errors.Count > 0 ? ExitCodes.UsageOrConnection : exit;
        }
        catch (OperationCanceledException)
        {
            configuration.Error.WriteLine("mlledger: interrupted");
            return ExitCodes.UsageOrConnection;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            configuration.Error.WriteLine($"mlledger: {e.Message}");
            return ExitCodes.UsageOrConnection;
        }
        catch (Exception e)
        {
            configuration.Error.WriteLine($"mlledger: unexpected error: {e}");
            return ExitCodes.UsageOrConnection;
        }
    }
}
