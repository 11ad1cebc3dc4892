using System.Security.Cryptography;
using MlLedger.Api.Tests.Cli;
using MlLedger.Api.Tests.Infrastructure;
using MlLedger.Reports.Manifest;

namespace MlLedger.Api.Tests.Reports;

/// <summary><c>mlledger report</c> against a running ledger: the PDF saved, its digest and entry printed; refusals exit 2.</summary>
[Collection(LedgerCollection.Name)]
public sealed class ReportCommandTests(LedgerFixture shared) : IClassFixture<LedgerFixture>
{
    private readonly LedgerApp _ledger = shared.App;

    [Fact]
    public async Task An_auditor_downloads_a_compliance_report_and_sees_its_digest_and_entry()
    {
        var life = await Lifecycles.Run(_ledger, "cli-rep");
        await ReportClient.SettledCheckpoint(_ledger, _ledger.Client("audrey", "auditor"));
        var directory = Directory.CreateTempSubdirectory("mlledger-cli-report-").FullName;
        try
        {
            var output = Path.Combine(directory, "out", "cli-rep-1.pdf");
            var result = await CliRunner.Run("report", "compliance", "--model", life.Model, "--version", "1", "-o", output,
                "--server", _ledger.Address.ToString(), "--token", _ledger.Issuer.Token("audrey", ["auditor"]));

            Assert.True(result.ExitCode == 0, result.ToString());
            var pdf = await File.ReadAllBytesAsync(output);
            Assert.Contains($"sha256 {Convert.ToHexStringLower(SHA256.HashData(pdf))}", result.Output, StringComparison.Ordinal);
            Assert.Matches(@"issued as entry \d+ \(ReportIssued\)", result.Output);
            Assert.Equal($"{life.Model}@1", ReportManifest.Read(pdf).Subject);
            Assert.False(File.Exists(output + ".partial"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_pipeline_token_is_refused_and_the_command_exits_2_without_a_file()
    {
        var life = await Lifecycles.Run(_ledger, "cli-rep-403");
        var output = Path.Combine(Path.GetTempPath(), $"mlledger-{Guid.NewGuid():N}.pdf");

        var result = await CliRunner.Run("report", "compliance", "--model", life.Model, "--version", "1", "-o", output,
            "--server", _ledger.Address.ToString(), "--token", _ledger.Issuer.Token("ci-bot", ["pipeline"]));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("403", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }
}
