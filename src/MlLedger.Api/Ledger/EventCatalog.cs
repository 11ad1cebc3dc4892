using MlLedger.Domain.Datasets;
using MlLedger.Domain.Deployments;
using MlLedger.Domain.Keys;
using MlLedger.Domain.Models;
using MlLedger.Domain.Policies;
using MlLedger.Domain.Promotions;
using MlLedger.Domain.Reports;

namespace MlLedger.Api.Ledger;

/// <summary>
/// The stable stored name of every event type. These strings are in the database and inside signed
/// entries (the predicate type); a C# rename must never change them. A golden test locks the list.
/// </summary>
public static class EventCatalog
{
    public static readonly IReadOnlyDictionary<string, Type> Types = new Dictionary<string, Type>
    {
        ["DatasetRegistered"] = typeof(DatasetRegistered),
        ["DatasetCheckRecorded"] = typeof(DatasetCheckRecorded),
        ["DatasetWithdrawn"] = typeof(DatasetWithdrawn),
        ["ModelVersionRegistered"] = typeof(ModelVersionRegistered),
        ["EvaluationRecorded"] = typeof(EvaluationRecorded),
        ["ModelVersionStageChanged"] = typeof(ModelVersionStageChanged),
        ["ModelVersionRetired"] = typeof(ModelVersionRetired),
        ["PromotionRequested"] = typeof(PromotionRequested),
        ["ApprovalGranted"] = typeof(ApprovalGranted),
        ["ApprovalRejected"] = typeof(ApprovalRejected),
        ["PolicyEvaluated"] = typeof(PolicyEvaluated),
        ["PromotionApproved"] = typeof(PromotionApproved),
        ["PromotionRejected"] = typeof(PromotionRejected),
        ["PromotionWithdrawn"] = typeof(PromotionWithdrawn),
        ["DeploymentRecorded"] = typeof(DeploymentRecorded),
        ["DeploymentBlocked"] = typeof(DeploymentBlocked),
        ["DeploymentRolledBack"] = typeof(DeploymentRolledBack),
        ["DeploymentRetired"] = typeof(DeploymentRetired),
        ["PolicySetPublished"] = typeof(PolicySetPublished),
        ["PolicyCheckPerformed"] = typeof(PolicyCheckPerformed),
        ["LedgerKeyRotated"] = typeof(LedgerKeyRotated),
        ["ReportIssued"] = typeof(ReportIssued),
    };

    private static readonly Dictionary<Type, string> Names = Types.ToDictionary(p => p.Value, p => p.Key);

    public static string NameOf(object @event) =>
        Names.TryGetValue(@event.GetType(), out var name)
            ? name
            : throw new InvalidOperationException($"{@event.GetType().FullName} is not a registered ledger event");
}
