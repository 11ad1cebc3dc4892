using MlLedger.Api.Lineage;
using MlLedger.Domain;
using MlLedger.Reports.Model;

namespace MlLedger.Api.Reports;

/// <summary>Gathers a dataset impact report: everything downstream of one dataset, as of a checkpoint.</summary>
internal static class DatasetImpactData
{
    /// <returns>The report, or null when the dataset is not registered as of the checkpoint.</returns>
    public static async Task<DatasetImpactReport?> Gather(string datasetId, ReportBasis basis, LineageQuery lineage, LedgerEntries entries, CancellationToken ct)
    {
        var subject = LineageFacts.NodeId(LineageKinds.Dataset, datasetId);
        if (!await lineage.Exists(subject, basis.LineageCut, ct))
        {
            return null;
        }

        var graph = ComplianceData.Complete(await lineage.Walk(subject, upstream: false, downstream: true, LineageQuery.MaxDepth, basis.LineageCut, ct));
        var streams = graph.Nodes.Where(n => n.Kind is LineageKinds.Dataset or LineageKinds.ModelVersion or LineageKinds.Deployment)
            .Select(ComplianceData.StreamOf).OfType<string>().ToList();
        var read = await entries.OfStreams(streams, basis, ct);
        var byStream = read.ToLookup(e => e.Stream, StringComparer.Ordinal);

        var dataset = ReportRowsOf.Dataset(byStream[StreamKeys.Dataset(datasetId)], "subject")
                      ?? throw new ReportIntegrityException($"Dataset {datasetId} is in the lineage index but has no registration entry.");
        var derived = graph.Nodes.Where(n => n.Kind == LineageKinds.Dataset && n.Id != subject)
            .Select(n => ReportRowsOf.Dataset(byStream[StreamKeys.Dataset(n.Key)], "derived"))
            .OfType<DatasetSummary>().OrderBy(d => d.Seq).ToList();
        var datasetNodes = graph.Nodes.Where(n => n.Kind == LineageKinds.Dataset).ToDictionary(n => n.Id, StringComparer.Ordinal);
        var into = graph.Edges.ToLookup(e => e.To, StringComparer.Ordinal);
        var models = graph.Nodes.Where(n => n.Kind == LineageKinds.ModelVersion)
            .Select(n => (Node: n, Summary: ReportRowsOf.ModelVersion(byStream[ComplianceData.StreamOf(n)!])))
            .Where(m => m.Summary is not null)
            .Select(m => new AffectedModel(m.Summary!.Model, m.Summary.Version, UsesOf(m.Node.Id, subject, into, datasetNodes), m.Summary.Stage,
                m.Summary.ArtifactSha256, m.Summary.Seq))
            .OrderBy(m => m.Seq).ToList();
        var deployments = graph.Nodes.Where(n => n.Kind == LineageKinds.Deployment)
            .Select(n => ReportRowsOf.DeploymentStatus(byStream[StreamKeys.Deployment(n.Key)]))
            .OfType<DeploymentStatusRow>().OrderBy(d => d.Seq).ToList();

        var frame = new ReportFrame(ReportKinds.DatasetImpact, datasetId, basis.Printed, read.Select(e => e.Cite()).ToList());
        return new DatasetImpactReport(frame, dataset, ComplianceData.Diagram(graph), derived, models, deployments);
    }

    /// <summary>"trained-on", or "trained-on via b@1" when the model used a dataset derived from the subject; several joined by "; ".</summary>
    private static string UsesOf(string model, string subject, ILookup<string, LineageEdgeView> into, Dictionary<string, LineageNodeView> datasets) =>
        string.Join("; ", into[model]
            .Where(e => datasets.ContainsKey(e.From))
            .Select(e => e.From == subject ? e.Relation : $"{e.Relation} via {datasets[e.From].Key}")
            .Order(StringComparer.Ordinal));
}
