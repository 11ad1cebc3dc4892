using System.CommandLine;
using MlLedger.Integrity.Audit;

namespace MlLedger.Cli;

/// <summary>Options several commands share, each with its environment variable.</summary>
internal static class CommonOptions
{
    public const string DefaultServer = "http://127.0.0.1:5080";

    public static Option<string> DataDirectory() => new("--data-dir")
    {
        Description = "Data directory: embedded PostgreSQL cluster and keys (env MLLEDGER_DATA_DIR)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MLLEDGER_DATA_DIR") ?? ".mlledger",
    };

    public static Option<string> Server() => new("--server")
    {
        Description = "Ledger URL (env MLLEDGER_SERVER)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MLLEDGER_SERVER") ?? DefaultServer,
    };

    /// <summary>
    /// The bearer token option. Without it, <see cref="Login.BearerTokens"/> reads MLLEDGER_TOKEN, then the token of
    /// <c>mlledger login</c> (not a default value: --help would print it).
    /// </summary>
    public static Option<string?> Token() => new("--token")
    {
        Description = "Bearer token (env MLLEDGER_TOKEN; default: the token of `mlledger login`)",
    };
}

/// <summary>How long a line of an audit bundle the offline commands read.</summary>
internal static class LineLimit
{
    public static Option<int> Option() => new("--max-line-mib")
    {
        Description = "Longest audit bundle line to read, in MiB (default 64: the ledger appends no entry whose line is longer; " +
                      "raise it only for a ledger whose earlier versions stored larger entries)",
        DefaultValueFactory = _ => AuditBundleReader.DefaultMaxLineBytes / (1024 * 1024),
        Validators = { result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 2047)
            {
                result.AddError("--max-line-mib must be 1 to 2047");
            }
        } },
    };

    public static AuditVerifierOptions Verifier(int mebibytes) => new() { MaxLineBytes = mebibytes * 1024 * 1024 };
}

/// <summary>Exit codes the CLI promises, so CI jobs can branch on them.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int UsageOrConnection = 2;
}
