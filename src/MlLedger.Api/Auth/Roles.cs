using Microsoft.AspNetCore.Authorization;

namespace MlLedger.Api.Auth;

/// <summary>Role claims (<c>roles</c>) a token may carry. Policies may name further approver roles, e.g. risk-officer.</summary>
public static class Roles
{
    public const string Pipeline = "pipeline";
    public const string Approver = "approver";
    public const string Auditor = "auditor";
    public const string Admin = "admin";
}

/// <summary>The authorization policies endpoints use. Every endpoint names one; anything unnamed needs a valid token.</summary>
public static class LedgerPolicies
{
    /// <summary>Register datasets, model versions, evaluations; record deployments.</summary>
    public const string PipelineWrite = "pipeline-write";

    /// <summary>Request or withdraw a promotion.</summary>
    public const string RequestPromotion = "request-promotion";

    /// <summary>Withdraw a promotion: its requester (checked by the rules) or an admin.</summary>
    public const string Withdraw = "withdraw";

    /// <summary>Approve or reject a promotion.</summary>
    public const string Approve = "approve";

    /// <summary>Ask the policies for a decision (a pipeline's dry run), recorded in the decision log.</summary>
    public const string PolicyCheck = "policy-check";

    /// <summary>Read entities, entries and keys.</summary>
    public const string Read = "read";

    /// <summary>Verify streams against the key ring.</summary>
    public const string Audit = "audit";

    /// <summary>Operate the ledger: rotate its signing key.</summary>
    public const string Administer = "administer";

    public static void Add(AuthorizationOptions options)
    {
        options.AddPolicy(PipelineWrite, p => p.RequireAuthenticatedUser().RequireRole(Roles.Pipeline));
        options.AddPolicy(RequestPromotion, p => p.RequireAuthenticatedUser().RequireRole(Roles.Pipeline, Roles.Approver));
        options.AddPolicy(Withdraw, p => p.RequireAuthenticatedUser().RequireRole(Roles.Pipeline, Roles.Approver, Roles.Admin));
        options.AddPolicy(Approve, p => p.RequireAuthenticatedUser().RequireRole(Roles.Approver));
        options.AddPolicy(PolicyCheck, p => p.RequireAuthenticatedUser().RequireRole(Roles.Pipeline));
        options.AddPolicy(Read, p => p.RequireAuthenticatedUser().RequireRole(Roles.Pipeline, Roles.Approver, Roles.Auditor, Roles.Admin));
        options.AddPolicy(Audit, p => p.RequireAuthenticatedUser().RequireRole(Roles.Auditor, Roles.Admin));
        options.AddPolicy(Administer, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin));
        options.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
    }
}
