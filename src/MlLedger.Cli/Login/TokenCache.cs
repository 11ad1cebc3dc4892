using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MlLedger.Api.Keys;

namespace MlLedger.Cli.Login;

/// <summary>What <c>mlledger login</c> keeps about one login: how to renew it, and the token it got.</summary>
internal sealed record CachedLogin
{
    public const string ClientCredentials = "client_credentials";
    public const string DeviceCode = "device_code";

    public required string Authority { get; init; }
    public required string ClientId { get; init; }

    /// <summary><see cref="ClientCredentials"/> or <see cref="DeviceCode"/>.</summary>
    public required string Grant { get; init; }

    public string? Resource { get; init; }
    public string? Scope { get; init; }
    public string? AuthorityCa { get; init; }

    /// <summary>Where the client secret was read from (the secret itself is never stored); null: MLLEDGER_CLIENT_SECRET.</summary>
    public string? SecretFile { get; init; }

    public required string AccessToken { get; init; }

    /// <summary>When the access token expires, if the provider said.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    public string? RefreshToken { get; init; }
    public required DateTimeOffset LoggedInAt { get; init; }
}

/// <summary>
/// Logins kept between commands, one file per authority and client, in <c>$XDG_CONFIG_HOME/mlledger/logins</c>
/// (default <c>~/.config/mlledger/logins</c>): the directory 0700, each file 0600, replaced whole (written beside it,
/// then renamed) so that a reader never sees half a file.
/// </summary>
internal static class TokenCache
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string Directory()
    {
        var config = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return Path.Combine(config, "mlledger", "logins");
    }

    /// <summary>The file of one authority and client: a hash of both, so that any URL and client id make a file name.</summary>
    public static string PathOf(string authority, string clientId)
    {
        var key = SHA256.HashData(Encoding.UTF8.GetBytes($"{authority.TrimEnd('/')}\n{clientId}"));
        return Path.Combine(Directory(), Convert.ToHexStringLower(key)[..32] + ".json");
    }

    public static void Save(CachedLogin login)
    {
        var path = PathOf(login.Authority, login.ClientId);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            KeyFiles.WritePrivate(temporary, JsonSerializer.Serialize(login, Json)); // 0600 in a 0700 directory
            if (!OperatingSystem.IsWindows())
            {
                // a directory an earlier version (or the user) made wider is made private again
                File.SetUnixFileMode(Directory(), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    public static CachedLogin? Load(string authority, string clientId) => Read(PathOf(authority, clientId));

    /// <summary>The login made last, when no authority and client are named.</summary>
    public static CachedLogin? Latest() =>
        System.IO.Directory.Exists(Directory())
            ? System.IO.Directory.EnumerateFiles(Directory(), "*.json").Select(Read).OfType<CachedLogin>().MaxBy(l => l.LoggedInAt)
            : null;

    public static bool Remove(string authority, string clientId)
    {
        var path = PathOf(authority, clientId);
        if (!File.Exists(path))
        {
            return false;
        }

        File.Delete(path);
        return true;
    }

    /// <summary>Removes every login; the number removed.</summary>
    public static int RemoveAll()
    {
        if (!System.IO.Directory.Exists(Directory()))
        {
            return 0;
        }

        var files = System.IO.Directory.GetFiles(Directory(), "*.json");
        foreach (var file in files)
        {
            File.Delete(file);
        }

        return files.Length;
    }

    /// <summary>A login file, or null when it is missing or unreadable (then it is as if no login was made).</summary>
    private static CachedLogin? Read(string path)
    {
        try
        {
            using var file = File.OpenRead(path);
            return JsonSerializer.Deserialize<CachedLogin>(file, Json);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }
}
