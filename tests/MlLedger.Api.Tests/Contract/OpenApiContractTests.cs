using System.Net;
using System.Net.Http.Headers;
using System.Text;
using MlLedger.Api.Tests.Infrastructure;
using static MlLedger.Api.Tests.Infrastructure.Requests;

namespace MlLedger.Api.Tests.Contract;

/// <summary>
/// The OpenAPI document is the contract: a ledger's whole life (every write, every read, every role) and the refusals
/// each kind of endpoint gives (401, 403, 400, 404, 409, 412, 413, 415) are answered, recorded, and held to the
/// document; every status must be declared for its operation and every JSON body must fit its declared schema exactly.
/// Every operation of the document must have been called.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class OpenApiContractTests(PostgresFixture postgres) : IAsyncLifetime
{
    private LedgerApp _ledger = null!;

    public async Task InitializeAsync() => _ledger = await LedgerApp.StartAsync(postgres);

    public async Task DisposeAsync() => await _ledger.DisposeAsync();

    [Fact]
    public async Task Every_answer_of_a_ledgers_life_is_declared_in_the_OpenAPI_document_with_the_shape_it_has()
    {
        var recorder = new AnswerRecorder();
        _ledger.Recorder = recorder;
        var document = new ContractDocument(await _ledger.Anonymous().GetStringAsync("/openapi/v1.json"));

        var life = await Lifecycles.Run(_ledger, "ct");
        await Log.LogClient.CheckpointCovering(_ledger.Client("audrey", "auditor"), 1);
        await Reads(life);
        await Refusals(life);

        // the API; health checks (plain text for probes) and the document itself are not operations of it
        var answers = recorder.Answers.Where(a => a.Path.StartsWith("/v1/", StringComparison.Ordinal)).ToList();
        var problems = answers.Select(document.Problem).OfType<string>().Distinct().ToList();
        Assert.True(problems.Count == 0, $"{problems.Count} answers are not in the document:\n{string.Join("\n", problems.Take(25))}");

        var called = answers.Select(a => (a.Method.ToLowerInvariant(), document.Template(a.Method, a.Path))).ToHashSet();
        var uncalled = document.Document["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(o => (Method: o.Key, Path: p.Key)))
            .Where(o => !called.Contains((o.Method, o.Path))).Select(o => $"{o.Method.ToUpperInvariant()} {o.Path}").ToList();
        Assert.True(uncalled.Count == 0, $"operations the test did not call: {string.Join(", ", uncalled)}");
    }

    private async Task Reads(Lifecycle life)
    {
        var auditor = _ledger.Client("audrey", "auditor");
        var admin = _ledger.Client("root", "admin");
        string[] paths =
        [
            "/healthz", "/readyz", "/openapi/v1.json",
            "/v1/datasets", $"/v1/datasets/{life.Clean}", $"/v1/datasets/{life.Raw}/impact",
            "/v1/models", $"/v1/models/{life.Model}/versions", $"/v1/models/{life.Model}/versions/1",
            "/v1/promotions", "/v1/promotions?awaiting=me", $"/v1/promotions/{life.PromotionId}",
            "/v1/deployments", $"/v1/deployments/{life.DeploymentId}",
            "/v1/entries", "/v1/entries/1", "/v1/entries/1/bundle", "/v1/keys",
            "/v1/verification/streams", "/v1/verification/log",
            "/v1/log/checkpoint", "/v1/log/checkpoints/1", "/v1/log/proof/inclusion?seq=1", "/v1/log/proof/consistency?from=1&to=1",
            "/v1/log/trusted-root", "/v1/export", $"/v1/lineage/model-version/{life.ModelVersion}", "/v1/policy/set",
            $"/v1/policy/decisions/{life.Seqs.Min()}/replay",
            $"/v1/reports/compliance/{life.Model}/1.pdf", "/v1/reports/audit-period.pdf?from=2026-01-01T00:00:00Z&to=2030-01-01T00:00:00Z",
            $"/v1/reports/dataset-impact/{life.Raw}.pdf",
        ];
        foreach (var path in paths)
        {
            using var response = await auditor.GetAsync(path);
        }

        await admin.PostAsync("/v1/keys/rotation", null);
        await _ledger.Client("ci", "pipeline").Post("/v1/policy/check", new { model = life.Model, version = "1", targetStage = "production" });
    }

    private async Task Refusals(Lifecycle life)
    {
        var pipeline = _ledger.Client("ci", "pipeline");
        var auditor = _ledger.Client("audrey", "auditor");
        await _ledger.Anonymous().GetAsync("/v1/promotions");                                    // 401
        await _ledger.ClientWithToken("not-a-token").PostAsync("/v1/datasets", null);            // 401
        await auditor.Post("/v1/datasets", Dataset("ct-refused", "1"));                          // 403
        await _ledger.Client("nobody").GetAsync("/v1/entries");                                  // 403
        await auditor.GetAsync("/v1/datasets/ct-none@1");                                        // 404
        await auditor.GetAsync("/v1/entries/999999");                                            // 404
        await auditor.GetAsync("/v1/models/ct-none/versions");                                   // 404
        await auditor.GetAsync("/v1/promotions?status=open");                                   // 400
        await auditor.GetAsync("/v1/entries?from=yesterday");                                    // 400
        await pipeline.Post("/v1/datasets", new { name = "ct bad name" });                       // 400
        await pipeline.Post("/v1/datasets", Dataset($"{life.Prefix}-raw", "1", Sha('1')));       // 409 already registered
        await pipeline.Post("/v1/models/ct-own/versions", ModelVersion("1", Sha('8'), life.Clean)).Expect(HttpStatusCode.Created);
        var own = await _ledger.Client("pat", "approver").Post("/v1/promotions", Promotion("ct-own", "1", "staging")).Expect(HttpStatusCode.Created);
        var id = (string?)own["id"];
        await _ledger.Client("pat", "approver").Post($"/v1/promotions/{id}/approvals", Approval()); // 409 self-approval
        using (var stale = new HttpRequestMessage(HttpMethod.Post, $"/v1/promotions/{id}/approvals")
        {
            Content = System.Net.Http.Json.JsonContent.Create(Approval()),
            Headers = { IfMatch = { new EntityTagHeaderValue("\"1\"") } },
        })
        {
            await _ledger.Client("bob", "approver").SendAsync(stale);                              // 412
        }

        await _ledger.Client("pat", "approver").Post($"/v1/promotions/{id}/withdrawal", new { reason = "superseded" });
        await pipeline.Post("/v1/models/ct-own/versions/1/retirement", new { reason = "superseded" });
        await pipeline.Post($"/v1/datasets/{life.Holdout}/withdrawal", new { reason = "mislabelled" });
        await pipeline.Post($"/v1/deployments/{life.DeploymentId}/rollback", new { reason = "latency" });
        await pipeline.Post($"/v1/deployments/{life.DeploymentId}/retirement", new { reason = "gone" }); // 409: rolled back already
        await pipeline.PostAsync("/v1/datasets", new StringContent("name=x", Encoding.UTF8, "text/plain")); // 415
        await pipeline.PostAsync("/v1/datasets", new StringContent(new string(' ', 300_000), Encoding.UTF8, "application/json")); // 413
    }
}
