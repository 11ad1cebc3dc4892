using Microsoft.IdentityModel.Tokens;

namespace MlLedger.Api.Auth;

/// <summary>
/// Why a bearer token was refused, as the 401 problem's <c>code</c> and <c>detail</c> and the log say it. The detail
/// names the rule the token broke and nothing the ledger was configured with (no expected issuer, audience or key):
/// a caller with a genuine token learns what to fix, a forger learns nothing the public documentation does not say.
/// </summary>
internal static class TokenRefusals
{
    public const string Missing = "token-missing";
    public const string Malformed = "token-malformed";
    public const string DuplicateKey = "token-duplicate-key";
    public const string CriticalHeader = "token-critical-header";
    public const string AlgorithmNotAllowed = "token-algorithm-not-allowed";
    public const string UnknownKey = "token-unknown-key";
    public const string BadSignature = "token-bad-signature";
    public const string WrongIssuer = "token-wrong-issuer";
    public const string WrongAudience = "token-wrong-audience";
    public const string Expired = "token-expired";
    public const string NotYetValid = "token-not-yet-valid";
    public const string NoExpiry = "token-no-expiry";
    public const string SubjectMissing = "token-subject-missing";
    public const string SubjectNotCanonical = "token-subject-not-canonical";
    public const string Invalid = "token-invalid";

    public static TokenRefusal MissingToken { get; } =
        new(Missing, "The request carries no bearer token (Authorization: Bearer <token>).");

    public static TokenRefusal AlgorithmRefused { get; } = new(AlgorithmNotAllowed,
        "The token's signature algorithm is not accepted (asymmetric algorithms only: ES256/384/512, RS256/384/512, PS256/384/512).");

    /// <summary>The refusal for a failed validation: the ledger's own, or the token library's exception translated.</summary>
    public static TokenRefusal Of(Exception failure) => failure switch
    {
        TokenRefusedException refused => refused.Refusal,
        AggregateException { InnerExceptions: [var only] } => Of(only),
        SecurityTokenExpiredException => new(Expired, "The token has expired."),
        SecurityTokenNotYetValidException => new(NotYetValid, "The token is not valid yet (nbf is in the future)."),
        SecurityTokenNoExpirationException => new(NoExpiry, "The token has no expiry (exp)."),
        SecurityTokenInvalidAudienceException => new(WrongAudience, "The token was issued for another audience."),
        SecurityTokenInvalidIssuerException => new(WrongIssuer, "The token's issuer is not one this ledger trusts."),
        SecurityTokenInvalidAlgorithmException => AlgorithmRefused,
        SecurityTokenSignatureKeyNotFoundException => new(UnknownKey, "The token names a signing key (kid) that no trusted issuer has."),
        SecurityTokenInvalidSignatureException => new(BadSignature, "The token's signature does not verify."),
        SecurityTokenMalformedException or ArgumentException => new(Malformed, "The token is not a well-formed signed JWT."),
        _ => new(Invalid, "The token is not valid."),
    };
}

/// <summary>A refusal: the machine-readable code and the sentence a caller reads.</summary>
internal sealed record TokenRefusal(string Code, string Detail);

/// <summary>A token the ledger's own rules refuse; the token library's validation hands it to the bearer handler as its failure.</summary>
internal sealed class TokenRefusedException(TokenRefusal refusal) : SecurityTokenValidationException(refusal.Detail)
{
    public TokenRefusal Refusal { get; } = refusal;
}
