namespace MlLedger.Api.Auth;

/// <summary>Whether subjects that differ only in letter case are one identity. Per issuer; OIDC subjects are case-sensitive.</summary>
public enum SubjectCase
{
    /// <summary>"Alice" and "alice" are two identities (OpenID Connect: <c>sub</c> is a case-sensitive string).</summary>
    Sensitive,

    /// <summary>"Alice" and "alice" are one identity, recorded and compared in invariant lowercase.</summary>
    Insensitive,
}

/// <summary>How the roles claim is written by the identity provider.</summary>
public enum RolesFormat
{
    /// <summary>A JSON array of strings: <c>["pipeline","approver"]</c>.</summary>
    Array,

    /// <summary>One JSON string of names separated by spaces, like OAuth's <c>scope</c>: <c>"pipeline approver"</c>.</summary>
    SpaceSeparated,
}

/// <summary>
/// Where a validated token's roles are and how its subject is compared. The claim is a top-level claim name taken
/// literally (<c>roles</c>, <c>groups</c>, <c>https://example.com/roles</c>), or, starting with <c>/</c>, a JSON Pointer
/// (RFC 6901) into the payload (<c>/realm_access/roles</c>, <c>/resource_access/mlledger/roles</c>). A claim of any other
/// shape than <see cref="RolesFormat"/> grants no role at all.
/// </summary>
public sealed record ClaimMapping
{
    public const string DefaultRolesClaim = "roles";

    public string RolesClaim { get; init; } = DefaultRolesClaim;
    public RolesFormat RolesFormat { get; init; } = RolesFormat.Array;
    public SubjectCase SubjectCase { get; init; } = SubjectCase.Sensitive;

    public static ClaimMapping Default { get; } = new();

    /// <summary>The path of <see cref="RolesClaim"/>: one name, or the unescaped reference tokens of its JSON Pointer.</summary>
    /// <exception cref="AuthConfigurationException">The claim is empty or not a valid JSON Pointer.</exception>
    public IReadOnlyList<string> RolesClaimPath()
    {
        if (string.IsNullOrEmpty(RolesClaim))
        {
            throw new AuthConfigurationException("the roles claim (--jwt-roles-claim) is empty");
        }

        if (RolesClaim[0] != '/')
        {
            return [RolesClaim];
        }

        var tokens = RolesClaim[1..].Split('/');
        foreach (var token in tokens)
        {
            for (var i = token.IndexOf('~'); i >= 0; i = token.IndexOf('~', i + 1))
            {
                if (i + 1 >= token.Length || token[i + 1] is not ('0' or '1'))
                {
                    throw new AuthConfigurationException(
                        $"the roles claim '{RolesClaim}' is not a JSON Pointer: '~' must be followed by 0 or 1 (RFC 6901)");
                }
            }
        }

        return [.. tokens.Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))];
    }

    /// <exception cref="AuthConfigurationException">Not <c>array</c> or <c>space-separated</c>.</exception>
    public static RolesFormat ParseRolesFormat(string text) => text switch
    {
        "array" => RolesFormat.Array,
        "space-separated" => RolesFormat.SpaceSeparated,
        _ => throw new AuthConfigurationException($"--jwt-roles-format must be 'array' or 'space-separated', not '{text}'"),
    };

    /// <exception cref="AuthConfigurationException">Not <c>sensitive</c> or <c>insensitive</c>.</exception>
    public static SubjectCase ParseSubjectCase(string text) => text switch
    {
        "sensitive" => SubjectCase.Sensitive,
        "insensitive" => SubjectCase.Insensitive,
        _ => throw new AuthConfigurationException($"--jwt-subject-case must be 'sensitive' or 'insensitive', not '{text}'"),
    };
}
