using MlLedger.Api.Lineage;
using MlLedger.Domain;
using MlLedger.Reports.Model;

namespace MlLedger.Api.Reports;

/// <summary>Gathers a model version's compliance report from its lineage and the entries of every stream in it.</summary>
internal static class ComplianceData
{
    /// <returns>The report, or null when the model version is not registered as of the checkpoint.</returns>
    public static async Task<ComplianceReport?> Gather(string model, string version, ReportBasis basis, LineageQuery lineage, LedgerEntries entries, CancellationToken ct)
    {
        var modelVersionId = ModelVersionIds.Of(model, version);
        var subject = LineageFacts.NodeId(LineageKinds.ModelVersion, modelVersionId);
        if (!await lineage.Exists(subject, basis.LineageCut, ct))
        {
            return null;
        }

        var graph = Complete(await lineage.Walk(subject, upstream: true, downstream: true, LineageQuery.MaxDepth, basis.LineageCut, ct));
        var streams = graph.Nodes.Select(StreamOf).OfType<string>().ToList();
        var read = await entries.OfStreams(streams, basis, ct);
        var byStream = read.ToLookup(e => e.Stream, StringComparer.Ordinal);

        var summary = ReportRowsOf.ModelVersion(byStream[StreamKeys.ModelVersion(model, version)])
                      ?? throw new ReportIntegrityException($"Model version {modelVersionId} is in the lineage index but has no registration entry.");
        var intoSubject = graph.Edges.Where(e => e.To == subject).ToLookup(e => e.From, StringComparer.Ordinal);
        var datasets = graph.Nodes.Where(n => n.Kind == LineageKinds.Dataset)
            .Select(n => ReportRowsOf.Dataset(byStream[StreamKeys.Dataset(n.Key)], RoleOf(n.Id, subject, intoSubject)))
            .OfType<DatasetSummary>()
            .OrderBy(d => RoleOrder(d.Role)).ThenBy(d => d.Id, StringComparer.Ordinal)
            .ToList();
        var promotionStreams = graph.Nodes.Where(n => n.Kind == LineageKinds.Promotion).Select(n => byStream[StreamKeys.Promotion(n.Key)]).ToList();
        var promotions = promotionStreams.Select(s => (Entries: s, Row: ReportRowsOf.Promotion(s))).Where(p => p.Row is not null).ToList();
        var deploymentStreams = graph.Nodes.Where(n => n.Kind == LineageKinds.Deployment).Select(n => byStream[StreamKeys.Deployment(n.Key)]).ToList();

        var frame = new ReportFrame(ReportKinds.Compliance, modelVersionId, basis.Printed, read.Select(e => e.Cite()).ToList());
        return new ComplianceReport(
            frame,
            summary,
            Diagram(graph),
            datasets,
            ReportRowsOf.Evaluations(byStream[StreamKeys.ModelVersion(model, version)]).ToList(),
            ReportRowsOf.Decisions(read).OrderBy(d => d.Seq).ToList(),
            promotions.Select(p => p.Row!).OrderBy(p => p.Seq).ToList(),
            promotions.SelectMany(p => ReportRowsOf.Approvals(p.Entries, p.Row!)).OrderBy(a => a.Seq).ToList(),
            deploymentStreams.SelectMany(ReportRowsOf.Deployments).OrderBy(d => d.Seq).ToList());
    }

    /// <summary>The stream an entity node's entries are in; approvals and decisions live in their promotion's or deployment's.</summary>
    public static string? StreamOf(LineageNodeView node) => node.Kind switch
    {
        LineageKinds.Dataset => StreamKeys.Dataset(node.Key),
        LineageKinds.ModelVersion => ModelVersionStream(node.Key),
        LineageKinds.Promotion => StreamKeys.Promotion(node.Key),
        LineageKinds.Deployment => StreamKeys.Deployment(node.Key),
        _ => null,
    };

    /// <summary>A report never prints part of a lineage as if it were all of it.</summary>
    public static LineageGraph Complete(LineageGraph graph) =>
        graph.Truncated ? throw new LineageTooLargeException(LineageQuery.MaxNodes, LineageQuery.MaxDepth, tooDeep: true) : graph;

    public static LineageDiagram Diagram(LineageGraph graph) => new(
        graph.Nodes.Select(n => new DiagramNode(n.Id, n.Kind, n.Label.Length > 0 ? n.Label : n.Key, n.Status)).ToList(),
        graph.Edges.Select(e => new DiagramEdge(e.From, e.To, e.Relation)).ToList());

    private static string ModelVersionStream(string modelVersionId)
    {
        var (model, version) = ModelVersionIds.Parse(modelVersionId);
        return StreamKeys.ModelVersion(model, version);
    }

    private static string RoleOf(string dataset, string subject, ILookup<string, LineageEdgeView> intoSubject)
    {
        var relations = intoSubject[dataset].Select(e => e.Relation).ToHashSet(StringComparer.Ordinal);
        return (relations.Contains(Relations.TrainedOn), relations.Contains(Relations.EvaluatedOn)) switch
        {
            (true, true) => "training and evaluation",
            (true, false) => "training",
            (false, true) => "evaluation",
            _ => "upstream",
        };
    }

    private static int RoleOrder(string role) => role switch
    {
        "training and evaluation" => 0,
        "training" => 1,
        "evaluation" => 2,
        _ => 3,
    };
}
