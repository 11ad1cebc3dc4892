using MlLedger.Api.Hosting;
using MlLedger.Api.Tests.Infrastructure;

namespace MlLedger.Api.Tests.Hosting;

/// <summary>
/// A dev ledger trusts anyone holding its dev key, so it listens on loopback only unless told otherwise; and the
/// embedded cluster's log, which holds fragments of refused requests, is readable by the server's OS user alone.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class ExposureTests(PostgresFixture postgres)
{
    [Theory]
    [InlineData("http://127.0.0.1:5080", false)]
    [InlineData("http://127.0.0.2:5080", false)]
    [InlineData("http://localhost:5080", false)]
    [InlineData("http://[::1]:5080", false)]
    [InlineData("http://unix:/run/mlledger.sock", false)]
    [InlineData("http://0.0.0.0:5080", true)]
    [InlineData("http://*:5080", true)]
    [InlineData("http://+:5080", true)]
    [InlineData("http://[::]:5080", true)]
    [InlineData("http://192.168.1.20:5080", true)]
    [InlineData("https://ledger.example.com", true)]
    [InlineData("http://127.0.0.1:5080;http://0.0.0.0:5081", true)]
    public void A_listen_address_is_reachable_from_other_machines_unless_it_is_loopback(string urls, bool reachable) =>
        Assert.Equal(reachable, DevModeExposure.Reachable(urls).Count > 0);

    [Fact]
    public async Task Dev_mode_on_an_address_other_machines_reach_refuses_to_start_without_the_flag()
    {
        var refused = await Assert.ThrowsAsync<HostConfigurationException>(() =>
            LedgerApp.StartAsync(postgres, o => o with { DevMode = true, Jwt = new Auth.JwtSettings(), Urls = "http://0.0.0.0:0" }));
        Assert.Contains("--dev-on-network", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dev_mode_with_the_flag_starts_on_the_network()
    {
        await using var ledger = await LedgerApp.StartAsync(postgres, o => o with
        {
            DevMode = true, DevModeOnNetwork = true, Jwt = new Auth.JwtSettings(), Urls = "http://0.0.0.0:0",
        });
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ledger.Address.Port}") };
        using var health = await client.GetAsync("/healthz");
        Assert.True(health.IsSuccessStatusCode);
    }

    [Fact]
    public async Task The_serve_command_refuses_dev_mode_on_the_network_before_it_starts_anything()
    {
        var directory = Directory.CreateTempSubdirectory("mlledger-exposure-").FullName;
        try
        {
            var cli = typeof(MlLedger.Cli.ExitCodes).Assembly.Location;
            var result = await Processes.Run("dotnet", cli, "serve", "--dev", "--urls", "http://0.0.0.0:5099", "--data-dir", directory,
                "--policies", LedgerApp.QuorumPolicies);

            Assert.True(result.ExitCode == 2, result.Output);
            Assert.Contains("--dev-on-network", result.Output, StringComparison.Ordinal);
            Assert.False(Directory.Exists(Path.Combine(directory, "pg")), "the embedded cluster was started");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task The_embedded_cluster_log_is_private_to_the_server_user_even_when_an_earlier_one_was_not()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"mlledger-pglog-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        var log = Path.Combine(directory, "pg.log");
        await File.WriteAllTextAsync(log, "left by an earlier version\n");
        File.SetUnixFileMode(log, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        try
        {
            await using (var cluster = await EmbeddedPostgres.StartAsync(directory))
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(Path.GetDirectoryName(cluster.ClusterDirectory)!, "pg.log")));
                var owner = await Processes.Run("stat", "-c", "%U", Path.Combine(Path.GetDirectoryName(cluster.ClusterDirectory)!, "pg.log"));
                Assert.Equal(Environment.UserName == "root" ? "postgres" : Environment.UserName, owner.Output.Trim());
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
