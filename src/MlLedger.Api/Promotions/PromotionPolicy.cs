using JasperFx.Events;
using MlLedger.Api.Ledger;
using MlLedger.Api.Policies;
using MlLedger.Domain;
using MlLedger.Domain.Policies;
using MlLedger.Domain.Promotions;
using MlLedger.Integrity.Statements;

namespace MlLedger.Api.Promotions;

/// <summary>
/// After a promotion is requested or approved: evaluate the policies on its state including what is about to be
/// appended, record the decision as a signed PolicyEvaluated entry, and complete the promotion if it is allowed.
/// </summary>
internal static class PromotionPolicy
{
    /// <returns>All events to append to the promotion stream: <paramref name="decided"/> then the evaluation's.</returns>
    public static async Task<IReadOnlyList<object>> Evaluate(
        WriteContext ledger, PolicyGate gate, IEventStream<Promotion> stream, Promotion before, IReadOnlyList<object> decided)
    {
        var start = stream.StartingVersion ?? 0;
        var gatherer = new PolicyFactGatherer(ledger.Session, beforeSeq: null, ledger.Cancellation, lockForDecision: true);
        var state = decided.Aggregate(before, Promotion.Evolve);
        // a decision that completes the promotion appends the stage change to the model version: lock it exclusively
        // too, so that decisions on competing promotions of one version queue up instead of each holding a shared lock
        // on it and deadlocking on the append. The model version comes first, as in every decision's gathering (model
        // version, then its promotion), so that a decision and a policy check never wait for each other in a circle.
        await gatherer.Load(StreamKeys.ModelVersion(state.Model, state.Version), forWriting: true);
        var stored = await gatherer.Load(stream.Key!, forWriting: true);
        var events = stored.Where(e => e.Version <= start)
            .Concat(decided.Select((data, i) => new StreamEvent(start + i + 1, data)))
            .ToList();

        var request = new PolicyRequestFacts(PolicyRequestKinds.Promotion, StageNames.Of(state.TargetStage), Environment: null,
            state.RequestedBy, ArtifactSha256: null, ledger.Now);
        var taken = await gate.Decide(ledger.Session, state.Model, state.Version, request, events, ledger.Cancellation)
            ?? throw new DomainRejection("model-version-not-found", $"Model version {state.ModelVersionId} is not registered.");
        var evaluation = PromotionDecider.Decide(new RecordPolicyEvaluation(taken.Facts, taken.Decision, ledger.Now), state);
        return [.. decided, .. evaluation];
    }

    public static StatementSubject Subject(Promotion promotion) =>
        Models.ModelEndpoints.Subject(promotion.Model, promotion.Version, promotion.ArtifactSha256);
}
