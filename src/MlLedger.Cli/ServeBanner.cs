using MlLedger.Api.Hosting;

namespace MlLedger.Cli;

/// <summary>What <c>mlledger serve</c> prints once it listens: where, the console and how to sign in to it, and in dev mode how to mint a token.</summary>
internal static class ServeBanner
{
    public static void Print(LedgerHostOptions options, string dataDirectory)
    {
        var urls = options.Urls;
        var site = urls.Split(';')[0].TrimEnd('/');
        Console.WriteLine($"MlLedger is listening on {urls}");
        if (!options.DevMode)
        {
            Console.WriteLine(options.Console.SignInConfigured(options.Jwt)
                ? $"Console: {site}/ (people sign in at {options.Jwt.Authority} as client {options.Console.ClientId})"
                : $"Console: {site}/ (sign-in is off: give --console-client-id with --jwt-authority to let people in)");
            return;
        }

        if (DevModeExposure.Reachable(urls) is { Count: > 0 } reachable)
        {
            Console.Error.WriteLine($"WARNING: DEV MODE ON THE NETWORK ({string.Join(", ", reachable)}): anyone holding a token minted with the dev key is trusted. Never hold real records in this ledger.");
        }

        var dataFlag = Path.GetFullPath(".mlledger") == dataDirectory ? "" : $" --data-dir {dataDirectory}";
        Console.WriteLine("DEV MODE: tokens from the local dev issuer are accepted. Mint one with:");
        Console.WriteLine($"  mlledger token --sub alice --roles pipeline,approver{dataFlag}");
        Console.WriteLine($"  (from a source checkout: scripts/mlledger token --sub alice --roles pipeline,approver{dataFlag})");
        Console.WriteLine($"API reference: {site}/scalar");
        Console.WriteLine($"Console: {site}/ (dev mode: sign in as anyone, with any roles, on {site}/signin/dev)");
    }
}
