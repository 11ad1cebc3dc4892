using JasperFx.Events;
using Marten;
using MlLedger.Domain;
using MlLedger.Domain.Datasets;
using MlLedger.Domain.Models;
using MlLedger.Domain.Policies;
using MlLedger.Domain.Promotions;

namespace MlLedger.Api.Policies;

/// <summary>An event of a stream with its version in that stream (stored, or about to be appended).</summary>
internal sealed record StreamEvent(long Version, object Data);

/// <summary>
/// Gathers the facts a policy decision is made on, from the ledger's events (the read model only helps find
/// which pending promotion to look at; its contents are never used). With <c>beforeSeq</c> it sees only entries
/// sequenced before that one: the facts as they stood when a past decision was taken, for replay. Every fact names
/// the entry it was read from.
/// </summary>
/// <param name="lockForDecision">
/// For a decision about to be written: each stream read is share-locked (its <c>mt_streams</c> row, <c>FOR SHARE</c>)
/// in the session's transaction before its events are read, so no entry can be appended to it until the decision
/// commits; a concurrent writer waits, then fails its version check and decides again. Streams that do not exist yet
/// cannot be locked, and their absence only ever denies (a missing dataset or promotion fails its rule).
/// </param>
internal sealed class PolicyFactGatherer(IQuerySession session, long? beforeSeq, CancellationToken ct, bool lockForDecision = false)
{
    /// <summary>
    /// The facts for a decision about <paramref name="model"/>@<paramref name="version"/> going to
    /// <paramref name="request"/>'s target stage. <paramref name="promotion"/> is the promotion being decided
    /// (its events so far, including those about to be appended); without it, the promotion that brought the
    /// version to the stage is used, or else the latest one still pending.
    /// </summary>
    /// <returns>Null when the model version is not registered (as of the bound).</returns>
    public async Task<PolicyFacts?> Gather(string model, string version, PolicyRequestFacts request, IReadOnlyList<StreamEvent>? promotion)
    {
        var modelKey = StreamKeys.ModelVersion(model, version);
        var modelEvents = await Load(modelKey);
        var state = Fold(ModelVersion.Initial, modelEvents, ModelVersion.Evolve);
        if (!state.Registered)
        {
            return null;
        }

        var registered = modelEvents.First(e => e.Data is ModelVersionRegistered);
        var evaluations = modelEvents
            .Where(e => e.Data is EvaluationRecorded)
            .Select(e => (Event: (EvaluationRecorded)e.Data, Entry: Ref(modelKey, e)))
            .Select(e => new EvaluationFact(e.Event.EvaluationId, e.Event.Dataset, e.Event.Metrics, e.Entry))
            .ToList();

        var datasetIds = state.TrainedOn.Concat(evaluations.Select(e => e.Dataset)).Distinct(StringComparer.Ordinal).ToList();
        var datasetEvents = await LoadMany(datasetIds.Select(StreamKeys.Dataset).ToList());
        var datasets = new List<DatasetFact>();
        foreach (var id in datasetIds)
        {
            if (Dataset(id, datasetEvents.GetValueOrDefault(StreamKeys.Dataset(id)) ?? []) is { } fact)
            {
                datasets.Add(fact);
            }
        }

        var targetStage = request.TargetStage;
        var promotionEvents = promotion ?? await PromotionFor(state, targetStage);
        var (promotionFact, approvals) = Promotion(promotionEvents);

        var modelFact = new ModelVersionFact(
            state.ModelVersionId, state.Model, state.Version, state.ArtifactSha256, StageNames.Of(state.Stage), state.RiskTier,
            state.Retired, state.TrainedOn,
            [.. state.StageHistory.Select(s => new StageHistoryFact(StageNames.Of(s.Stage), s.At, s.PromotionId))],
            Ref(modelKey, registered));
        return new PolicyFacts(request, modelFact, datasets, evaluations, promotionFact, approvals);
    }

    private static DatasetFact? Dataset(string id, IReadOnlyList<StreamEvent> events)
    {
        var key = StreamKeys.Dataset(id);
        var state = Fold(Domain.Datasets.Dataset.Initial, events, Domain.Datasets.Dataset.Evolve);
        if (state.Status == DatasetStatus.Unregistered)
        {
            return null;
        }

        // the latest result of each check, with the entry that recorded it
        var checks = new List<DatasetCheckFact>();
        foreach (var e in events.Where(e => e.Data is DatasetCheckRecorded))
        {
            var check = (DatasetCheckRecorded)e.Data;
            checks.RemoveAll(c => string.Equals(c.Check, check.Check, StringComparison.Ordinal));
            checks.Add(new DatasetCheckFact(check.Check, check.Result, Ref(key, e)));
        }

        return new DatasetFact(state.DatasetId, state.Name, state.Version, state.Tags, state.License, state.ContainsPersonalData,
            state.Status == DatasetStatus.Withdrawn, checks, Ref(key, events.First(e => e.Data is DatasetRegistered)));
    }

