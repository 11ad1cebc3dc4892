using System.Net;

namespace MlLedger.Api.Hosting;

/// <summary>
/// Dev mode trusts a token issuer whose key sits in the data directory: anyone who can read it, or who reaches a ledger
/// whose tokens anyone could mint, is anybody. So dev mode listens on loopback only, unless the operator says in so many
/// words that it may listen elsewhere (<see cref="LedgerHostOptions.DevModeOnNetwork"/>), and then it says so loudly.
/// </summary>
public static class DevModeExposure
{
    /// <summary>The listen addresses among <paramref name="urls"/> that other machines could reach.</summary>
    public static IReadOnlyList<string> Reachable(string urls) =>
        urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(url => !IsLoopback(url)).ToList();

    /// <exception cref="HostConfigurationException">Dev mode would listen beyond loopback without the operator's consent.</exception>
    public static void Check(LedgerHostOptions options) => Check(options.Urls, options.DevMode, options.DevModeOnNetwork);

    /// <inheritdoc cref="Check(LedgerHostOptions)"/>
    public static void Check(string urls, bool devMode, bool onNetwork)
    {
        if (devMode && !onNetwork && Reachable(urls) is { Count: > 0 } reachable)
        {
            throw new HostConfigurationException(
                $"dev mode listens on loopback only, and {string.Join(", ", reachable)} can be reached from other machines: " +
                "anyone who can mint a dev token (its key is in the data directory) would be trusted. Listen on 127.0.0.1, " +
                "or run without --dev with a real token issuer; to expose a dev ledger anyway, add --dev-on-network.");
        }
    }

    /// <summary>Says at start, as a warning, that a dev ledger is reachable from other machines.</summary>
    public static void Warn(LedgerHostOptions options, ILogger log)
    {
        if (options.DevMode && Reachable(options.Urls) is { Count: > 0 } reachable)
        {
            log.LogWarning(
                "DEV MODE ON THE NETWORK: {Addresses} can be reached from other machines, and this ledger trusts tokens minted with the " +
                "dev key in its data directory. Never hold real records in it.", string.Join(", ", reachable));
        }
    }

    private static bool IsLoopback(string url)
    {
        if (url.Contains("://unix:", StringComparison.OrdinalIgnoreCase))
        {
            return true; // a Unix socket is reached through the file system only
        }

        var host = url.Split("://", 2) is [_, var rest] ? rest.Split('/', 2)[0] : url;
        host = host.StartsWith('[') ? host[1..Math.Max(1, host.IndexOf(']', StringComparison.Ordinal))] : host.Split(':')[0];
        return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address);
    }
}

/// <summary>The host cannot start with these options; the message says what to change.</summary>
public sealed class HostConfigurationException(string message) : Exception(message);
