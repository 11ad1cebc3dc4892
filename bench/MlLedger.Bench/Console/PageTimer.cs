using System.Diagnostics;
using Npgsql;
using static MlLedger.Bench.Report;

namespace MlLedger.Bench;

/// <summary>One kind of GET the console mode times: who sends it, where (the <c>n</c>th request's path), and a text its answer must hold.</summary>
/// <param name="PlainSqlParameters">The parameters of the plain Npgsql statement the request runs, when known (for --explain).</param>
internal sealed record PageTarget(string Name, HttpClient Client, Func<int, string> Path, string Expect, object[]? PlainSqlParameters = null);

/// <summary>One timed request: at the client (to the answer's last byte), at the server, and the CPU time around it.</summary>
internal sealed record PageSample(long Client, ServerTimes Server, long Bytes, TimeSpan ProcessCpu, TimeSpan PostgresCpu);

/// <summary>
/// Sends the targets' requests one at a time, round robin (each round sends every target once), so that every figure comes
/// from the same minutes of the machine; each request is timed at the client and by the <see cref="RequestProbe"/>, and the CPU
/// time of this process (host and client) and of PostgreSQL is read around it from /proc (10 ms ticks: a figure per request
/// only as the mean of many).
/// </summary>
internal sealed class PageTimer(RequestProbe probe, CpuMeter cpu)
{
    public async Task<Dictionary<PageTarget, List<PageSample>>> RunAsync(IReadOnlyList<PageTarget> targets, int rounds, CancellationToken ct)
    {
        var samples = targets.ToDictionary(t => t, _ => new List<PageSample>(rounds));
        for (var round = 0; round < rounds; round++)
        {
            foreach (var target in targets)
            {
                samples[target].Add(await SendAsync(target, round, ct));
            }
        }

        probe.Disarm();
        return samples;
    }

    private async Task<PageSample> SendAsync(PageTarget target, int n, CancellationToken ct)
    {
        var path = target.Path(n);
        var before = cpu.Read();
        probe.Arm();
        var start = Stopwatch.GetTimestamp();
        using var response = await target.Client.GetAsync(path, HttpCompletionOption.ResponseContentRead, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        var ticks = Stopwatch.GetTimestamp() - start;
        var server = await probe.CollectAsync(ct);
        var used = cpu.Read() - before;
        if (!response.IsSuccessStatusCode || !body.Contains(target.Expect, StringComparison.Ordinal))
        {
            throw new BenchFailure($"{target.Name}: GET {path} answered {(int)response.StatusCode} without \"{target.Expect}\": " +
                                   (body.Length <= 600 ? body : body[..600] + "…"));
        }

        return new PageSample(ticks, server, body.Length, used.Process, used.Postgres);
    }

    /// <summary>
    /// Sends one request of the target with its SQL kept, and prints the statements with their durations; with
    /// <paramref name="plans"/>, also the plan of each Marten command and of the plain statement whose parameters are known.
    /// </summary>
    public async Task ShowSqlAsync(PageTarget target, SqlPlans? plans, CancellationToken ct)
    {
        probe.Arm(keepStatements: true);
        var path = target.Path(0);
        long ticks = 0;
        async Task Send()
        {
            var start = Stopwatch.GetTimestamp();
            using var response = await target.Client.GetAsync(path, ct);
            await response.Content.ReadAsStringAsync(ct);
            ticks = Stopwatch.GetTimestamp() - start;
        }

        IReadOnlyList<NpgsqlCommand> marten = [];
        if (plans is null)
        {
            await Send();
        }
        else
        {
            marten = await plans.CatchAsync(Send);
        }

        var server = await probe.CollectAsync(ct);
        Console.WriteLine($"SQL of {target.Name} (GET {SqlPlans.Shorten(path, 90)}): client {F(Milliseconds(ticks))} ms, endpoint {F(Milliseconds(server.Endpoint))} ms, " +
                          $"{server.Commands} commands, {F(Milliseconds(server.Sql))} ms");
        foreach (var (sql, ms) in probe.Statements)
        {
            Console.WriteLine($"  {F(ms, "0.000"),8} ms  {SqlPlans.OneLine(sql)}");
        }

        if (plans is null)
        {
            return;
        }

        foreach (var command in marten)
        {
            await plans.PrintAsync(command.CommandText, command.Parameters.Select(p => p.Clone()), ct);
        }

        if (target.PlainSqlParameters is not { } values)
        {
            return;
        }

        foreach (var sql in probe.Statements.Select(s => s.Sql).Where(sql => marten.All(c => c.CommandText != sql)))
        {
            await plans.PrintAsync(sql, values.Select(v => new NpgsqlParameter { Value = v }), ct);
        }
    }

}
