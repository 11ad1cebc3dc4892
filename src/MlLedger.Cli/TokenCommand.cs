using System.CommandLine;
using MlLedger.Api.Auth;
using MlLedger.Api.Keys;

namespace MlLedger.Cli;

/// <summary><c>mlledger token --sub alice --roles approver,risk-officer</c>: a token from the dev issuer.</summary>
internal static class TokenCommand
{
    public static Command Create()
    {
        var subject = new Option<string>("--sub") { Description = "Subject (user or pipeline identity)", Required = true };
        var roles = new Option<string>("--roles") { Description = "Comma-separated roles: pipeline, approver, auditor, admin, or approver roles such as risk-officer", Required = true };
        var lifetime = new Option<TimeSpan>("--lifetime") { Description = "Token lifetime", DefaultValueFactory = _ => TimeSpan.FromHours(8) };
        var dataDir = CommonOptions.DataDirectory();
        var command = new Command("token", "Mint a token from the dev-mode issuer (only a ledger started with --dev accepts it)")
        {
            subject, roles, lifetime, dataDir,
        };
        command.SetAction(parse =>
        {
            var sub = parse.GetValue(subject)!;
            var roleList = parse.GetValue(roles)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var life = parse.GetValue(lifetime);
            if (string.IsNullOrWhiteSpace(sub) || roleList.Length == 0 || life <= TimeSpan.Zero || life > TimeSpan.FromDays(30))
            {
                Console.Error.WriteLine("--sub and --roles must not be empty; --lifetime must be between 0 and 30 days");
                return ExitCodes.UsageOrConnection;
            }

            try
            {
                using var tokens = DevTokens.Load(Path.Combine(parse.GetValue(dataDir)!, "keys"));
                Console.WriteLine(tokens.Mint(sub, roleList, life, DateTimeOffset.UtcNow));
                return ExitCodes.Ok;
            }
            catch (KeyFileException e)
            {
                Console.Error.WriteLine(e.Message);
                return ExitCodes.UsageOrConnection;
            }
        });
        return command;
    }
}
