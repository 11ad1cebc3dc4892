using System.Net;
using System.Text.Json.Nodes;
using MlLedger.Api.Tests.Infrastructure;
using MlLedger.Reports.Manifest;
using static MlLedger.Api.Tests.Reports.ReportClient;

namespace MlLedger.Api.Tests.Reports;

/// <summary>The auditor's reports, read back as text and checked against what the ledger recorded.</summary>
[Collection(LedgerCollection.Name)]
public sealed class ReportTests(LedgerFixture shared) : IClassFixture<LedgerFixture>
{
    private readonly LedgerApp _ledger = shared.App;

    private HttpClient Auditor => _ledger.Client("audrey", "auditor");

    [Fact]
    public async Task A_compliance_report_prints_every_approval_decision_and_deployment_of_its_model_and_nothing_of_others()
    {
        var life = await Lifecycles.Run(_ledger, "rep-comp");
        var other = await Lifecycles.Run(_ledger, "rep-leak");
        var size = await SettledCheckpoint(_ledger, Auditor);

        var report = await Get(Auditor, $"/v1/reports/compliance/{life.Model}/1.pdf");

        var promotion = await Auditor.GetAsync($"/v1/promotions/{life.PromotionId}").Expect(HttpStatusCode.OK);
        var digest = (string)promotion["decision"]!["policySetDigest"]!;
        string[] expected =
        [
            life.ModelVersion, life.Artifact, life.Raw, life.Clean, life.Holdout, Requests.Sha('1'), Requests.Sha('2'), Requests.Sha('3'),
            life.PromotionId, life.RejectedPromotionId, life.DeploymentId, digest,
            "bob", "carol", "dave", $"bob checked {life.Prefix}", $"carol signs off {life.Prefix}", $"dave wants a fairness review of {life.Prefix}",
            "risk-officer", "pii-scan", "CC-BY-4.0", "auc", "0.91", "accuracy", "prod-eu", "production", "stage-not-reached",
            $"{size}",
        ];
        Assert.All(expected, s => Assert.True(report.Mentions(s), $"the report does not mention {s}"));
        Assert.All(new[] { other.Prefix, other.PromotionId, other.DeploymentId }, s => Assert.False(report.Mentions(s), $"{s} leaked in"));
        Assert.All(report.Pages.Select((text, i) => (text, i)), p =>
            Assert.Contains($"Page {p.i + 1} of {report.Pages.Count}", p.text, StringComparison.Ordinal));
        var cited = ReportManifest.Read(report.Pdf).Citations.Select(c => c.Seq).ToHashSet();
        Assert.Superset(life.Seqs.ToHashSet(), cited); // every entry of the model's life is cited ...
        Assert.Empty(cited.Intersect(other.Seqs));      // ... and none of the other model's
    }

