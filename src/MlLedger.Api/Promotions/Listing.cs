using System.Security.Claims;
using Marten;
using MlLedger.Api.Http;
using MlLedger.Api.Ledger;
using MlLedger.Api.Policies;
using MlLedger.Domain;
using MlLedger.Domain.Policies;
using MlLedger.Domain.Promotions;

namespace MlLedger.Api.Promotions;

/// <summary>A rule of the latest policy decision that does not pass yet, with its reason.</summary>
public sealed record FailingRule(string Policy, string Rule, string Kind, string Reason);

/// <summary>The latest policy decision in short: allowed or not, its summary, and the rules still failing.</summary>
public sealed record DecisionSummary(bool Allowed, string Summary, string PolicySetDigest, IReadOnlyList<FailingRule> Failing)
{
    public static DecisionSummary? Of(PolicyDecision? decision) =>
        decision is null ? null : new(decision.Allowed, decision.Summary, decision.PolicySetDigest,
            decision.Failures.Select(r => new FailingRule(r.Policy, r.Rule, r.Kind, r.Reason)).ToList());
}

/// <summary>One promotion in a list: what an approver needs to decide whether to open it.</summary>
public sealed record PromotionSummary(
    string Id, string Status, string Model, string Version, string ArtifactSha256, Stage TargetStage, string? RequestedBy,
    DateTimeOffset? RequestedAt, long AgeSeconds, IReadOnlyList<ApprovalDecision> Decisions, DecisionSummary? Decision);

/// <summary>Which promotions to list; <see cref="AwaitingMe"/>: only those the caller may still decide.</summary>
internal sealed record PromotionFilter(PromotionStatus? Status, string? Model, Stage? TargetStage, bool AwaitingMe)
{
    public static bool TryRead(string? status, string? model, string? targetStage, string? awaiting, IDictionary<string, string[]> errors,
        out PromotionFilter filter)
    {
        PromotionStatus? wanted = null;
        if (status is not null)
        {
            var parsed = Enum.GetValues<PromotionStatus>().Where(s => s != PromotionStatus.None)
                .FirstOrDefault(s => string.Equals(s.ToString().ToLowerInvariant(), status, StringComparison.Ordinal));
            if (parsed != PromotionStatus.None)
            {
                wanted = parsed;
            }
            else
            {
                errors["status"] = ["'status' must be one of: pending, approved, rejected, withdrawn."];
            }
        }

        Stage? stage = null;
        if (targetStage is not null)
        {
            if (StageNames.TryParse(targetStage, out var parsed) && parsed != Stage.None)
            {
                stage = parsed;
            }
            else
            {
                errors["targetStage"] = ["'targetStage' must be one of: staging, production."];
            }
        }

        if (model is { Length: 0 })
        {
            errors["model"] = ["'model' must not be empty."];
        }

        if (awaiting is not null and not "me")
        {
            errors["awaiting"] = ["'awaiting' takes one value: me."];
        }

        filter = new PromotionFilter(wanted, model, stage, awaiting is "me");
        return errors.Count == 0;
    }
}

/// <summary>
/// <c>GET /v1/promotions</c>: newest request first, keyset-paged on (requested at, id). With <c>awaiting=me</c>: pending
/// promotions the caller may still decide and whose decision waits on someone like them (<see cref="Inbox"/>).
/// </summary>
internal static class Listing
{
    public const string List = "promotions";

    /// <summary>The most promotions one page looks at to fill itself with those awaiting the caller; past it the page is short but has a next.</summary>
    private const int MaxScanned = 5_000;

    public static async Task<IResult> Handle(string? status, string? model, string? targetStage, string? awaiting, string? cursor, string? limit,
        ClaimsPrincipal user, IQuerySession session, PolicyGate gate, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var valid = PromotionFilter.TryRead(status, model, targetStage, awaiting, errors, out var filter);
        if (!TimeKeyset.TryReadPage(List, cursor, limit, StreamKeys.Promotion(""), errors, out var size, out var from) || !valid)
        {
            return Problems.Invalid(errors, "query parameter(s) are invalid");
        }

        return TypedResults.Ok(await Query(session, filter, size, from, LedgerWriter.ActorOf(user), gate, clock.GetUtcNow(), ct));
    }

    /// <summary>One page of promotions; the console's inbox and list read it too.</summary>
    public static async Task<Page<PromotionSummary>> Query(IQuerySession session, PromotionFilter filter, int size,
        (DateTimeOffset At, string Id)? after, Actor caller, PolicyGate gate, DateTimeOffset now, CancellationToken ct)
    {
        var inbox = filter.AwaitingMe ? new Inbox(caller, gate.Policies) : null;
        if (inbox is { MayDecide: false })
        {
            return new Page<PromotionSummary>([], null);
        }

        var found = new List<Promotion>();
        var scanned = 0;
        Promotion? last = null;
        var batch = inbox is null ? size + 1 : Math.Min(Paging.MaxLimit, (size + 1) * 2);
        while (true)
        {
            var rows = await Filtered(session, filter, inbox is null ? null : caller.Id, after).Take(batch).ToListAsync(ct);
            scanned += rows.Count;
            foreach (var row in rows)
            {
                if (found.Count > size)
                {
                    break;
                }

                last = row;
                if (inbox is null || inbox.Awaits(row))
                {
                    found.Add(row);
                }
            }

            if (found.Count > size || rows.Count < batch)
            {
                return Paging.Of(List, found, size, p => Summary(p, now), Keys);
            }

            after = (last!.RequestedAt!.Value, last.Id);
            if (scanned >= MaxScanned)
            {
                // a short page: the next one goes on from the last promotion looked at
                return new Page<PromotionSummary>(found.Select(p => Summary(p, now)).ToList(), Paging.Cursor(List, Keys(last)));
            }
        }
    }

    private static IQueryable<Promotion> Filtered(IQuerySession session, PromotionFilter filter, string? notDecidedBy,
        (DateTimeOffset At, string Id)? after)
    {
        var query = session.Query<Promotion>().Where(p => p.Status != PromotionStatus.None);
        if (filter.Status is { } status)
        {
            query = query.Where(p => p.Status == status);
        }

        if (filter.AwaitingMe)
        {
            query = query.Where(p => p.Status == PromotionStatus.Pending);
        }

        if (filter.Model is { } model)
        {
            query = query.Where(p => p.Model == model);
        }

        if (filter.TargetStage is { } stage)
        {
            query = query.Where(p => p.TargetStage == stage);
        }

        if (notDecidedBy is not null)
        {
            // the exact comparison of people (issuers, identities recorded without one) follows in Inbox.Awaits
            query = query.Where(p => !p.Decisions.Any(d => d.Approver == notDecidedBy));
        }

        query = TimeKeyset.After(query, "requestedAt", after);
        return query.OrderByDescending(p => p.RequestedAt).ThenByDescending(p => p.Id);
    }

    private static string[] Keys(Promotion p) => TimeKeyset.Keys(p.RequestedAt!.Value, p.Id);

    private static PromotionSummary Summary(Promotion p, DateTimeOffset now) =>
        new(p.PromotionId, p.Status.ToString().ToLowerInvariant(), p.Model, p.Version, p.ArtifactSha256, p.TargetStage, p.RequestedBy,
            p.RequestedAt, p.RequestedAt is { } at ? Math.Max(0, (long)(now - at).TotalSeconds) : 0, p.Decisions,
            DecisionSummary.Of(p.LatestDecision));
}
