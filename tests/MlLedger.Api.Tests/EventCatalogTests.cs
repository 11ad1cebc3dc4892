using MlLedger.Api.Ledger;

namespace MlLedger.Api.Tests;

/// <summary>
/// The stored event names are part of every signed entry and of the database. This golden list changes
/// only by adding names; a rename of a C# type must not change it.
/// </summary>
public sealed class EventCatalogTests
{
    private static readonly string[] Golden =
    [
        "ApprovalGranted", "ApprovalRejected", "DatasetCheckRecorded", "DatasetRegistered", "DatasetWithdrawn",
        "DeploymentBlocked", "DeploymentRecorded", "DeploymentRetired", "DeploymentRolledBack", "EvaluationRecorded",
        "LedgerKeyRotated", "ModelVersionRegistered", "ModelVersionRetired", "ModelVersionStageChanged", "PolicyCheckPerformed",
        "PolicyEvaluated", "PolicySetPublished", "PromotionApproved", "PromotionRejected", "PromotionRequested",
        "PromotionWithdrawn", "ReportIssued",
    ];

    [Fact]
    public void Stored_event_names_match_the_golden_list() =>
        Assert.Equal(Golden, EventCatalog.Types.Keys.Order(StringComparer.Ordinal).ToArray());

    [Fact]
    public void Every_domain_event_type_has_exactly_one_stored_name()
    {
        var domainEvents = typeof(Domain.DomainRejection).Assembly.GetTypes()
            .Where(t => t.Namespace is { } ns && ns.StartsWith("MlLedger.Domain.", StringComparison.Ordinal))
            .Where(t => t.Name.EndsWith("Registered", StringComparison.Ordinal) || t.Name.EndsWith("Recorded", StringComparison.Ordinal)
                || t.Name.EndsWith("Withdrawn", StringComparison.Ordinal) || t.Name.EndsWith("Granted", StringComparison.Ordinal)
                || t.Name.EndsWith("Rejected", StringComparison.Ordinal) || t.Name.EndsWith("Approved", StringComparison.Ordinal)
                || t.Name.EndsWith("Requested", StringComparison.Ordinal) || t.Name.EndsWith("Changed", StringComparison.Ordinal)
                || t.Name.EndsWith("Retired", StringComparison.Ordinal) || t.Name.EndsWith("Blocked", StringComparison.Ordinal)
                || t.Name.EndsWith("RolledBack", StringComparison.Ordinal) || t.Name.EndsWith("Evaluated", StringComparison.Ordinal)
                || t.Name.EndsWith("Published", StringComparison.Ordinal) || t.Name.EndsWith("Performed", StringComparison.Ordinal)
                || t.Name.EndsWith("Rotated", StringComparison.Ordinal)
                || t.Name.EndsWith("Issued", StringComparison.Ordinal))
            .Where(t => !t.IsAbstract && !t.IsEnum)
            .ToHashSet();
        Assert.Equal(domainEvents.OrderBy(t => t.Name), EventCatalog.Types.Values.OrderBy(t => t.Name));
    }
}
