using System.Text.Json.Nodes;
using MlLedger.Api.Tests.Cli;
using MlLedger.Api.Tests.Infrastructure;
using MlLedger.Api.Tests.Log;
using static MlLedger.Api.Tests.Reports.ReportClient;

namespace MlLedger.Api.Tests.Reports;

/// <summary>
/// The auditor's offline check of a report: with the PDF, the trusted root and an audit bundle, <c>mlledger verify-report</c>
/// proves the ledger issued this exact PDF and that the entries it cites are leaves under its checkpoint.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class VerifyReportTests(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("mlledger-verify-report-").FullName;
    private LedgerApp _ledger = null!;
    private string _root = "";
    private string _pdf = "";
    private string _bundleBefore = "";
    private string _bundle = "";

    private HttpClient Auditor => _ledger.Client("audrey", "auditor");

    public async Task InitializeAsync()
    {
        _ledger = await LedgerApp.StartAsync(postgres);
        var life = await Lifecycles.Run(_ledger, "vr");
        await SettledCheckpoint(_ledger, Auditor);
        _bundleBefore = await Export();
        var report = await Get(Auditor, $"/v1/reports/compliance/{life.Model}/1.pdf");
        _pdf = await Save("report.pdf", report.Pdf);
        await SettledCheckpoint(_ledger, Auditor); // the ReportIssued entry under a checkpoint
        _bundle = await Export();
        _root = await Save("trusted_root.json", System.Text.Encoding.UTF8.GetBytes(await Auditor.GetStringAsync("/v1/log/trusted-root")));
    }

    public async Task DisposeAsync()
    {
        await _ledger.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_report_the_ledger_issued_verifies_offline()
    {
        var result = await CliRunner.Run("verify-report", _pdf, "--trusted-root", _root, "--bundle", _bundle, "--output", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = JsonNode.Parse(result.Output)!;
        Assert.True((bool)json["isValid"]!);
        Assert.True((int)json["citationsChecked"]! >= 20, result.Output);
        Assert.Equal(["bundle", "checkpoint", "same-log", "issued", "checkpoint-root", "citations"],
            json["checks"]!.AsArray().Select(c => (string)c!["name"]!).ToArray());
    }

    [Fact]
    public async Task A_changed_pdf_is_not_the_one_the_ledger_issued()
    {
        var changed = await Save("changed.pdf", [.. await File.ReadAllBytesAsync(_pdf), .. "\n% appended\n"u8.ToArray()]);

        var result = await CliRunner.Run("verify-report", changed, "--trusted-root", _root, "--bundle", _bundle, "--output", "json");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.False((bool)JsonNode.Parse(result.Output)!["checks"]!.AsArray().Single(c => (string)c!["name"]! == "issued")!["passed"]!);
    }

    [Fact]
    public async Task A_bundle_from_before_the_report_was_issued_cannot_prove_it_was_issued()
    {
        var result = await CliRunner.Run("verify-report", _pdf, "--trusted-root", _root, "--bundle", _bundleBefore, "--output", "json");

        Assert.True(result.ExitCode == 1, result.ToString());
        var checks = JsonNode.Parse(result.Output)!["checks"]!.AsArray();
        Assert.False((bool)checks.Single(c => (string)c!["name"]! == "issued")!["passed"]!);
        Assert.True((bool)checks.Single(c => (string)c!["name"]! == "citations")!["passed"]!); // the facts are still in the log
    }

    [Fact]
    public async Task A_report_against_another_ledgers_trust_root_does_not_verify()
    {
        await using var other = await LedgerApp.StartAsync(postgres);
        var otherRoot = await Save("other_root.json", System.Text.Encoding.UTF8.GetBytes(
            await other.Client("audrey", "auditor").GetStringAsync("/v1/log/trusted-root")));

        var result = await CliRunner.Run("verify-report", _pdf, "--trusted-root", otherRoot, "--bundle", _bundle);

        Assert.True(result.ExitCode == 1, result.ToString());
    }

    [Fact]
    public async Task Usage_errors_exit_2()
    {
        var notPdf = await Save("not.pdf", "hello"u8.ToArray());
        Assert.Equal(2, (await CliRunner.Run("verify-report", notPdf, "--trusted-root", _root, "--bundle", _bundle)).ExitCode);
        Assert.Equal(2, (await CliRunner.Run("verify-report", _pdf, "--trusted-root", _root)).ExitCode);
        Assert.Equal(2, (await CliRunner.Run("verify-report", _pdf, "--trusted-root", _root, "--bundle", _root)).ExitCode);
    }

    private async Task<string> Export()
    {
        using var response = await Auditor.GetAsync("/v1/export");
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await Save($"export-{Guid.NewGuid():N}.jsonl", await response.Content.ReadAsByteArrayAsync());
    }

    private async Task<string> Save(string name, byte[] bytes)
    {
        var path = Path.Combine(_directory, name);
        await File.WriteAllBytesAsync(path, bytes);
        return path;
    }
}
