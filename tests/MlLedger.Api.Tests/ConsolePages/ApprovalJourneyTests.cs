using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using MlLedger.Api.Tests.Browser;
using MlLedger.Api.Tests.Infrastructure;
using static MlLedger.Api.Tests.Infrastructure.Requests;

namespace MlLedger.Api.Tests.ConsolePages;

/// <summary>
/// The console end to end, in Chromium, against the real identity provider and the shipped policies (production: two
/// approvers other than the requester, one a risk officer): a pipeline registers data and a model version, pat requests
/// production, alice and rita approve in the browser, the version reaches production; the requester cannot decide, a
/// pipeline identity gets a 403 page, an auditor downloads a report whose digest is the one the ledger recorded, and
/// signing out ends the session.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class ApprovalJourneyTests(PostgresFixture postgres, Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    private const string Hostile = "<img src=x onerror=alert(1)>";
    private ConsoleLedger _console = null!;
    private string _promotion = "";

    public async Task InitializeAsync()
    {
        _console = await ConsoleLedger.StartAsync(postgres);
        var pipeline = await _console.PipelineApi();
        await pipeline.Post("/v1/datasets", Dataset("journey-train", "1", sha: Sha('1'))).Expect(HttpStatusCode.Created);
        await pipeline.Post("/v1/datasets/journey-train@1/checks", new { check = "pii-scan", result = "passed" }).Expect(HttpStatusCode.OK);
        var holdout = new { name = "journey-holdout", version = "1", uri = "s3://bucket/holdout/1", sha256 = Sha('2'), license = "CC-BY-4.0",
            containsPersonalData = false, tags = new[] { "holdout" }, derivedFrom = Array.Empty<string>() };
        await pipeline.Post("/v1/datasets", holdout).Expect(HttpStatusCode.Created);
        await pipeline.Post("/v1/models/journey/versions", ModelVersion("1", Sha('7'), "journey-train@1")).Expect(HttpStatusCode.Created);
        await pipeline.Post("/v1/models/journey/versions/1/evaluations", new { dataset = "journey-holdout@1", metrics = new { auc = 0.91 } })
            .Expect(HttpStatusCode.Created);
        var requested = await (await _console.PersonApi("pat")).Post("/v1/promotions", Promotion("journey", "1")).Expect(HttpStatusCode.Created);
        _promotion = (string)requested["id"]!;
    }

    public async Task DisposeAsync() => await _console.DisposeAsync();

    [Fact]
    public async Task Approvers_sign_in_find_the_promotion_in_their_inbox_approve_it_and_the_version_reaches_production()
    {
        var auditorApi = await _console.PersonApi("audrey");

        // alice: finds it in her inbox, opens it, sees the artifact her approval is bound to, approves with a comment
        var alice = await _console.SignedIn(chromium, "alice");
        var dialogs = 0;
        alice.Dialog += (_, dialog) => { dialogs++; _ = dialog.DismissAsync(); };
        await alice.GetByRole(AriaRole.Link, new() { Name = "journey 1" }).ClickAsync();
        Assert.EndsWith($"/promotions/{_promotion}", alice.Url);
        Assert.Contains($"sha256:{Sha('7')}", await alice.Locator(".panel").InnerTextAsync());
        await alice.CheckAsync("input[name=decision][value=approve]");
        await alice.FillAsync("#comment", Hostile);
        await alice.GetByRole(AriaRole.Button, new() { Name = "Record my decision" }).ClickAsync();

        var notice = await alice.Locator(".notice").InnerTextAsync();
        Assert.Contains("ApprovalGranted", notice);
        var seq = long.Parse(await alice.Locator(".notice a").First.InnerTextAsync().ContinueWith(t => t.Result.Replace("Entry ", "")),
            System.Globalization.CultureInfo.InvariantCulture);
        // free text is text: the comment shows as typed, and no element came of it
        Assert.Equal(Hostile, await alice.Locator("td[data-label=Comment]").First.InnerTextAsync());
        Assert.Equal(0, await alice.Locator("img[src=x]").CountAsync());
        Assert.Equal(0, dialogs);

        var entry = await auditorApi.GetAsync($"/v1/entries/{seq}").Expect(HttpStatusCode.OK);
        Assert.Equal("ApprovalGranted", (string?)entry["eventType"]);
        Assert.Equal("alice", (string?)entry["event"]!["approver"]);
        Assert.Equal(Hostile, (string?)entry["event"]!["comment"]);
        Assert.Contains((string)entry["hash"]!, notice);
        var verification = await auditorApi.GetAsync($"/v1/verification/streams?stream=promotions/{_promotion}").Expect(HttpStatusCode.OK);
        Assert.True((bool)verification["valid"]!, verification.ToJsonString());

        // rita, a risk officer, completes the quorum
        var rita = await _console.SignedIn(chromium, "rita", $"/promotions/{_promotion}");
        await rita.CheckAsync("input[name=decision][value=approve]");
        await rita.FillAsync("#comment", "risk reviewed");
        await rita.GetByRole(AriaRole.Button, new() { Name = "Record my decision" }).ClickAsync();
        Assert.Contains("PromotionApproved", await rita.Locator(".notice").InnerTextAsync());
        Assert.Equal("approved", await rita.Locator("h1 .tag").TextContentAsync());
        var model = await auditorApi.GetAsync("/v1/models/journey/versions/1").Expect(HttpStatusCode.OK);
        Assert.Equal("production", (string?)model["stage"]);
    }

    [Fact]
    public async Task The_requester_sees_no_decision_form_and_a_forged_decision_is_refused()
    {
        var pat = await _console.SignedIn(chromium, "pat", $"/promotions/{_promotion}");
        Assert.Equal(0, await pat.Locator("form[action$='/decision']").CountAsync());
        Assert.Contains("You requested this promotion", await pat.Locator("#decide + p").InnerTextAsync());

        // the page's own form token (from the sign-out form), then a decision the page never offered
        var token = await pat.Locator("input[name=__RequestVerificationToken]").First.GetAttributeAsync("value");
        var forged = await pat.Context.APIRequest.PostAsync(new Uri(_console.Address, $"/promotions/{_promotion}/decision").AbsoluteUri, new()
        {
            Form = Form(pat.Context.APIRequest, ("__RequestVerificationToken", token!), ("decision", "approve"), ("comment", "my own"), ("version", "2"), ("key", "forged-1")),
        });
        Assert.Equal(409, forged.Status);
        Assert.Contains("self-approval", await forged.TextAsync());

        var withoutToken = await pat.Context.APIRequest.PostAsync(new Uri(_console.Address, $"/promotions/{_promotion}/decision").AbsoluteUri, new()
        {
            Form = Form(pat.Context.APIRequest, ("decision", "approve"), ("comment", "my own"), ("version", "2"), ("key", "forged-2")),
        });
        Assert.Equal(400, withoutToken.Status);

        var promotion = await (await _console.PersonApi("audrey")).GetAsync($"/v1/promotions/{_promotion}").Expect(HttpStatusCode.OK);
        Assert.Empty(promotion["decisions"]!.AsArray()); // neither was recorded
    }

    [Fact]
    public async Task A_pipeline_identity_gets_a_403_page()
    {
        var percy = await _console.SignedIn(chromium, "percy");
        var again = await percy.GotoAsync(new Uri(_console.Address, "/trail").AbsoluteUri);
        Assert.Equal(403, again!.Status);
        Assert.Equal("You cannot open this page", await percy.Locator("h1").InnerTextAsync());
    }

    [Fact]
    public async Task An_auditor_downloads_a_compliance_report_whose_digest_is_the_one_recorded_then_signs_out()
    {
        var auditorApi = await _console.PersonApi("audrey");
        await Log.LogClient.CheckpointCovering(auditorApi, await _console.Ledger.StoredEntries());
        var audrey = await _console.SignedIn(chromium, "audrey", "/reports");
        await audrey.FillAsync("#c-model", "journey");
        await audrey.FillAsync("#c-version", "1");
        var download = await audrey.RunAndWaitForDownloadAsync(() => audrey.Locator("form[action='/reports/compliance'] button").ClickAsync());
        var file = Path.GetTempFileName();
        await download.SaveAsAsync(file);
        var digest = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(file)));
        File.Delete(file);

        var issued = await auditorApi.GetAsync("/v1/entries?type=ReportIssued").Expect(HttpStatusCode.OK);
        var seq = (long)issued["items"]![0]!["seq"]!;
        Assert.Equal("audrey", (string?)issued["items"]![0]!["actor"]);
        var entry = await auditorApi.GetAsync($"/v1/entries/{seq}").Expect(HttpStatusCode.OK);
        Assert.Equal(digest, (string?)entry["event"]!["sha256"]);
        await audrey.GotoAsync(new Uri(_console.Address, "/reports").AbsoluteUri);
        Assert.Contains(digest, await audrey.Locator("table").InnerTextAsync());

        await ProviderSignIn.SignOutAsync(audrey, _console.Provider, () => audrey.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync());
        await audrey.GotoAsync(new Uri(_console.Address, "/reports").AbsoluteUri);
        Assert.StartsWith(_console.Provider.Issuer, audrey.Url); // no session: the console asks the provider again
    }

    private static IFormData Form(IAPIRequestContext request, params (string Name, string Value)[] fields)
    {
        var form = request.CreateFormData();
        foreach (var (name, value) in fields)
        {
            form.Set(name, value);
        }

        return form;
    }
}
