using MlLedger.Domain;
using MlLedger.Domain.Datasets;
using MlLedger.Domain.Deployments;
using MlLedger.Domain.Models;
using MlLedger.Domain.Policies;
using MlLedger.Domain.Promotions;
using MlLedger.Reports.Model;

namespace MlLedger.Api.Lineage;

/// <summary>The entry a lineage row comes from: its stream and its version in that stream.</summary>
public sealed record EntryPosition(string Stream, long Version);

/// <summary>A node as one entry left it: created, or its status changed. The latest row at or before an as-of point wins.</summary>
public sealed record NodeFact(string Node, string Kind, string Label, string Status, EntryPosition Entry, DateTimeOffset At);

/// <summary>An edge in data-flow order; <see cref="Relation"/> says what the target does to the source (e.g. trained-on).</summary>
public sealed record EdgeFact(string Source, string Target, string Relation, EntryPosition Entry, DateTimeOffset At);

/// <summary>Lineage relations.</summary>
public static class Relations
{
    public const string DerivedFrom = "derived-from";
    public const string TrainedOn = "trained-on";
    public const string EvaluatedOn = "evaluated-on";
    public const string Promotes = "promotes";
    public const string Reviews = "reviews";
    public const string Decides = "decides";
    public const string Deploys = "deploys";
}

/// <summary>
/// What one ledger event adds to the lineage graph. Pure: the event and its position in its stream in, rows out. Approvals
/// and policy decisions are nodes of their own, named <c>{promotion or deployment id}@{version}</c> after the entry that
/// recorded them.
/// </summary>
public static class LineageFacts
{
    public static string NodeId(string kind, string key) => $"{kind}:{key}";

    public static (IReadOnlyList<NodeFact> Nodes, IReadOnlyList<EdgeFact> Edges) Of(object data, EntryPosition entry)
    {
        var nodes = new List<NodeFact>(2);
        var edges = new List<EdgeFact>(2);
        void Node(string kind, string key, string label, string status, DateTimeOffset at) =>
            nodes.Add(new NodeFact(NodeId(kind, key), kind, label, status, entry, at));
        void Edge(string source, string target, string relation, DateTimeOffset at) =>
            edges.Add(new EdgeFact(source, target, relation, entry, at));

        switch (data)
        {
            case DatasetRegistered d:
                Node(LineageKinds.Dataset, d.DatasetId, d.DatasetId, "registered", d.RegisteredAt);
                foreach (var parent in d.DerivedFrom.Distinct(StringComparer.Ordinal))
                {
                    Edge(NodeId(LineageKinds.Dataset, parent), NodeId(LineageKinds.Dataset, d.DatasetId), Relations.DerivedFrom, d.RegisteredAt);
                }

                break;
            case DatasetWithdrawn d:
                Node(LineageKinds.Dataset, d.DatasetId, d.DatasetId, "withdrawn", d.WithdrawnAt);
                break;
            case ModelVersionRegistered m:
                Node(LineageKinds.ModelVersion, m.ModelVersionId, m.ModelVersionId, "registered", m.RegisteredAt);
                foreach (var dataset in m.TrainedOn.Distinct(StringComparer.Ordinal))
                {
                    Edge(NodeId(LineageKinds.Dataset, dataset), NodeId(LineageKinds.ModelVersion, m.ModelVersionId), Relations.TrainedOn, m.RegisteredAt);
                }

                break;
            case EvaluationRecorded e:
                Edge(NodeId(LineageKinds.Dataset, e.Dataset), NodeId(LineageKinds.ModelVersion, e.ModelVersionId), Relations.EvaluatedOn, e.RecordedAt);
                break;
            case ModelVersionStageChanged s:
                Node(LineageKinds.ModelVersion, s.ModelVersionId, s.ModelVersionId, StageNames.Of(s.ToStage), s.ChangedAt);
                break;
            case ModelVersionRetired r:
                Node(LineageKinds.ModelVersion, r.ModelVersionId, r.ModelVersionId, "retired", r.RetiredAt);
                break;
            case PromotionRequested p:
                Node(LineageKinds.Promotion, p.PromotionId, $"{p.PromotionId} to {StageNames.Of(p.TargetStage)}", "pending", p.RequestedAt);
                Edge(NodeId(LineageKinds.ModelVersion, p.ModelVersionId), NodeId(LineageKinds.Promotion, p.PromotionId), Relations.Promotes, p.RequestedAt);
                break;
            case ApprovalGranted a:
                Review(a.PromotionId, a.Approver, "approved", a.GrantedAt);
                break;
            case ApprovalRejected a:
                Review(a.PromotionId, a.Approver, "rejected", a.RejectedAt);
                break;
            case PolicyEvaluated p:
                Decision(p.PromotionId, LineageKinds.Promotion, p.PolicySetDigest, p.Allowed, p.EvaluatedAt);
                break;
            case PromotionApproved p:
                Node(LineageKinds.Promotion, p.PromotionId, $"{p.PromotionId} to {StageNames.Of(p.TargetStage)}", "approved", p.ApprovedAt);
                break;
            case PromotionRejected p:
                Status(LineageKinds.Promotion, p.PromotionId, "rejected", p.RejectedAt);
                break;
            case PromotionWithdrawn p:
                Status(LineageKinds.Promotion, p.PromotionId, "withdrawn", p.WithdrawnAt);
                break;
            case DeploymentRecorded d:
                Deployed(d.DeploymentId, d.ModelVersionId, d.Environment, "active", d.DeployedAt, d.Decision);
                break;
            case DeploymentBlocked d:
                Deployed(d.DeploymentId, d.ModelVersionId, d.Environment, "blocked", d.AttemptedAt, d.Decision);
                break;
            case DeploymentRolledBack d:
                Status(LineageKinds.Deployment, d.DeploymentId, "rolled-back", d.RolledBackAt);
                break;
            case DeploymentRetired d:
                Status(LineageKinds.Deployment, d.DeploymentId, "retired", d.RetiredAt);
                break;
        }

        return (nodes, edges);

        string EntryKey(string id) => $"{id}@{entry.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

        // a status row carries no label: the label of the node's first row stands
        void Status(string kind, string key, string status, DateTimeOffset at) => Node(kind, key, "", status, at);

        void Review(string promotionId, string approver, string decision, DateTimeOffset at)
        {
            var key = EntryKey(promotionId);
            Node(LineageKinds.Approval, key, $"{approver} {decision}", decision, at);
            Edge(NodeId(LineageKinds.Promotion, promotionId), NodeId(LineageKinds.Approval, key), Relations.Reviews, at);
        }

        void Decision(string aboutId, string aboutKind, string digest, bool allowed, DateTimeOffset at)
        {
            var key = EntryKey(aboutId);
            var label = $"policy set {(digest.Length > 12 ? digest[..12] : digest)}";
            Node(LineageKinds.PolicyDecision, key, label, allowed ? "allowed" : "denied", at);
            Edge(NodeId(aboutKind, aboutId), NodeId(LineageKinds.PolicyDecision, key), Relations.Decides, at);
        }

        void Deployed(string deploymentId, string modelVersionId, string environment, string status, DateTimeOffset at, PolicyDecision? decision)
        {
            Node(LineageKinds.Deployment, deploymentId, environment, status, at);
            Edge(NodeId(LineageKinds.ModelVersion, modelVersionId), NodeId(LineageKinds.Deployment, deploymentId), Relations.Deploys, at);
            if (decision is not null)
            {
                Decision(deploymentId, LineageKinds.Deployment, decision.PolicySetDigest, decision.Allowed, at);
            }
        }
    }
}
