using Microsoft.AspNetCore.Http.HttpResults;
using MlLedger.Api.Http;
using MlLedger.Api.Log;
using MlLedger.Reports.Model;

namespace MlLedger.Api.Lineage;

/// <summary>How a model version uses a dataset of the impact: <see cref="Relation"/> on <see cref="Dataset"/> (the subject or one derived from it).</summary>
public sealed record ImpactUse(string Relation, string Dataset);

public sealed record ImpactedDeployment(string DeploymentId, string ModelVersion, string Environment, string Status, long Seq);

public sealed record ImpactedModel(string ModelVersion, string Stage, IReadOnlyList<ImpactUse> Uses, IReadOnlyList<ImpactedDeployment> Deployments, long Seq);

/// <summary>
/// The downstream of a dataset: datasets derived from it, model versions trained or evaluated on any of them, and their
/// deployments. <see cref="DeployedNow"/> are the deployments still active: what a withdrawal of the dataset affects.
/// <see cref="Truncated"/>: derived-from chains go on past the depth limit, so the lists may be incomplete.
/// </summary>
public sealed record ImpactView(
    string Dataset, string Status, AsOfView AsOf, IReadOnlyList<string> DerivedDatasets, IReadOnlyList<ImpactedModel> Models,
    IReadOnlyList<ImpactedDeployment> DeployedNow, bool Truncated);

internal static class Impact
{
    public static async Task<Results<Ok<ImpactView>, ProblemHttpResult>> Get(string id, string? asOf, LineageQuery lineage, LogStore log, CancellationToken ct)
    {
        var (view, cut, problem) = await AsOf.Resolve(asOf, log, ct);
        if (problem is not null)
        {
            return problem;
        }

        var subject = LineageFacts.NodeId(LineageKinds.Dataset, id);
        if (!await lineage.Exists(subject, cut, ct))
        {
            return Problems.NotFound($"Dataset {id}");
        }

        try
        {
            return TypedResults.Ok(await Of(id, view, cut, lineage, ct));
        }
        catch (LineageTooLargeException tooLarge)
        {
            return tooLarge.Problem();
        }
    }

    /// <summary>The relations an impact follows: data to data, data to models, models to deployments.</summary>
    public static readonly string[] ImpactRelations = [Relations.DerivedFrom, Relations.TrainedOn, Relations.EvaluatedOn, Relations.Deploys];

    public static async Task<ImpactView> Of(string datasetId, AsOfView view, LineageCut cut, LineageQuery lineage, CancellationToken ct)
    {
        var subject = LineageFacts.NodeId(LineageKinds.Dataset, datasetId);
        var graph = await lineage.Walk(subject, upstream: false, downstream: true, LineageQuery.MaxDepth, cut, ct, relations: ImpactRelations);
        return Analyse(subject, view, graph);
    }

    /// <summary>Pure: the impact of <paramref name="subject"/> from its downstream graph.</summary>
    public static ImpactView Analyse(string subject, AsOfView view, LineageGraph graph)
    {
        var byId = graph.Nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        var datasets = graph.Nodes.Where(n => n.Kind == LineageKinds.Dataset).Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
        var into = graph.Edges.ToLookup(e => e.To, StringComparer.Ordinal);
        var deployments = graph.Edges
            .Where(e => e.Relation == Relations.Deploys && byId.ContainsKey(e.To))
            .Select(e => (Model: e.From, Node: byId[e.To]))
            .Select(d => new ImpactedDeployment(d.Node.Key, byId.TryGetValue(d.Model, out var m) ? m.Key : d.Model, d.Node.Label, d.Node.Status, d.Node.Seq))
            .ToList();
        var byModel = deployments.ToLookup(d => d.ModelVersion, StringComparer.Ordinal);
        var models = graph.Nodes
            .Where(n => n.Kind == LineageKinds.ModelVersion)
            .Select(n => new ImpactedModel(
                n.Key, n.Status,
                into[n.Id].Where(e => datasets.Contains(e.From)).Select(e => new ImpactUse(e.Relation, byId[e.From].Key)).ToList(),
                byModel[n.Key].ToList(),
                n.Seq))
            .ToList();
        return new ImpactView(
            byId[subject].Key, byId[subject].Status, view,
            graph.Nodes.Where(n => n.Kind == LineageKinds.Dataset && n.Id != subject).Select(n => n.Key).ToList(),
            models,
            deployments.Where(d => d.Status == "active").ToList(),
            graph.Truncated);
    }
}
