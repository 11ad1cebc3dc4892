using System.Globalization;
using MlLedger.Api.Hosting;
using MlLedger.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace MlLedger.Api.Tests.Faults;

/// <summary>
/// <c>mlledger serve</c> in a process of its own, killed with SIGKILL again and again while pipelines write, and its
/// PostgreSQL stopped and started under the same load. After every restart the ledger serves again; at the end every
/// acknowledged entry is stored as acknowledged, none is half-written, a checkpoint covers them all, the self-check
/// passes and <c>mlledger verify</c> accepts an export of the whole log.
/// By default 3 kills and 1 outage; <c>scripts/soak</c> runs the same drill longer through MLLEDGER_SOAK_KILLS,
/// MLLEDGER_SOAK_OUTAGES and MLLEDGER_SOAK_REPORT (a file the figures are written to).
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class CrashTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    /// <summary>Acknowledged writes between two faults, so that every fault strikes a ledger under load.</summary>
    private const int WritesBetweenFaults = 15;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"mlledger-crash-{Guid.NewGuid():N}");
    private readonly TestIssuer _issuer = new();
    private EmbeddedPostgres _cluster = null!;
    private ServeProcess _ledger = null!;

    public async Task InitializeAsync()
    {
        _cluster = await EmbeddedPostgres.StartAsync(Path.Combine(_directory, "postgres"));
        _ledger = await ServeProcess.StartAsync(_cluster.ConnectionStringFor(EmbeddedPostgres.DatabaseName), Path.Combine(_directory, "ledger"), _issuer);
    }

    public async Task DisposeAsync()
    {
        // also after a failed start: nothing is left running
        if (_ledger is not null)
        {
            await _ledger.DisposeAsync();
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }

    public void Dispose() => _issuer.Dispose();

    [Fact]
    public async Task Given_writes_under_way_When_the_ledger_is_killed_and_PostgreSQL_stops_Then_nothing_acknowledged_is_lost_and_the_log_verifies()
    {
        var kills = Setting("MLLEDGER_SOAK_KILLS", 3);
        var outages = Setting("MLLEDGER_SOAK_OUTAGES", 1);
        var load = WriteLoad.Start(_ledger.Address, () => _issuer.Token("ci-bot", "pipeline"), writers: 4, "crash");
        try
        {
            for (var kill = 1; kill <= kills; kill++)
            {
                await Acknowledged(load);
                _ledger.Kill();
                await _ledger.RestartAsync();
            }

            for (var outage = 1; outage <= outages; outage++)
            {
                await Acknowledged(load);
                await _cluster.InterruptAsync();
                var before = load.Answers.Count;
                await Eventually.Get(() => Task.FromResult(load.Answers.Skip(before).Count(a => a.Status == 503) >= 10 ? "" : null),
                    "writes answered 503 during the outage");
                await _cluster.ResumeAsync();
            }

            await Acknowledged(load);
        }
        finally
        {
            await load.DisposeAsync();
        }

        var answers = load.Answers;
        using var pipeline = Client("ci-bot", "pipeline");
        var resolved = await LedgerAudit.Resolve(pipeline, answers);
        var acknowledged = answers.Where(a => a.Status == 201).Concat(resolved.Where(r => r.Status == 201)).ToList();
        using var auditor = Client("audrey", "auditor");
        var figures = await LedgerAudit.Run(_cluster.ConnectionStringFor(EmbeddedPostgres.DatabaseName), auditor, acknowledged,
            Path.Combine(_directory, "audit"));

        var others = answers.Count(a => a.Status is not (201 or 503 or WriteLoad.Unreachable)) + resolved.Count(r => r.Status != 201);
        var report = string.Join('\n',
            $"writes attempted   {load.Writes} datasets in {answers.Count} requests",
            $"acknowledged (201) {answers.Count(a => a.Status == 201)}",
            $"answered 503       {answers.Count(a => a.Status == 503)}",
            $"unreachable        {answers.Count(a => a.Status == WriteLoad.Unreachable)} (the ledger was killed)",
            $"other statuses     {others}",
            $"settled at the end {resolved.Count} (retried with their key after the load stopped; {resolved.Count(r => r.Status == 201)} answered 201)",
            $"kills              {kills}",
            $"outages            {outages}",
            $"stored entries     {figures.StoredEntries} (checkpoint covers {figures.CheckpointSize}; without envelope {figures.WithoutEnvelope})",
            $"entries lost       {figures.Lost}",
            $"self-check         {(figures.SelfCheckValid ? "valid" : "INVALID")}",
            $"mlledger verify    {(figures.VerifyExitCode == 0 ? "passed" : $"FAILED (exit {figures.VerifyExitCode})")}",
            $"slowest answer     {Slowest(answers, _ => true)} ms (of a 503: {Slowest(answers, a => a.Status == 503)} ms)",
            $"answers            {LedgerAudit.Tally(answers)}");
        output.WriteLine(report);
        if (Environment.GetEnvironmentVariable("MLLEDGER_SOAK_REPORT") is { Length: > 0 } file)
        {
            await File.WriteAllTextAsync(file, report + "\n");
        }

        Assert.True(others == 0, $"every write is acknowledged, answered 503 or refused by a killed ledger:\n{report}\n" +
                                  answers.Concat(resolved).FirstOrDefault(a => a.Status is not (201 or 503 or WriteLoad.Unreachable)));
        Assert.True(figures.Passed, $"{report}\n{figures.VerifyOutput}\n--- ledger output\n{Tail(_ledger.Output)}");
        Assert.Equal(acknowledged.Count, acknowledged.Select(a => a.Seq).Distinct().Count());
        Assert.Equal(kills + 1, _ledger.Starts);
    }

    /// <summary>Waits for <see cref="WritesBetweenFaults"/> more acknowledged writes: the ledger is up and under load.</summary>
    private static async Task Acknowledged(WriteLoad load)
    {
        var target = load.Count(201) + WritesBetweenFaults;
        await Eventually.Get(() => Task.FromResult(load.Count(201) >= target ? "" : null), $"{target} acknowledged writes");
    }

    private HttpClient Client(string subject, params string[] roles)
    {
        var client = new HttpClient { BaseAddress = _ledger.Address, Timeout = WriteLoad.AnswerTimeout };
        client.DefaultRequestHeaders.Authorization = new("Bearer", _issuer.Token(subject, roles));
        return client;
    }

    private static int Setting(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : fallback;

    private static long Slowest(IEnumerable<WriteAnswer> answers, Func<WriteAnswer, bool> which) =>
        (long)answers.Where(which).Select(a => a.Took.TotalMilliseconds).DefaultIfEmpty(0).Max();

    private static string Tail(string text) => text.Length <= 20_000 ? text : text[^20_000..];
}
