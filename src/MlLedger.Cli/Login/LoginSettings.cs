namespace MlLedger.Cli.Login;

/// <summary>
/// The environment of <c>mlledger login</c> and of the commands that use its tokens: a pipeline sets these once for
/// the job. The client secret is never a command-line value, which every user of the machine could read (ps).
/// </summary>
internal static class LoginSettings
{
    public const string AuthorityVariable = "MLLEDGER_AUTHORITY";
    public const string ClientIdVariable = "MLLEDGER_CLIENT_ID";
    public const string SecretVariable = "MLLEDGER_CLIENT_SECRET";
    public const string SecretFileVariable = "MLLEDGER_CLIENT_SECRET_FILE";

    public static string? Authority => Value(AuthorityVariable);

    public static string? ClientId => Value(ClientIdVariable);

    /// <summary>The client secret: MLLEDGER_CLIENT_SECRET, else the first line of <paramref name="file"/>; null when neither is given.</summary>
    public static string? Secret(string? file)
    {
        if (Value(SecretVariable) is { } secret)
        {
            return secret;
        }

        if (file is null)
        {
            return null;
        }

        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LoginException($"the client secret file {file} cannot be read: {e.Message}");
        }

        return text.Split('\n')[0].TrimEnd('\r').Trim() is { Length: > 0 } line
            ? line
            : throw new LoginException($"the client secret file {file} is empty");
    }

    /// <summary>An environment variable that is set but empty counts as not set.</summary>
    public static string? Value(string variable) =>
        Environment.GetEnvironmentVariable(variable)?.Trim() is { Length: > 0 } value ? value : null;
}
