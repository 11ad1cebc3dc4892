using System.CommandLine;
using System.Globalization;
using Microsoft.IdentityModel.JsonWebTokens;
using MlLedger.Api.Auth;

namespace MlLedger.Cli.Login;

/// <summary>
/// <c>mlledger login</c>: gets an access token from the organisation's OpenID provider and keeps it (0600) for the
/// other commands, which renew it when it expires. Pipelines use the client credentials grant (the secret from
/// MLLEDGER_CLIENT_SECRET or a file); people the device authorization grant (open a URL, enter a code).
/// <c>mlledger logout</c> forgets logins. Exit 0 signed in, 2 anything else.
/// </summary>
internal static class LoginCommand
{
    private const string Prefix = "mlledger login:";

    public static Command Create()
    {
        var authority = Env(new Option<string?>("--authority") { Description = $"The OpenID provider (issuer URL, https://) (env {LoginSettings.AuthorityVariable})" }, LoginSettings.AuthorityVariable);
        var clientId = Env(new Option<string?>("--client-id") { Description = $"This client's id at the provider (env {LoginSettings.ClientIdVariable})" }, LoginSettings.ClientIdVariable);
        var secretFile = Env(new Option<string?>("--client-secret-file") { Description = $"File whose first line is the client secret (env {LoginSettings.SecretFileVariable}; or the secret itself in {LoginSettings.SecretVariable})" }, LoginSettings.SecretFileVariable);
        var secretValue = new Option<string?>("--client-secret") { Hidden = true };
        var device = new Option<bool>("--device") { Description = "Sign in as a person: open a URL and enter a code (the default without a client secret)" };
        var scope = Env(new Option<string?>("--scope") { Description = "Scopes to ask for, space-separated (env MLLEDGER_SCOPE; device sign-in default: openid offline_access)" }, "MLLEDGER_SCOPE");
        var resource = Env(new Option<string?>("--resource") { Description = "Resource indicator of the ledger at the provider, RFC 8707 (env MLLEDGER_RESOURCE)" }, "MLLEDGER_RESOURCE");
        var caFile = Env(new Option<string?>("--authority-ca") { Description = "PEM file of the CA certificates the provider's TLS certificate must chain to, instead of the machine's (env MLLEDGER_AUTHORITY_CA)" }, "MLLEDGER_AUTHORITY_CA");
        var command = new Command("login", "Get a token from the OpenID provider and keep it for the other commands (client credentials for pipelines, device sign-in for people)")
        {
            authority, clientId, secretFile, secretValue, device, scope, resource, caFile,
        };
        command.SetAction(async (parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            if (parse.GetResult(secretValue) is not null)
            {
                error.WriteLine($"{Prefix} --client-secret would show the secret to every user of this machine (ps, shell history): " +
                                $"put it in {LoginSettings.SecretVariable} or in a file given with --client-secret-file");
                return ExitCodes.UsageOrConnection;
            }

            if (Usage(parse.GetValue(authority), parse.GetValue(clientId)) is { } problem)
            {
                error.WriteLine($"{Prefix} {problem}");
                return ExitCodes.UsageOrConnection;
            }

            var settings = new CachedLogin
            {
                Authority = parse.GetValue(authority)!.Trim(), ClientId = parse.GetValue(clientId)!.Trim(), Grant = CachedLogin.ClientCredentials,
                Resource = parse.GetValue(resource), Scope = parse.GetValue(scope), AccessToken = "",
                AuthorityCa = parse.GetValue(caFile) is { } ca ? Path.GetFullPath(ca) : null,
                SecretFile = parse.GetValue(secretFile) is { } file ? Path.GetFullPath(file) : null,
                LoggedInAt = TimeProvider.System.GetUtcNow(),
            };
            try
            {
                var login = await LogInAsync(settings, parse.GetValue(device), error, ct);
                TokenCache.Save(login);
                output.WriteLine($"Signed in to {login.Authority}{Subject(login.AccessToken)} (client {login.ClientId}, " +
                                 $"{(login.Grant == CachedLogin.DeviceCode ? "device sign-in" : "client credentials")}); " +
                                 $"the token {Expiry(login)}.");
                output.WriteLine($"mlledger commands use it when no --token or {BearerTokens.Variable} is given (kept in {TokenCache.PathOf(login.Authority, login.ClientId)}).");
                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is LoginException or AuthConfigurationException)
            {
                error.WriteLine($"{Prefix} {e.Message}");
                return ExitCodes.UsageOrConnection;
            }
        });
        return command;
    }

