using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace MlLedger.Api.Auth;

/// <summary>
/// The token library's validation between the ledger's two checks: first the token's shape as the ledger reads it
/// (<see cref="TokenShape"/>: one reading only, no critical extension, typed claims), then signature, issuer, audience
/// and lifetime by the library, then the identity (<see cref="TokenIdentity"/>: canonical subject, mapped roles). The
/// principal a request gets is the ledger's identity, not the library's claims.
/// </summary>
internal sealed class LedgerTokenHandler : JsonWebTokenHandler
{
    private readonly ClaimMapping _mapping;

    public LedgerTokenHandler(ClaimMapping mapping)
    {
        _mapping = mapping;
        MapInboundClaims = false;
        _ = mapping.RolesClaimPath(); // a roles claim that is no JSON Pointer stops start-up
    }

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var (header, payload, refusal) = TokenShape.Read(token);
        if (refusal is not null)
        {
            return Refused(refusal);
        }

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (!result.IsValid)
        {
            // without a kid the library tries every trusted key and calls a signature none of them verifies an
            // unknown key; the key is only unknown when the token names one
            return result.Exception is SecurityTokenSignatureKeyNotFoundException && !header.TryGetProperty("kid", out _)
                ? Refused(new TokenRefusal(TokenRefusals.BadSignature, "The token's signature does not verify."))
                : result;
        }

        var (identity, notCanonical) = TokenIdentity.From(payload, _mapping, result.ClaimsIdentity?.AuthenticationType ?? "Bearer", out var rolesNote);
        if (notCanonical is not null)
        {
            return Refused(notCanonical);
        }

        return new TokenValidationResult
        {
            IsValid = true,
            ClaimsIdentity = new LedgerIdentity(identity!, rolesNote),
            SecurityToken = result.SecurityToken,
            Issuer = result.Issuer,
            TokenType = result.TokenType,
        };
    }

    private static TokenValidationResult Refused(TokenRefusal refusal) =>
        new() { IsValid = false, Exception = new TokenRefusedException(refusal) };
}

/// <summary>The authenticated caller, with the reason its roles claim granted nothing (for the log), if it did not.</summary>
internal sealed class LedgerIdentity(ClaimsIdentity claims, string? rolesNote) : ClaimsIdentity(claims)
{
    public string? RolesNote { get; } = rolesNote;
}
