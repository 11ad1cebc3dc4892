using JasperFx.Events;
using Marten.Events.Aggregation;
using MlLedger.Domain.Datasets;
using MlLedger.Domain.Deployments;
using MlLedger.Domain.Keys;
using MlLedger.Domain.Models;
using MlLedger.Domain.Policies;
using MlLedger.Domain.Promotions;
using MlLedger.Domain.Reports;

namespace MlLedger.Api.Storage;

// Inline projections: each keeps the domain state of its stream type as a document, written in the
// same transaction as the events. Evolution is the domain's own Evolve; nothing here decides anything.

internal sealed class DatasetProjection : SingleStreamProjection<Dataset, string>
{
    public DatasetProjection()
    {
        IncludeType<DatasetRegistered>();
        IncludeType<DatasetCheckRecorded>();
        IncludeType<DatasetWithdrawn>();
    }

    public override Dataset? Evolve(Dataset? snapshot, string id, IEvent e) => Dataset.Evolve(snapshot ?? Dataset.Initial, e.Data);
}

internal sealed class ModelVersionProjection : SingleStreamProjection<ModelVersion, string>
{
    public ModelVersionProjection()
    {
        IncludeType<ModelVersionRegistered>();
        IncludeType<EvaluationRecorded>();
        IncludeType<ModelVersionStageChanged>();
        IncludeType<ModelVersionRetired>();
    }

    public override ModelVersion? Evolve(ModelVersion? snapshot, string id, IEvent e) =>
        ModelVersion.Evolve(snapshot ?? ModelVersion.Initial, e.Data);
}

internal sealed class PromotionProjection : SingleStreamProjection<Promotion, string>
{
    public PromotionProjection()
    {
        IncludeType<PromotionRequested>();
        IncludeType<ApprovalGranted>();
        IncludeType<ApprovalRejected>();
        IncludeType<PolicyEvaluated>();
        IncludeType<PromotionApproved>();
        IncludeType<PromotionRejected>();
        IncludeType<PromotionWithdrawn>();
    }

    public override Promotion? Evolve(Promotion? snapshot, string id, IEvent e) => Promotion.Evolve(snapshot ?? Promotion.Initial, e.Data);
}

internal sealed class DeploymentProjection : SingleStreamProjection<Deployment, string>
{
    public DeploymentProjection()
    {
        IncludeType<DeploymentRecorded>();
        IncludeType<DeploymentBlocked>();
        IncludeType<DeploymentRolledBack>();
        IncludeType<DeploymentRetired>();
    }

    public override Deployment? Evolve(Deployment? snapshot, string id, IEvent e) => Deployment.Evolve(snapshot ?? Deployment.Initial, e.Data);
}

internal sealed class PolicyCheckProjection : SingleStreamProjection<PolicyCheck, string>
{
    public PolicyCheckProjection()
    {
        IncludeType<PolicyCheckPerformed>();
    }

    public override PolicyCheck? Evolve(PolicyCheck? snapshot, string id, IEvent e) => PolicyCheck.Evolve(snapshot ?? PolicyCheck.Initial, e.Data);
}

internal sealed class PolicySetHistoryProjection : SingleStreamProjection<PolicySetHistory, string>
{
    public PolicySetHistoryProjection()
    {
        IncludeType<PolicySetPublished>();
    }

    public override PolicySetHistory? Evolve(PolicySetHistory? snapshot, string id, IEvent e) =>
        PolicySetHistory.Evolve(snapshot ?? PolicySetHistory.Initial, e.Data);
}

internal sealed class LedgerKeyHistoryProjection : SingleStreamProjection<LedgerKeyHistory, string>
{
    public LedgerKeyHistoryProjection()
    {
        IncludeType<LedgerKeyRotated>();
    }

    public override LedgerKeyHistory? Evolve(LedgerKeyHistory? snapshot, string id, IEvent e) =>
        LedgerKeyHistory.Evolve(snapshot ?? LedgerKeyHistory.Initial, e.Data);
}

internal sealed class IssuedReportProjection : SingleStreamProjection<IssuedReport, string>
{
    public IssuedReportProjection()
    {
        IncludeType<ReportIssued>();
    }

    public override IssuedReport? Evolve(IssuedReport? snapshot, string id, IEvent e) => IssuedReport.Evolve(snapshot ?? IssuedReport.Initial, e.Data);
}
