using System.Security.Claims;
using System.Text.Json;

namespace MlLedger.Api.Auth;

/// <summary>
/// The identity the ledger records and compares, made from a token whose signature and claims were validated: the
/// issuer and the canonical subject, and the roles found where <see cref="ClaimMapping"/> says. The principal holds
/// these claims only (<c>iss</c>, <c>sub</c>, <c>roles</c>), so no other claim of the token can pass for a role or a
/// subject.
/// </summary>
internal static class TokenIdentity
{
    public const string IssuerClaim = "iss";
    public const string SubjectClaim = "sub";
    public const string RoleClaim = "roles";

    /// <summary>More role names than this in one token grant nothing: each approval records the approver's roles.</summary>
    public const int MaxRoles = 256;

    /// <summary>The principal's identity, or why the token identifies nobody; <paramref name="rolesNote"/> says why its roles claim granted nothing.</summary>
    public static (ClaimsIdentity? Identity, TokenRefusal? Refusal) From(JsonElement payload, ClaimMapping mapping, string authenticationType,
        out string? rolesNote)
    {
        rolesNote = null;
        if (!payload.TryGetProperty(SubjectClaim, out var sub) || sub.ValueKind != JsonValueKind.String)
        {
            return (null, new TokenRefusal(TokenRefusals.SubjectMissing, "The token has no subject (sub): it identifies nobody."));
        }

        var subject = Text(sub);
        var problem = subject is null ? "holds an unpaired surrogate" : CanonicalNames.Problem(subject, CanonicalNames.MaxSubjectBytes);
        if (problem is not null)
        {
            return (null, new TokenRefusal(TokenRefusals.SubjectNotCanonical,
                $"The token's subject (sub) {problem}; the ledger records identities exactly and refuses a subject it would have to alter."));
        }

        var issuer = payload.TryGetProperty(IssuerClaim, out var iss) ? Text(iss) : null;
        if (issuer is null)
        {
            return (null, new TokenRefusal(TokenRefusals.WrongIssuer, "The token has no issuer (iss)."));
        }

        var identity = new ClaimsIdentity(authenticationType, SubjectClaim, RoleClaim);
        identity.AddClaim(new Claim(IssuerClaim, issuer));
        identity.AddClaim(new Claim(SubjectClaim, Canonical(subject!, mapping.SubjectCase)));
        foreach (var role in Roles(payload, mapping, out rolesNote))
        {
            identity.AddClaim(new Claim(RoleClaim, role));
        }

        return (identity, null);
    }

    /// <summary>The identity compared and recorded: the subject itself, or its invariant lowercase for a case-insensitive issuer.</summary>
    public static string Canonical(string subject, SubjectCase rule) =>
        rule == SubjectCase.Insensitive ? subject.ToLowerInvariant() : subject;

    /// <summary>The roles the mapped claim grants: all of them when it has the configured shape, none otherwise.</summary>
    public static IReadOnlyList<string> Roles(JsonElement payload, ClaimMapping mapping, out string? note)
    {
        note = null;
        var claim = payload;
        foreach (var name in mapping.RolesClaimPath())
        {
            if (claim.ValueKind != JsonValueKind.Object || !claim.TryGetProperty(name, out claim))
            {
                return [];
            }
        }

        List<string?> names;
        if (mapping.RolesFormat == RolesFormat.Array)
        {
            if (claim.ValueKind != JsonValueKind.Array || claim.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
            {
                note = claim.ValueKind == JsonValueKind.Array
                    ? $"the roles claim {mapping.RolesClaim} is an array with an element that is not a string"
                    : $"the roles claim {mapping.RolesClaim} is {Kind(claim)}, not an array of strings";
                return [];
            }

            names = [.. claim.EnumerateArray().Select(Text)];
        }
        else
        {
            if (claim.ValueKind != JsonValueKind.String)
            {
                note = $"the roles claim {mapping.RolesClaim} is {Kind(claim)}, not a space-separated string";
                return [];
            }

            names = Text(claim) is { } text ? [.. text.Split(' ', StringSplitOptions.RemoveEmptyEntries)] : [null];
        }

        if (names.Count > MaxRoles)
        {
            note = $"the roles claim {mapping.RolesClaim} names more than {MaxRoles} roles";
            return [];
        }

        var problem = names.Select(n => n is null ? "holds an unpaired surrogate" : CanonicalNames.Problem(n, CanonicalNames.MaxRoleBytes))
            .FirstOrDefault(p => p is not null);
        if (problem is not null)
        {
            note = $"a role name in {mapping.RolesClaim} {problem}";
            return [];
        }

        return [.. names.OfType<string>().Distinct(StringComparer.Ordinal)];
    }

    /// <summary>A JSON string's text, or null when it escapes an unpaired surrogate (which no .NET string decodes to).</summary>
    private static string? Text(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        var kind => $"a {kind.ToString().ToLowerInvariant()}",
    };
}