    [Fact]
    public async Task The_same_report_as_of_the_same_checkpoint_is_byte_identical_and_each_issue_is_a_ledger_entry()
    {
        var life = await Lifecycles.Run(_ledger, "rep-same");
        var size = await SettledCheckpoint(_ledger, Auditor);

        var first = await Get(Auditor, $"/v1/reports/compliance/{life.Model}/1.pdf?asOf={size}");
        await _ledger.Client("ci-bot", "pipeline").Post("/v1/datasets", Requests.Dataset("rep-same-later", "1")).Expect(HttpStatusCode.Created);
        await SettledCheckpoint(_ledger, Auditor);
        var again = await Get(Auditor, $"/v1/reports/compliance/{life.Model}/1.pdf?asOf={size}");
        var latest = await Get(Auditor, $"/v1/reports/compliance/{life.Model}/1.pdf");

        Assert.Equal(first.Sha256, again.Sha256);
        Assert.Equal(first.Pdf, again.Pdf);
        Assert.NotEqual(first.Sha256, latest.Sha256); // a later checkpoint is another report
        Assert.NotEqual(first.IssuedSeq, again.IssuedSeq);
        foreach (var issued in new[] { first, again })
        {
            var entry = (await Auditor.GetAsync($"/v1/entries/{issued.IssuedSeq}").Expect(HttpStatusCode.OK)).ToJsonString();
            Assert.Contains("\"ReportIssued\"", entry, StringComparison.Ordinal);
            Assert.Contains($"\"sha256\":\"{first.Sha256}\"", entry, StringComparison.Ordinal);
            Assert.Contains($"\"treeSize\":{size}", entry, StringComparison.Ordinal);
            Assert.Contains($"\"rootHash\":\"{ReportManifest.Read(first.Pdf).RootHash}\"", entry, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_report_as_of_an_earlier_checkpoint_leaves_out_what_came_after_it()
    {
        var pipeline = _ledger.Client("ci-bot", "pipeline");
        await pipeline.Post("/v1/datasets", Requests.Dataset("rep-then-train", "1")).Expect(HttpStatusCode.Created);
        await pipeline.Post("/v1/models/rep-then/versions", Requests.ModelVersion("1", Requests.Sha('e'), "rep-then-train@1")).Expect(HttpStatusCode.Created);
        var then = await SettledCheckpoint(_ledger, Auditor);
        await pipeline.Post("/v1/models/rep-then/versions/1/evaluations", new { dataset = "rep-then-train@1", metrics = new { f1 = 0.777 } })
            .Expect(HttpStatusCode.Created);
        await SettledCheckpoint(_ledger, Auditor);

        var old = await Get(Auditor, $"/v1/reports/compliance/rep-then/1.pdf?asOf={then}");
        var now = await Get(Auditor, "/v1/reports/compliance/rep-then/1.pdf");

        Assert.False(old.Mentions("0.777"));
        Assert.True(now.Mentions("0.777"));
    }

    [Fact]
    public async Task The_audit_period_report_lists_promotions_refusals_and_approvers_and_says_there_are_no_duty_exceptions()
    {
        var start = WholeSecond(DateTimeOffset.UtcNow.AddSeconds(-1));
        var life = await Lifecycles.Run(_ledger, "rep-period");
        await SettledCheckpoint(_ledger, Auditor);
        var end = WholeSecond(DateTimeOffset.UtcNow.AddSeconds(2));

        var report = await Get(Auditor, Period(start, end));

        Assert.All(new[] { life.PromotionId, life.RejectedPromotionId, life.DeploymentId, "bob", "carol", "dave", "stage-not-reached" },
            s => Assert.True(report.Mentions(s), $"the report does not mention {s}"));
        Assert.Contains("No separation-of-duties exceptions", report.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_promotion_requested_before_the_period_is_in_it_when_it_was_reviewed_in_it_and_one_wholly_before_is_not()
    {
        var before = await Lifecycles.Run(_ledger, "rep-edge-old");
        await PolicyScenarios.RegisterModel(_ledger.Client("ci-bot", "pipeline"), "rep-edge", auc: 0.93);
        var promotion = (string)(await _ledger.Client("alice", "approver").Post("/v1/promotions", Requests.Promotion("rep-edge", "1", "production"))
            .Expect(HttpStatusCode.Created))["id"]!;
        var start = WholeSecond(DateTimeOffset.UtcNow.AddSeconds(1));
        while (DateTimeOffset.UtcNow < start.AddMilliseconds(50))
        {
            await Task.Delay(50);
        }

        await _ledger.Client("erin", "approver").Post($"/v1/promotions/{promotion}/approvals", Requests.Approval("approve", "erin in the period"))
            .Expect(HttpStatusCode.OK);
        await SettledCheckpoint(_ledger, Auditor);

        var report = await Get(Auditor, Period(start, start.AddMinutes(5)));

        Assert.True(report.Mentions(promotion), "the promotion reviewed in the period is missing");
        Assert.True(report.Mentions("erin in the period") || report.Mentions("erin"), "the review in the period is missing");
        Assert.All(new[] { before.PromotionId, before.RejectedPromotionId, before.DeploymentId }, s => Assert.False(report.Mentions(s), $"{s} is from before the period"));
    }

    private static DateTimeOffset WholeSecond(DateTimeOffset t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);

    private static string Period(DateTimeOffset from, DateTimeOffset to) =>
        $"/v1/reports/audit-period.pdf?from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}";

    [Fact]
    public async Task The_dataset_impact_report_names_the_models_built_on_it_and_where_they_are_deployed()
    {
        var life = await Lifecycles.Run(_ledger, "rep-impact");
        var other = await Lifecycles.Run(_ledger, "rep-impact-other");
        await SettledCheckpoint(_ledger, Auditor);

        var report = await Get(Auditor, $"/v1/reports/dataset-impact/{life.Raw}.pdf");

        Assert.All(new[] { life.Raw, life.Clean, life.ModelVersion, life.DeploymentId, "prod-eu", "trained-on via" },
            s => Assert.True(report.Mentions(s), $"the report does not mention {s}"));
        Assert.False(report.Mentions(life.Holdout)); // upstream of the model, not downstream of the dataset
        Assert.False(report.Mentions(other.Prefix));
    }

    [Theory]
    [InlineData("pipeline", HttpStatusCode.Forbidden)]
    [InlineData("approver", HttpStatusCode.Forbidden)]
    [InlineData("admin", HttpStatusCode.OK)]
    public async Task Only_auditors_and_admins_read_reports(string role, HttpStatusCode status)
    {
        var life = await Lifecycles.Run(_ledger, $"rep-role-{role}");
        await SettledCheckpoint(_ledger, Auditor);
        using var response = await _ledger.Client("someone", role).GetAsync($"/v1/reports/compliance/{life.Model}/1.pdf");
        Assert.Equal(status, response.StatusCode);
        using var anonymous = await _ledger.Anonymous().GetAsync($"/v1/reports/compliance/{life.Model}/1.pdf");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Theory]
    [InlineData("/v1/reports/compliance/nope/1.pdf", HttpStatusCode.NotFound, "not-found")]
    [InlineData("/v1/reports/dataset-impact/nope@1.pdf", HttpStatusCode.NotFound, "not-found")]
    [InlineData("/v1/reports/compliance/nope/1.pdf?asOf=0", HttpStatusCode.BadRequest, "bad-as-of")]
    [InlineData("/v1/reports/compliance/nope/1.pdf?asOf=999999999", HttpStatusCode.NotFound, "no-checkpoint")]
    [InlineData("/v1/reports/audit-period.pdf?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", HttpStatusCode.BadRequest, "bad-period")]
    [InlineData("/v1/reports/audit-period.pdf?from=yesterday&to=2026-01-01T00:00:00Z", HttpStatusCode.BadRequest, "bad-period")]
    [InlineData("/v1/reports/audit-period.pdf", HttpStatusCode.BadRequest, "bad-period")]
    [InlineData("/v1/reports/audit-period.pdf?from=1/2/2026&to=2026-01-03T00:00:00Z", HttpStatusCode.BadRequest, "bad-period")]
    [InlineData("/v1/reports/audit-period.pdf?from=2026-01-01T00:00:00.5Z&to=2026-01-03T00:00:00Z", HttpStatusCode.BadRequest, "bad-period")]
    public async Task Bad_report_requests_get_a_clear_problem(string path, HttpStatusCode status, string code)
    {
        await SettledCheckpoint(_ledger, Auditor);
        var problem = await Auditor.GetAsync(path).Expect(status);
        Assert.Equal(code, (string?)problem["code"]);
    }
}
