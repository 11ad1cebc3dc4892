using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Mvc;

namespace MlLedger.Api.Auth;

/// <summary>
/// Wires the ledger's token rules into JwtBearer: its token handler (<see cref="LedgerTokenHandler"/>), and a 401 that
/// says why, as an RFC 9457 problem with a <c>code</c>, in the <c>WWW-Authenticate</c> header (RFC 6750) and in the log.
/// </summary>
internal static partial class BearerTokenRules
{
    private const string LogCategory = "MlLedger.Api.Auth.BearerTokens";

    public static void UseLedgerTokenRules(this JwtBearerOptions options, ClaimMapping mapping)
    {
        options.TokenHandlers.Clear();
        options.TokenHandlers.Add(new LedgerTokenHandler(mapping));
        options.Events ??= new JwtBearerEvents();
        var validated = options.Events.OnTokenValidated;
        options.Events.OnTokenValidated = async context =>
        {
            await validated(context);
            if (context.Principal?.Identity is LedgerIdentity { RolesNote: { } note } identity)
            {
                var logger = Logger(context.HttpContext);
                var issuer = identity.FindFirst(TokenIdentity.IssuerClaim)?.Value;
                GrantsNoRole(logger, issuer, identity.Name, note);
            }
        };
        var challenge = options.Events.OnChallenge;
        options.Events.OnChallenge = async context =>
        {
            await challenge(context);
            if (!context.Handled)
            {
                await Challenge(context);
            }
        };
    }

    private static async Task Challenge(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var http = context.HttpContext;
        var failure = context.AuthenticateFailure;
        var refusal = failure is null ? TokenRefusals.MissingToken : TokenRefusals.Of(failure);
        var logger = Logger(http);
        if (failure is null)
        {
            NoToken(logger, http.Request.Method, http.Request.Path);
        }
        else
        {
            var level = refusal.Code == TokenRefusals.UnknownKey ? LogLevel.Warning : LogLevel.Information;
            var cause = Innermost(failure).GetType().Name;
            Refused(logger, level, http.Request.Method, http.Request.Path, refusal.Code, refusal.Detail, cause);
        }

        http.Response.StatusCode = StatusCodes.Status401Unauthorized;
        // RFC 6750 §3: no error code when the request carried no token; error_description allows printable ASCII but " and \
        http.Response.Headers.WWWAuthenticate = failure is null
            ? "Bearer"
            : $"Bearer error=\"invalid_token\", error_description=\"{new string(refusal.Detail.Where(c => c is >= ' ' and <= '~' and not '"' and not '\\').ToArray())}\"";
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status401Unauthorized,
            Title = "Unauthorized",
            Detail = refusal.Detail,
            Type = $"https://mlledger.dev/problems/{refusal.Code}",
            Extensions = { ["code"] = refusal.Code },
        };
        await http.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem });
    }

    private static Exception Innermost(Exception e) => e is AggregateException { InnerExceptions: [var only] } ? Innermost(only) : e;

    private static ILogger Logger(HttpContext http) => http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(LogCategory);

    [LoggerMessage(Level = LogLevel.Information, Message = "The token of {Issuer} {Subject} grants no role: {Why}")]
    private static partial void GrantsNoRole(ILogger logger, string? issuer, string? subject, string why);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refused {Method} {Path}: no bearer token")]
    private static partial void NoToken(ILogger logger, string method, PathString path);

    [LoggerMessage(Message = "Refused a bearer token on {Method} {Path}: {Code}: {Detail} ({Failure})")]
    private static partial void Refused(ILogger logger, LogLevel level, string method, PathString path, string code, string detail, string failure);
}
