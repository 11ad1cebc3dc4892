using Microsoft.AspNetCore.Http.HttpResults;
using MlLedger.Api.Auth;
using MlLedger.Api.Http;
using MlLedger.Api.Log;
using MlLedger.Reports.Model;

namespace MlLedger.Api.Lineage;

/// <summary>A lineage answer; <see cref="Truncated"/> when edges go on past <see cref="Depth"/> (ask again deeper).</summary>
public sealed record LineageView(
    string Subject, string Direction, int Depth, AsOfView AsOf, IReadOnlyList<LineageNodeView> Nodes, IReadOnlyList<LineageEdgeView> Edges, bool Truncated);

/// <summary>The lineage graph over HTTP: a subject's upstream and downstream, as of a tree size or a time.</summary>
internal static class LineageEndpoints
{
    public const int DefaultDepth = 10;

    private static readonly string[] Kinds =
        [LineageKinds.Dataset, LineageKinds.ModelVersion, LineageKinds.Promotion, LineageKinds.Approval, LineageKinds.PolicyDecision, LineageKinds.Deployment];

    public static void MapLineage(this WebApplication app)
    {
        app.MapGet("/v1/lineage/{kind}/{id}", Get).RequireAuthorization(LedgerPolicies.Read).CapConcurrency()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("A lineage subgraph: nodes and edges upstream and/or downstream of a dataset, model version (model@version), " +
                         "promotion, deployment, approval or policy decision (by entry seq), as of a tree size or a time.");
        app.MapGet("/v1/datasets/{id}/impact", Impact.Get).RequireAuthorization(LedgerPolicies.Read).CapConcurrency()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Impact analysis: the model versions trained or evaluated on a dataset (directly or through derived datasets), " +
                         "and which of them are deployed now, where.");
    }

    internal static async Task<Results<Ok<LineageView>, ProblemHttpResult>> Get(
        string kind, string id, string? direction, int? depth, string? asOf, LineageQuery lineage, LogStore log, CancellationToken ct)
    {
        if (!Kinds.Contains(kind, StringComparer.Ordinal))
        {
            return Problems.Of(StatusCodes.Status400BadRequest, "bad-kind", $"kind must be one of: {string.Join(", ", Kinds)}.");
        }

        direction ??= "both";
        if (direction is not ("upstream" or "downstream" or "both"))
        {
            return Problems.Of(StatusCodes.Status400BadRequest, "bad-direction", "direction must be upstream, downstream or both.");
        }

        var levels = depth ?? DefaultDepth;
        if (levels is < 1 or > LineageQuery.MaxDepth)
        {
            return Problems.Of(StatusCodes.Status400BadRequest, "bad-depth", $"depth must be 1 to {LineageQuery.MaxDepth}.");
        }

        var (view, cut, problem) = await AsOf.Resolve(asOf, log, ct);
        if (problem is not null)
        {
            return problem;
        }

        var subject = LineageFacts.NodeId(kind, id);
        if (!await lineage.Exists(subject, cut, ct))
        {
            return Problems.NotFound($"{kind} {id}{(view.TreeSize is null && view.Time is null ? "" : " as of that point")}");
        }

        try
        {
            var graph = await lineage.Walk(subject, direction != "downstream", direction != "upstream", levels, cut, ct);
            return TypedResults.Ok(new LineageView(subject, direction, levels, view, graph.Nodes, graph.Edges, graph.Truncated));
        }
        catch (LineageTooLargeException tooLarge)
        {
            return tooLarge.Problem();
        }
    }
}
