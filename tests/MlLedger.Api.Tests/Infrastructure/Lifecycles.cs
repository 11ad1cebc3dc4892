using System.Net;
using System.Text.Json.Nodes;
using static MlLedger.Api.Tests.Infrastructure.Requests;

namespace MlLedger.Api.Tests.Infrastructure;

/// <summary>The names and answers of one model's life through the ledger, under a prefix of its own.</summary>
public sealed record Lifecycle(string Prefix, string Raw, string Clean, string Holdout, string Model, string ModelVersion, string RejectedPromotionId, string PromotionId,
    string DeploymentId, string Artifact, IReadOnlyList<JsonObject> Answers)
{
    /// <summary>Every entry sequence number the lifecycle's writes were answered with.</summary>
    public IEnumerable<long> Seqs => Answers.SelectMany(a => a["entries"]!.AsArray()).Select(e => (long)e!["seq"]!);
}

public static class Lifecycles
{
    /// <summary>
    /// <c>{p}-raw@1</c> → <c>{p}-clean@1</c> (derived), <c>{p}-holdout@1</c>; <c>{p}@1</c> trained on clean and evaluated on
    /// holdout; a pii-scan on clean; a deployment blocked before promotion; alice requests production and dave rejects it;
    /// alice requests it again and bob (risk-officer) and carol approve; then it is deployed to prod-eu.
    /// </summary>
    public static async Task<Lifecycle> Run(LedgerApp ledger, string prefix)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        var answers = new List<JsonObject>();
        var pipeline = ledger.Client("ci-bot", "pipeline");
        var artifact = Sha('e');
        var (raw, clean, holdout) = ($"{prefix}-raw@1", $"{prefix}-clean@1", $"{prefix}-holdout@1");
        answers.Add(await pipeline.Post("/v1/datasets", Dataset($"{prefix}-raw", "1", Sha('1'))).Expect(HttpStatusCode.Created));
        answers.Add(await pipeline.Post("/v1/datasets", Dataset($"{prefix}-clean", "1", Sha('2'), [raw])).Expect(HttpStatusCode.Created));
        answers.Add(await pipeline.Post("/v1/datasets", Dataset($"{prefix}-holdout", "1", Sha('3'))).Expect(HttpStatusCode.Created));
        answers.Add(await pipeline.Post($"/v1/datasets/{clean}/checks", new { check = "pii-scan", result = "passed", details = "scanner 2.1" })
            .Expect(HttpStatusCode.OK));
        answers.Add(await pipeline.Post($"/v1/models/{prefix}/versions", ModelVersion("1", artifact, clean)).Expect(HttpStatusCode.Created));
        answers.Add(await pipeline.Post($"/v1/models/{prefix}/versions/1/evaluations",
            new { dataset = holdout, metrics = new { auc = 0.91, accuracy = 0.87 } }).Expect(HttpStatusCode.Created));
        answers.Add(await pipeline.Post("/v1/deployments", Deployment(prefix, "1", "prod-eu", artifact)).Expect(HttpStatusCode.Conflict));

        var first = await ledger.Client("alice", "approver").Post("/v1/promotions", Promotion(prefix, "1", "production"))
            .Expect(HttpStatusCode.Created);
        answers.Add(first);
        var rejected = (string)first["id"]!;
        answers.Add(await ledger.Client("dave", "approver").Post($"/v1/promotions/{rejected}/approvals",
            Approval("reject", $"dave wants a fairness review of {prefix}")).Expect(HttpStatusCode.OK));
        var requested = await ledger.Client("alice", "approver").Post("/v1/promotions", Promotion(prefix, "1", "production"))
            .Expect(HttpStatusCode.Created);
        answers.Add(requested);
        var promotion = (string)requested["id"]!;
        answers.Add(await ledger.Client("bob", "approver", "risk-officer").Post($"/v1/promotions/{promotion}/approvals",
            Approval("approve", $"bob checked {prefix}")).Expect(HttpStatusCode.OK));
        answers.Add(await ledger.Client("carol", "approver").Post($"/v1/promotions/{promotion}/approvals",
            Approval("approve", $"carol signs off {prefix}")).Expect(HttpStatusCode.OK));
        var deployed = await pipeline.Post("/v1/deployments", Deployment(prefix, "1", "prod-eu", artifact)).Expect(HttpStatusCode.Created);
        answers.Add(deployed);
        return new Lifecycle(prefix, raw, clean, holdout, prefix, $"{prefix}@1", rejected, promotion, (string)deployed["id"]!, artifact, answers);
    }
}
