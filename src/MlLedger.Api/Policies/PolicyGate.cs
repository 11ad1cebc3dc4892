using Marten;
using MlLedger.Domain.Policies;
using MlLedger.Policies;
using MlLedger.Policies.Evaluating;

namespace MlLedger.Api.Policies;

/// <summary>The loaded policy set, and the one way the API takes a policy decision: gather facts, then evaluate.</summary>
internal sealed class PolicyGate(PolicySet policies)
{
    public PolicySet Policies { get; } = policies;

    /// <returns>Null when the model version is not registered.</returns>
    public async Task<(PolicyFacts Facts, PolicyDecision Decision)?> Decide(
        IQuerySession session, string model, string version, PolicyRequestFacts request, IReadOnlyList<StreamEvent>? promotion,
        CancellationToken ct)
    {
        var facts = await new PolicyFactGatherer(session, beforeSeq: null, ct, lockForDecision: true).Gather(model, version, request, promotion);
        return facts is null ? null : (facts, PolicyEngine.Evaluate(Policies, facts));
    }
}
