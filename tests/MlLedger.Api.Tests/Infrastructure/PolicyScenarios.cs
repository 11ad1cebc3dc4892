using System.Net;
using static MlLedger.Api.Tests.Infrastructure.Requests;

namespace MlLedger.Api.Tests.Infrastructure;

/// <summary>What the shipped production policy looks at, registered through the API under a model's own names.</summary>
public static class PolicyScenarios
{
    private static readonly string[] TrainTags = ["train"];
    private static readonly string[] HoldoutTags = ["holdout"];

    /// <summary>The artifact sha256 every scenario model version is registered with.</summary>
    public static string Artifact { get; } = Sha('d');

    /// <summary>
    /// Registers <c>{model}-train@1</c> (CC-BY-4.0, with a pii-scan result), <c>{model}-holdout@1</c> (tagged holdout),
    /// <c>{model}@1</c> trained on the first, and its AUC on the second.
    /// </summary>
    /// <returns>The artifact sha256.</returns>
    public static async Task<string> RegisterModel(HttpClient pipeline, string model, double auc, string piiScan = "passed")
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        await pipeline.Post("/v1/datasets", DatasetBody($"{model}-train", TrainTags, Sha('a'))).Expect(HttpStatusCode.Created);
        await pipeline.Post("/v1/datasets", DatasetBody($"{model}-holdout", HoldoutTags, Sha('c'))).Expect(HttpStatusCode.Created);
        await pipeline.Post($"/v1/datasets/{model}-train@1/checks", new { check = "pii-scan", result = piiScan, details = "scanner 2.1" })
            .Expect(HttpStatusCode.OK);
        await pipeline.Post($"/v1/models/{model}/versions", ModelVersion("1", Artifact, $"{model}-train@1")).Expect(HttpStatusCode.Created);
        await pipeline.Post($"/v1/models/{model}/versions/1/evaluations", new { dataset = $"{model}-holdout@1", metrics = new { auc } })
            .Expect(HttpStatusCode.Created);
        return Artifact;
    }

    /// <summary>alice requests production; bob (approver) and carol (approver, risk-officer) approve.</summary>
    /// <returns>The answer to the completing approval.</returns>
    public static async Task<System.Text.Json.Nodes.JsonObject> PromoteToProduction(LedgerApp ledger, string model)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        var promotion = (string)(await ledger.Client("alice", "approver").Post("/v1/promotions", Promotion(model, "1", "production"))
            .Expect(HttpStatusCode.Created))["id"]!;
        await ledger.Client("bob", "approver").Post($"/v1/promotions/{promotion}/approvals", Approval()).Expect(HttpStatusCode.OK);
        return await ledger.Client("carol", "approver", "risk-officer").Post($"/v1/promotions/{promotion}/approvals", Approval())
            .Expect(HttpStatusCode.OK);
    }

    private static object DatasetBody(string name, string[] tags, string sha) => new
    {
        name, version = "1", uri = $"s3://bucket/{name}/1", sha256 = sha, license = "CC-BY-4.0",
        containsPersonalData = false, tags, derivedFrom = Array.Empty<string>(),
    };
}
