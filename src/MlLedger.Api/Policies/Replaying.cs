using System.Text.Json;
using Marten;
using MlLedger.Api.Entries;
using MlLedger.Api.Http;
using MlLedger.Api.Storage;
using MlLedger.Domain;
using MlLedger.Domain.Deployments;
using MlLedger.Domain.Policies;
using MlLedger.Domain.Promotions;
using MlLedger.Integrity.Signing;
using MlLedger.Policies;
using MlLedger.Policies.Documents;
using MlLedger.Policies.Evaluating;

namespace MlLedger.Api.Policies;

/// <summary>
/// The auditor's question about a past decision: evaluated again with the policy set of its digest (as published
/// in the ledger) on (1) the facts the entry recorded and (2) the facts rebuilt from the ledger as it stood just
/// before the entry — is the answer the same?
/// </summary>
public sealed record DecisionReplay(
    long Seq,
    string Stream,
    long Version,
    string EventType,
    bool EntryVerified,
    string PolicySetDigest,
    bool RecordedAllowed,
    string RecordedSummary,
    PolicyDecision? ReplayedOnRecordedFacts,
    PolicyDecision ReplayedOnLedgerFacts,
    bool FactsMatch,
    bool SameDecision,
    IReadOnlyList<string> Differences);

internal static class Replaying
{
    private static readonly JsonSerializerOptions Json = LedgerJson.Create();

    public static async Task<IResult> Handle(long seq, IQuerySession session, LedgerDatabase database, TrustedKeys trusted, CancellationToken ct)
    {
        var row = await session.Events.QueryAllRawEvents().Where(e => e.Sequence == seq).SingleOrDefaultAsync(ct);
        if (row is null || row.StreamKey == LedgerDatabase.TombstoneStream)
        {
            return Problems.NotFound($"Entry {seq}");
        }

        var recorded = Recorded(row.Data);
        if (recorded is null)
        {
            return Problems.Of(StatusCodes.Status400BadRequest, "not-a-decision",
                $"Entry {seq} ({row.EventTypeName}) records no policy decision.");
        }

        var (decision, facts, request, promotionStream) = recorded.Value;
        var published = await PublishedSet(session, decision.PolicySetDigest, ct);
        if (published is null)
        {
            return Problems.Of(StatusCodes.Status409Conflict, "policy-set-not-published",
                $"No PolicySetPublished entry holds policy set {decision.PolicySetDigest}.");
        }

        PolicySet set;
        try
        {
            set = PolicySet.FromPublished(published);
        }
        catch (PolicyLoadException e)
        {
            return Problems.Of(StatusCodes.Status409Conflict, "policy-set-unreadable",
                $"Policy set {decision.PolicySetDigest} as published cannot be rebuilt: {e.Message}");
        }

        // the promotion the decision looked at: its own, or the one its facts name (not whatever is pending today)
        promotionStream ??= facts?.Promotion is { } seen ? StreamKeys.Promotion(seen.Id) : null;
        var gatherer = new PolicyFactGatherer(session, beforeSeq: seq, ct);
        var promotion = promotionStream is null ? null : await gatherer.Load(promotionStream);
        var (model, version) = ModelVersionIds.Parse(decision.ModelVersionId);
        var rebuilt = await gatherer.Gather(model, version, request, promotion);
        if (rebuilt is null)
        {
            return Problems.Of(StatusCodes.Status409Conflict, "facts-unavailable",
                $"{decision.ModelVersionId} was not registered before entry {seq}.");
        }

        var onRecorded = facts is null ? null : PolicyEngine.Evaluate(set, facts);
        var onLedger = PolicyEngine.Evaluate(set, rebuilt);
        var differences = Differences(decision, onLedger).Concat(onRecorded is null ? [] : Differences(decision, onRecorded)).Distinct().ToList();
        // the entry's stream is verified up to the entry (what comes after it cannot change its result), a page at a time
        var entryVerified = false;
        await foreach (var (_, entry) in StreamsVerification.Verify(database, trusted, row.StreamKey!, ct))
        {
            if (entry.Seq == seq)
            {
                entryVerified = entry.IsValid;
                break;
            }
        }

        return TypedResults.Ok(new DecisionReplay(
            seq, row.StreamKey!, row.Version, row.EventTypeName, entryVerified, decision.PolicySetDigest, decision.Allowed, decision.Summary,
            onRecorded, onLedger,
            FactsMatch: facts is null || Same(facts, rebuilt),
            SameDecision: Same(decision, onLedger) && (onRecorded is null || Same(decision, onRecorded)),
            differences));
    }

    /// <summary>The decision an entry recorded, the facts it recorded (if any), and how to rebuild them.</summary>
    private static (PolicyDecision, PolicyFacts?, PolicyRequestFacts, string? PromotionStream)? Recorded(object data) => data switch
    {
        PolicyEvaluated e => (e.Decision, e.Facts, e.Facts.Request, StreamKeys.Promotion(e.PromotionId)),
        PolicyCheckPerformed e => (e.Decision, e.Facts, e.Facts.Request, null),
        DeploymentRecorded { Decision: { } d } e => (d, e.Facts, e.Facts?.Request ??
            new PolicyRequestFacts(PolicyRequestKinds.Deployment, d.TargetStage, e.Environment, e.DeployedBy, e.ArtifactSha256, e.DeployedAt), null),
        DeploymentBlocked { Decision: { } d } e => (d, e.Facts, e.Facts?.Request ??
            new PolicyRequestFacts(PolicyRequestKinds.Deployment, d.TargetStage, e.Environment, e.AttemptedBy, e.ArtifactSha256, e.AttemptedAt), null),
        _ => null,
    };

    private static async Task<PolicySetPublished?> PublishedSet(IQuerySession session, string digest, CancellationToken ct)
    {
        var events = await session.Events.FetchStreamAsync(StreamKeys.PolicySets, token: ct);
        return events.Select(e => e.Data).OfType<PolicySetPublished>().FirstOrDefault(p => p.Digest == digest);
    }

    private static IEnumerable<string> Differences(PolicyDecision recorded, PolicyDecision replayed)
    {
        if (recorded.Allowed != replayed.Allowed)
        {
            yield return $"recorded {(recorded.Allowed ? "allowed" : "denied")}, replayed {(replayed.Allowed ? "allowed" : "denied")}";
        }

        var before = recorded.Rules.ToDictionary(r => $"{r.Policy}/{r.Rule}", StringComparer.Ordinal);
        foreach (var rule in replayed.Rules)
        {
            var name = $"{rule.Policy}/{rule.Rule}";
            if (!before.Remove(name, out var old))
            {
                yield return $"{name}: not in the recorded decision";
            }
            else if (old.Outcome != rule.Outcome || old.Reason != rule.Reason)
            {
                yield return $"{name}: recorded {old.Outcome} ({old.Reason}), replayed {rule.Outcome} ({rule.Reason})";
            }
        }

        foreach (var name in before.Keys)
        {
            yield return $"{name}: recorded but not evaluated on replay";
        }
    }

    private static bool Same<T>(T a, T b) =>
        JsonSerializer.Serialize(a, Json) == JsonSerializer.Serialize(b, Json);
}