    public static Command Logout()
    {
        var authority = Env(new Option<string?>("--authority") { Description = $"The OpenID provider of the login to forget (env {LoginSettings.AuthorityVariable})" }, LoginSettings.AuthorityVariable);
        var clientId = Env(new Option<string?>("--client-id") { Description = $"The client of the login to forget (env {LoginSettings.ClientIdVariable})" }, LoginSettings.ClientIdVariable);
        var command = new Command("logout",
            $"Forget the token of a login (with neither --authority nor --client-id, and neither {LoginSettings.AuthorityVariable} nor {LoginSettings.ClientIdVariable} set: of every login)")
            { authority, clientId };
        command.SetAction(parse =>
        {
            var (a, c) = (parse.GetValue(authority), parse.GetValue(clientId));
            if (a is not null && c is not null)
            {
                parse.InvocationConfiguration.Output.WriteLine(TokenCache.Remove(a, c) ? $"Forgot the login to {a} (client {c})." : $"No login to {a} (client {c}) is kept.");
            }
            else if (a is not null || c is not null)
            {
                parse.InvocationConfiguration.Error.WriteLine("mlledger logout: give both --authority and --client-id to forget one login, or neither to forget every login.");
                return ExitCodes.UsageOrConnection;
            }
            else
            {
                parse.InvocationConfiguration.Output.WriteLine($"Forgot {TokenCache.RemoveAll()} login(s).");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<CachedLogin> LogInAsync(CachedLogin settings, bool device, TextWriter error, CancellationToken ct)
    {
        using var provider = new ProviderClient(settings.Authority, settings.AuthorityCa, TimeProvider.System);
        var secret = LoginSettings.Secret(settings.SecretFile);
        if (!device && secret is not null)
        {
            var issued = await provider.ClientCredentialsAsync(settings.ClientId, secret, settings.Scope, settings.Resource, ct);
            return settings with { AccessToken = issued.AccessToken, ExpiresAt = issued.ExpiresAt, RefreshToken = issued.RefreshToken };
        }

        var scope = settings.Scope ?? "openid offline_access";
        var token = await provider.DeviceAsync(settings.ClientId, secret, scope, settings.Resource, signIn =>
        {
            error.WriteLine($"To sign in, open {signIn.VerificationUri} and enter the code {signIn.UserCode}");
            if (signIn.VerificationUriComplete is { } complete)
            {
                error.WriteLine($"  (or open {complete})");
            }

            error.WriteLine($"Waiting for the sign-in (the code expires in {(int)Math.Ceiling(signIn.ExpiresIn.TotalMinutes)} minutes) ...");
        }, ct);
        return settings with
        {
            Grant = CachedLogin.DeviceCode, Scope = scope, SecretFile = null,
            AccessToken = token.AccessToken, ExpiresAt = token.ExpiresAt, RefreshToken = token.RefreshToken,
        };
    }

    private static string? Usage(string? authority, string? clientId)
    {
        if (string.IsNullOrWhiteSpace(authority) || string.IsNullOrWhiteSpace(clientId))
        {
            return $"give the provider and this client: --authority and --client-id (or {LoginSettings.AuthorityVariable} and {LoginSettings.ClientIdVariable})";
        }

        return Uri.TryCreate(authority.Trim(), UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps
            ? null
            : $"--authority must be an https:// URL (got '{authority}'): tokens and secrets travel over TLS only";
    }

    /// <summary>" as SUBJECT" for a JWT access token (read, not checked: the ledger checks it), else nothing.</summary>
    private static string Subject(string accessToken)
    {
        try
        {
            return new JsonWebToken(accessToken).Subject is { Length: > 0 } subject ? $" as {subject}" : "";
        }
        catch (ArgumentException)
        {
            return "";
        }
    }

    private static string Expiry(CachedLogin login) => login.ExpiresAt is { } expires
        ? $"expires at {expires.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC and is renewed " +
          (login.RefreshToken is not null ? "with the refresh token" : login.Grant == CachedLogin.ClientCredentials ? "with the client secret" : "by signing in again")
        : "has no stated expiry";

    private static Option<string?> Env(Option<string?> option, string variable)
    {
        option.DefaultValueFactory = _ => LoginSettings.Value(variable);
        return option;
    }
}