    /// <summary>The promotion that brought the version to the stage, or else the latest one to it still pending.</summary>
    private async Task<IReadOnlyList<StreamEvent>> PromotionFor(ModelVersion model, string targetStage)
    {
        if (!StageNames.TryParse(targetStage, out var stage) || stage == Stage.None)
        {
            return [];
        }

        // the promotion to exactly this stage, or else one that took the version past it (none -> production)
        var completed = model.StageHistory.LastOrDefault(s => s.Stage == stage) ?? model.StageHistory.LastOrDefault(s => s.Stage > stage);
        if (completed is not null)
        {
            return await Load(StreamKeys.Promotion(completed.PromotionId));
        }

        var id = model.ModelVersionId;
        var candidates = await session.Query<Promotion>()
            .Where(p => p.ModelVersionId == id && p.TargetStage == stage && p.Status == PromotionStatus.Pending)
            .OrderByDescending(p => p.RequestedAt)
            .Select(p => p.Id)
            .Take(1)
            .ToListAsync(ct);
        return candidates.Count == 0 ? [] : await Load(candidates[0]);
    }

    private static (PromotionFact?, IReadOnlyList<ApprovalFact>) Promotion(IReadOnlyList<StreamEvent> events)
    {
        var state = Fold(Domain.Promotions.Promotion.Initial, events, Domain.Promotions.Promotion.Evolve);
        if (state.Status == PromotionStatus.None)
        {
            return (null, []);
        }

        var key = state.Id;
        var approvals = events
            .Where(e => e.Data is ApprovalGranted)
            .Select(e => (Event: (ApprovalGranted)e.Data, Entry: Ref(key, e)))
            .Select(a => new ApprovalFact(a.Event.Approver, a.Event.Roles, a.Event.ArtifactSha256, a.Event.GrantedAt, a.Entry))
            .ToList();
        var fact = new PromotionFact(state.PromotionId, StageNames.Of(state.TargetStage), state.Status.ToString().ToLowerInvariant(),
            state.RequestedBy ?? "", state.ArtifactSha256, Ref(key, events.First(e => e.Data is PromotionRequested)));
        return (fact, approvals);
    }

    /// <param name="forWriting">
    /// The decision will append to this stream: lock it exclusively, so that two decisions on one stream (two
    /// approvals of one promotion) queue up instead of both holding a shared lock and deadlocking on the append.
    /// </param>
    public async Task<IReadOnlyList<StreamEvent>> Load(string streamKey, bool forWriting = false) =>
        (await LoadMany([streamKey], forWriting)).GetValueOrDefault(streamKey) ?? [];

    /// <summary>Several streams in one round trip, each in version order.</summary>
    private async Task<Dictionary<string, IReadOnlyList<StreamEvent>>> LoadMany(List<string> streamKeys, bool forWriting = false)
    {
        if (streamKeys.Count == 0)
        {
            return [];
        }

        var keys = streamKeys.ToArray();
        await Lock(keys, forWriting);
        var events = await session.Events.QueryAllRawEvents()
            .Where(e => keys.Contains(e.StreamKey))
            .OrderBy(e => e.Sequence)
            .ToListAsync(ct);
        return events
            .Where(Visible)
            .GroupBy(e => e.StreamKey!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<StreamEvent>)[.. g.OrderBy(e => e.Version).Select(e => new StreamEvent(e.Version, e.Data))],
                StringComparer.Ordinal);
    }

    private async Task Lock(string[] streamKeys, bool exclusive = false)
    {
        if (!lockForDecision)
        {
            return;
        }

        var schema = session.DocumentStore.Options.Events.DatabaseSchemaName;
        var mode = exclusive ? "update" : "share";
        await session.QueryAsync<string>($"select id from {schema}.mt_streams where id = ANY(?) order by id for {mode}", ct, [streamKeys]);
    }

    private bool Visible(IEvent e) => beforeSeq is not { } bound || e.Sequence < bound;

    private static T Fold<T>(T initial, IEnumerable<StreamEvent> events, Func<T, object, T> evolve) =>
        events.Aggregate(initial, (state, e) => evolve(state, e.Data));

    private static EntryRef Ref(string stream, StreamEvent e) => new(stream, e.Version);
}
