using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlLedger.Api.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;
using static MlLedger.Api.Tests.Infrastructure.Requests;

namespace MlLedger.Api.Tests;

/// <summary>
/// Many writers at once on one stream. The contract for a racing writer that sent no If-Match: the ledger decides
/// again on fresh state until it gets a definite answer (a success, or a refusal with its rule's code), never a 5xx
/// and never a <c>concurrency-conflict</c> the client would have to retry. Whatever the interleaving, the stored
/// streams hold what the rules allow, each success exactly once, at gapless versions, and the ledger verifies.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class RaceTests(LedgerFixture shared, ITestOutputHelper output) : IClassFixture<LedgerFixture>
{
    private const int Writers = 64;
    private const int Pipelines = 32;
    private readonly LedgerApp _ledger = shared.App;
    private readonly HttpClient _pipeline = shared.App.Client("ci-bot", "pipeline");

    private sealed record Answer(string Writer, HttpStatusCode Status, string Body)
    {
        public JsonObject Json => JsonNode.Parse(Body)!.AsObject();
        public string? Code => Status >= HttpStatusCode.BadRequest ? (string?)Json["code"] : null;
        public override string ToString() => $"{Writer}: {(int)Status} {Body}";
    }

    private sealed record StoredEvent(long Version, string Type, string? Approver);

    [Fact]
    public async Task Sixty_four_approvers_racing_on_a_production_promotion_approve_it_once_with_exactly_the_quorum()
    {
        var promotion = await RequestedProduction("race64-approve");
        var writers = Approvers(Writers - 2).Append("approver-1").Append("alice").ToList(); // approver-1 twice; alice requested it

        var answers = await Race(writers, w => Send(_ledger.Client(w, "approver"), w, $"/v1/promotions/{promotion}/approvals", Approval()));

        Report("64 approvers, one promotion", answers);
        AssertOnly(answers, HttpStatusCode.OK, "promotion-not-pending", "already-decided", "self-approval");
        Assert.True(answers.Single(a => a.Writer == "alice").Code is "self-approval" or "promotion-not-pending", "the requester approved");
        Assert.True(answers.Count(a => a.Writer == "approver-1" && a.Status == HttpStatusCode.OK) <= 1, "approver-1 counted twice");
        var approved = answers.Where(a => a.Status == HttpStatusCode.OK).Select(a => a.Writer).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(2, approved.Count);

        var events = await Stream($"promotions/{promotion}");
        AssertGapless(events);
        Assert.Single(events, e => e.Type == "PromotionApproved");
        Assert.Equal(approved, events.Where(e => e.Type == "ApprovalGranted").Select(e => e.Approver!).Order(StringComparer.Ordinal).ToList());
        Assert.Equal("PromotionApproved", events[^1].Type); // nothing stored after the decision
        var details = await _pipeline.GetAsync($"/v1/promotions/{promotion}").Expect(HttpStatusCode.OK);
        Assert.Equal(2, details["approvers"]!.AsArray().Count);
        Assert.Single(await Stream("models/race64-approve/1"), e => e.Type == "ModelVersionStageChanged");
        await AssertLedgerVerifies($"promotions/{promotion}", "models/race64-approve/1");
    }

    [Fact]
    public async Task Sixty_four_writers_racing_with_one_rejection_end_the_promotion_once_as_the_first_decisive_answer_says()
    {
        var promotion = await RequestedProduction("race64-reject");
        var writers = Approvers(Writers - 1).Append("rejecter").ToList();

        var answers = await Race(writers, w => Send(_ledger.Client(w, "approver"), w, $"/v1/promotions/{promotion}/approvals",
            w == "rejecter" ? Approval("reject", "not without a fairness review") : Approval()));

        Report("63 approvals and 1 rejection, one promotion", answers);
        AssertOnly(answers, HttpStatusCode.OK, "promotion-not-pending");
        var events = await Stream($"promotions/{promotion}");
        AssertGapless(events);
        var granted = events.Where(e => e.Type == "ApprovalGranted").Select(e => e.Approver!).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(answers.Where(a => a.Status == HttpStatusCode.OK && a.Writer != "rejecter").Select(a => a.Writer).Order(StringComparer.Ordinal), granted);
        Assert.Single(events, e => e.Type is "PromotionApproved" or "PromotionRejected");
        if (answers.Single(a => a.Writer == "rejecter").Status == HttpStatusCode.OK)
        {
            // the rejection came before the quorum: it ends the promotion and at most one approval preceded it
            Assert.Equal(["ApprovalRejected", "PromotionRejected"], events.TakeLast(2).Select(e => e.Type));
            Assert.True(granted.Count < 2, string.Join(", ", granted));
            Assert.DoesNotContain(await Stream("models/race64-reject/1"), e => e.Type == "ModelVersionStageChanged");
        }
        else
        {
            Assert.Equal("PromotionApproved", events[^1].Type);
            Assert.Equal(2, granted.Count);
            Assert.DoesNotContain(events, e => e.Type == "ApprovalRejected");
        }

        await AssertLedgerVerifies($"promotions/{promotion}", "models/race64-reject/1");
    }

    [Fact]
    public async Task Thirty_two_pipelines_registering_versions_of_one_model_at_once_all_land_once()
    {
        var dataset = (string)(await _pipeline.Post("/v1/datasets", Dataset("race-versions-data", "1")).Expect(HttpStatusCode.Created))["id"]!;
        var before = await _ledger.StoredEntries();
        var versions = Enumerable.Range(1, Pipelines).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();

        var answers = await Race(versions, v => Send(_ledger.Client($"pipeline-{v}", "pipeline"), v, "/v1/models/race-versions/versions",
            ModelVersion(v, null, dataset)));

        Report("32 pipelines, versions of one model", answers);
        AssertOnly(answers, HttpStatusCode.Created);
        Assert.Equal(before + Pipelines, await _ledger.StoredEntries());
        foreach (var v in versions)
        {
            Assert.Equal(["ModelVersionRegistered"], (await Stream($"models/race-versions/{v}")).Select(e => e.Type));
        }

        await AssertLedgerVerifies(versions.Select(v => $"models/race-versions/{v}").ToArray());
    }

    [Fact]
    public async Task Thirty_two_pipelines_recording_evaluations_on_one_model_version_at_once_all_land_once_in_order()
    {
        await Registered("race-evals");
        var pipelines = Enumerable.Range(1, Pipelines).Select(i => $"pipeline-{i}").ToList();
        var before = await _ledger.StoredEntries();

        var answers = await Race(pipelines, p => Send(_ledger.Client(p, "pipeline"), p, "/v1/models/race-evals/versions/1/evaluations",
            new { dataset = "race-evals-data@1", metrics = new { auc = 0.9 } }));

        Report("32 pipelines, evaluations of one model version", answers);
        AssertOnly(answers, HttpStatusCode.Created);
        Assert.Equal(before + Pipelines, await _ledger.StoredEntries());
        var events = await Stream("models/race-evals/1");
        AssertGapless(events);
        Assert.Equal(1 + Pipelines, events.Count);
        var versions = answers.Select(a => (long)a.Json["version"]!).Order().ToList();
        Assert.Equal(Enumerable.Range(2, Pipelines).Select(v => (long)v), versions); // each answer names its own entry
        await AssertLedgerVerifies("models/race-evals/1");
    }

    [Fact]
    public async Task Racing_promotion_requests_for_one_stage_each_open_one_and_only_one_can_complete()
    {
        await Registered("race-requests");
        var pipelines = Enumerable.Range(1, Pipelines / 2).Select(i => $"pipeline-{i}").ToList();

        var requests = await Race(pipelines, p => Send(_ledger.Client(p, "pipeline"), p, "/v1/promotions", Promotion("race-requests", "1", "staging")));

        Report("16 pipelines, promotion requests of one version to staging", requests);
        AssertOnly(requests, HttpStatusCode.Created); // the rules allow several pending promotions of one version
        var ids = requests.Select(a => (string)a.Json["id"]!).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());

        // one approver per pending promotion, all at once: staging needs one approval, so the first to commit moves
        // the version, and every other promotion finds it already in staging
        var approvals = await Race(ids, id => Send(_ledger.Client($"approver-of-{id}", "approver"), id, $"/v1/promotions/{id}/approvals", Approval()));

        Report("16 approvers, one per competing promotion", approvals);
        AssertOnly(approvals, HttpStatusCode.OK, "already-in-stage");
        var winner = approvals.Single(a => a.Status == HttpStatusCode.OK).Writer;
        var model = await Stream("models/race-requests/1");
        AssertGapless(model);
        Assert.Single(model, e => e.Type == "ModelVersionStageChanged");
        foreach (var id in ids)
        {
            var events = await Stream($"promotions/{id}");
            AssertGapless(events);
            Assert.Equal(id == winner ? ["PromotionRequested", "PolicyEvaluated", "ApprovalGranted", "PolicyEvaluated", "PromotionApproved"]
                : ["PromotionRequested", "PolicyEvaluated"], events.Select(e => e.Type));
        }

        await AssertLedgerVerifies();
    }

    private static IEnumerable<string> Approvers(int count) => Enumerable.Range(1, count).Select(i => $"approver-{i}");

    private async Task<string> RequestedProduction(string model)
    {
        await Registered(model);
        using var requester = _ledger.Client("alice", "approver");
        return (string)(await requester.Post("/v1/promotions", Promotion(model, "1", "production")).Expect(HttpStatusCode.Created))["id"]!;
    }

    private async Task Registered(string model)
    {
        var dataset = (string)(await _pipeline.Post("/v1/datasets", Dataset($"{model}-data", "1")).Expect(HttpStatusCode.Created))["id"]!;
        await _pipeline.Post($"/v1/models/{model}/versions", ModelVersion("1", null, dataset)).Expect(HttpStatusCode.Created);
    }

    /// <summary>Starts every writer's request at once and waits for all answers; prints how many attempts were retried.</summary>
    private async Task<IReadOnlyList<Answer>> Race(IEnumerable<string> writers, Func<string, Task<Answer>> send)
    {
        long retries = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "MlLedger.Api" && instrument.Name == "mlledger.write.retries")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref retries, value));
        listener.Start();
        var clock = Stopwatch.StartNew();
        using var start = new SemaphoreSlim(0);
        var list = writers.ToList();
        var tasks = list.Select(async w =>
        {
            await start.WaitAsync();
            return await send(w);
        }).ToList();
        start.Release(list.Count);
        var answers = await Task.WhenAll(tasks);
        output.WriteLine($"  {list.Count} writers answered in {clock.ElapsedMilliseconds} ms after {Interlocked.Read(ref retries)} retried attempts");
        return answers;
    }

    /// <summary>Every answer is <paramref name="success"/> or a 409 refusal with one of <paramref name="refusals"/>.</summary>
    private static void AssertOnly(IEnumerable<Answer> answers, HttpStatusCode success, params string[] refusals)
    {
        var unexpected = answers.Where(a => a.Status != success && !(a.Status == HttpStatusCode.Conflict && refusals.Contains(a.Code))).ToList();
        Assert.True(unexpected.Count == 0, $"{unexpected.Count} unexpected answers:\n{string.Join('\n', unexpected.Take(5))}");
    }

    private static void AssertGapless(IReadOnlyList<StoredEvent> events) =>
        Assert.Equal(Enumerable.Range(1, events.Count).Select(v => (long)v), events.Select(e => e.Version));

    private void Report(string race, IReadOnlyList<Answer> answers) =>
        output.WriteLine($"{race}: {answers.Count} writers; " + string.Join(", ", answers
            .GroupBy(a => a.Code is { } code ? $"{(int)a.Status} {code}" : $"{(int)a.Status}")
            .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} x{g.Count()}")));

    /// <summary>The stored rows of one stream, in version order, straight from the database.</summary>
    private async Task<IReadOnlyList<StoredEvent>> Stream(string key)
    {
        await using var connection = new NpgsqlConnection(_ledger.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT version, type, data->>'approver' FROM mlledger.mt_events WHERE stream_id = $1 ORDER BY version", connection);
        command.Parameters.AddWithValue(key);
        await using var reader = await command.ExecuteReaderAsync();
        var events = new List<StoredEvent>();
        while (await reader.ReadAsync())
        {
            events.Add(new StoredEvent(reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        }

        return events;
    }

    /// <summary>Verifies the named streams, or with none named the whole ledger.</summary>
    private async Task AssertLedgerVerifies(params string[] streams)
    {
        using var auditor = _ledger.Client("audrey", "auditor");
        foreach (var query in streams.Length == 0 ? [""] : streams.Select(s => $"?stream={Uri.EscapeDataString(s)}"))
        {
            var verification = await auditor.GetAsync($"/v1/verification/streams{query}").Expect(HttpStatusCode.OK);
            Assert.True((bool)verification["valid"]!, verification.ToJsonString());
        }
    }

    private static async Task<Answer> Send(HttpClient client, string writer, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(JsonSerializer.Serialize(body, JsonSerializerOptions.Web), Encoding.UTF8, "application/json"),
        };
        using var response = await client.SendAsync(request);
        return new Answer(writer, response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
