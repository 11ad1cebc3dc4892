using MlLedger.Api.Auth;
using MlLedger.Api.Http;
using MlLedger.Api.Ledger;

namespace MlLedger.Api.Policies;

/// <summary>The loaded policy set as the API shows it: digest, policies and files.</summary>
public sealed record PolicySetView(string Digest, IReadOnlyList<PolicyView> Policies, IReadOnlyList<PolicyFileView> Files);

public sealed record PolicyView(string Id, string Version, string File, IReadOnlyList<string> Stages, IReadOnlyList<string> Rules);

public sealed record PolicyFileView(string Name, string Sha256);

internal static class PolicyEndpoints
{
    public static void MapPolicies(this WebApplication app)
    {
        var group = app.MapGroup("/v1/policy").WithTags("Policies");
        group.MapPost("/check", Checking.Handle).RequireAuthorization(LedgerPolicies.PolicyCheck)
            .Validates<PolicyCheckRequest>().Produces<PolicyCheckResponse>()
            .WithSummary("Dry run for pipelines: the policy decision for a model version and a target stage or environment, recorded in the decision log.");
        group.MapGet("/set", (PolicyGate gate) => TypedResults.Ok(View(gate))).RequireAuthorization(LedgerPolicies.Read)
            .WithSummary("The policy set in force: its digest, policies and files.");
        group.MapGet("/decisions/{seq:long}/replay", Replaying.Handle).RequireAuthorization(LedgerPolicies.Audit).CapConcurrency().Refuses(400, 404, 409)
            .Produces<DecisionReplay>()
            .WithSummary("Re-evaluate a past decision entry with the policy set of its digest and the facts as of that entry.");
    }

    private static PolicySetView View(PolicyGate gate)
    {
        var set = gate.Policies;
        return new PolicySetView(
            set.Digest,
            [.. set.Policies.Select(p => new PolicyView(p.Id, p.Version, p.File, p.AppliesTo.Stages, [.. p.Rules.Select(r => $"{r.Id} ({r.Kind})")]))],
            [.. set.Files.Select(f => new PolicyFileView(f.Name, f.Sha256))]);
    }
}
