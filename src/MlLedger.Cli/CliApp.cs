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
        CheckCommand.Create(),
        PolicyCommand.Create(),
    };

    /// <summary>
    /// Runs the command line. A command line that does not parse (unknown option, missing required option, value
    /// outside the allowed ones) exits <see cref="ExitCodes.UsageOrConnection"/>, never 1, which CI jobs read as
    /// "denied" or "invalid".
    /// </summary>
    public static async Task<int> InvokeAsync(IReadOnlyList<string> args, InvocationConfiguration? configuration = null, CancellationToken ct = default)
    {
        var parse = Root().Parse(args);
        var exit = await parse.InvokeAsync(configuration, ct);
        return parse.Errors.Count > 0 ? ExitCodes.UsageOrConnection : exit;
    }
}
