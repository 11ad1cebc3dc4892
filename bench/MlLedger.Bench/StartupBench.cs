using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using MlLedger.Api.Auth;
using MlLedger.Api.Hosting;
using static MlLedger.Bench.Report;

namespace MlLedger.Bench;

/// <summary>
/// Time from starting <c>mlledger serve</c> (the built CLI, in a process of its own) to the first answers: /healthz,
/// /readyz, and a first dataset registration answered 201. One cold start on an empty data directory (the embedded
/// cluster is created), then warm starts of the same directory, each stopped with SIGTERM; then warm starts against
/// a PostgreSQL already running (--db), which leaves out the cluster's own start.
/// </summary>
internal static class StartupBench
{
    private const double TargetSeconds = 3;

    public static async Task RunAsync(BenchOptions options, CancellationToken ct)
    {
        Heading("startup mode: mlledger serve to its first served requests");
        var cli = await BuildCliAsync(ct);
        var directory = Path.Combine(Path.GetTempPath(), $"mlledger-startup-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        try
        {
            var embedded = Path.Combine(directory, "embedded");
            var cold = await StartOnceAsync(cli, embedded, null, options.PoliciesDirectory, 0, ct);
            Console.WriteLine($"  cold (new data directory, initdb): {cold.Line}");
            var warm = new List<Start>();
            for (var i = 1; i <= options.Starts; i++)
            {
                warm.Add(await StartOnceAsync(cli, embedded, null, options.PoliciesDirectory, i, ct));
                Console.WriteLine($"  warm, embedded PostgreSQL, run {i}: {warm[^1].Line}");
            }

            await using var postgres = await EmbeddedPostgres.StartAsync(Path.Combine(directory, "external"), ct);
            var external = new List<Start>();
            for (var i = 0; i <= options.Starts; i++)
            {
                var start = await StartOnceAsync(cli, Path.Combine(directory, "with-db"), postgres.ConnectionStringFor(EmbeddedPostgres.DatabaseName),
                    options.PoliciesDirectory, 100 + i, ct);
                Console.WriteLine($"  {(i == 0 ? "first (schema created)" : $"warm, --db, run {i}")}: {start.Line}");
                if (i > 0)
                {
                    external.Add(start);
                }
            }

            var worst = warm.Max(s => s.FirstWrite.TotalSeconds);
            Summary.AtMost("startup", $"serve -> first write answered, warm, embedded PostgreSQL (worst of {warm.Count})", worst, "s", TargetSeconds,
                $"/healthz after {F(warm.Max(s => s.Health.TotalSeconds))} s");
            Summary.AtMost("startup", $"  same with --db, PostgreSQL already running (worst of {external.Count})", external.Max(s => s.FirstWrite.TotalSeconds),
                "s", TargetSeconds, $"/healthz after {F(external.Max(s => s.Health.TotalSeconds))} s");
            Summary.Note("startup", "  cold start, new data directory", $"{F(cold.FirstWrite.TotalSeconds)} s");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private sealed record Start(TimeSpan Health, TimeSpan Ready, TimeSpan FirstWrite, TimeSpan Stop)
    {
        public string Line =>
            $"/healthz {F(Health.TotalSeconds)} s, /readyz {F(Ready.TotalSeconds)} s, first write 201 {F(FirstWrite.TotalSeconds)} s; stopped in {F(Stop.TotalSeconds)} s";
    }

    private static async Task<Start> StartOnceAsync(string cli, string dataDirectory, string? db, string policies, int run, CancellationToken ct)
    {
        var port = LoopbackPorts.Free();
        var address = new Uri($"http://127.0.0.1:{port}");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { cli, "serve", "--dev", "--data-dir", dataDirectory, "--urls", address.ToString().TrimEnd('/'), "--policies", policies })
        {
            info.ArgumentList.Add(arg);
        }

        if (db is not null)
        {
            info.ArgumentList.Add("--db");
            info.ArgumentList.Add(db);
        }

        var output = new Queue<string>();
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new BenchFailure("could not start mlledger serve");
        void Keep(object _, DataReceivedEventArgs e)
        {
            lock (output)
            {
                output.Enqueue(e.Data ?? "");
                if (output.Count > 40)
                {
                    output.Dequeue();
                }
            }
        }

        process.OutputDataReceived += Keep;
        process.ErrorDataReceived += Keep;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
            var health = await UntilAsync(client, () => new HttpRequestMessage(HttpMethod.Get, "/healthz"), 200, clock, process, output, ct);
            var ready = await UntilAsync(client, () => new HttpRequestMessage(HttpMethod.Get, "/readyz"), 200, clock, process, output, ct);
            // the dev issuer's key is created by serve itself; a token can only be minted once it exists
            using var tokens = DevTokens.Load(Path.Combine(dataDirectory, "keys"));
            var token = tokens.Mint("bench-startup", ["pipeline"], TimeSpan.FromHours(1), DateTimeOffset.UtcNow);
            var write = await UntilAsync(client, () =>
            {
                var request = LoadLoop.PostJson("/v1/datasets",
                    JsonSerializer.Serialize(TrafficSender.Dataset($"startup-{run}@1"), JsonSerializerOptions.Web));
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                return request;
            }, 201, clock, process, output, ct);

            var stopping = Stopwatch.StartNew();
            using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync(ct);
            }

            await process.WaitForExitAsync(ct).WaitAsync(TimeSpan.FromSeconds(60), ct);
            return new Start(health, ready, write, stopping.Elapsed);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
            }
        }
    }

    /// <summary>Sends the request every 5 ms until it is answered with <paramref name="status"/>; answers the time since start.</summary>
    private static async Task<TimeSpan> UntilAsync(HttpClient client, Func<HttpRequestMessage> request, int status, Stopwatch clock, Process process,
        Queue<string> output, CancellationToken ct)
    {
        while (true)
        {
            if (process.HasExited || clock.Elapsed > TimeSpan.FromMinutes(2))
            {
                string[] lines;
                lock (output)
                {
                    lines = [.. output];
                }

                throw new BenchFailure($"mlledger serve {(process.HasExited ? $"exited ({process.ExitCode})" : "did not answer in 2 minutes")}; " +
                                       $"its last output:{Environment.NewLine}{string.Join(Environment.NewLine, lines)}");
            }

            try
            {
                using var message = request();
                using var response = await client.SendAsync(message, ct);
                if ((int)response.StatusCode == status)
                {
                    return clock.Elapsed;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                // not answering yet
            }

            await Task.Delay(5, ct);
        }
    }

    /// <summary>
    /// Builds the CLI once (not timed) from the source tree the bench runs in, or takes the one built elsewhere that
    /// <c>MLLEDGER_BENCH_CLI</c> names (its mlledger.dll: e.g. an older commit's, to compare against).
    /// </summary>
    internal static async Task<string> BuildCliAsync(CancellationToken ct)
    {
        if (Environment.GetEnvironmentVariable("MLLEDGER_BENCH_CLI") is { Length: > 0 } prebuilt)
        {
            Console.WriteLine($"mlledger taken from MLLEDGER_BENCH_CLI={prebuilt}");
            return File.Exists(prebuilt) ? Path.GetFullPath(prebuilt) : throw new BenchFailure($"MLLEDGER_BENCH_CLI names no file: {prebuilt}");
        }

        var root = Directory.GetCurrentDirectory();
        while (!File.Exists(Path.Combine(root, "MlLedger.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new BenchFailure("startup mode runs from the source tree (MlLedger.sln not found above the current directory)");
        }

        var output = Path.Combine(Path.GetTempPath(), "mlledger-bench-cli");
        var build = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "build", Path.Combine(root, "src", "MlLedger.Cli"), "-c", "Release", "-o", output, "-v", "quiet", "-nologo" })
        {
            build.ArgumentList.Add(arg);
        }

        using var process = Process.Start(build) ?? throw new BenchFailure("could not run dotnet build");
        var text = await process.StandardOutput.ReadToEndAsync(ct) + await process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
        {
            throw new BenchFailure($"building the CLI failed:{Environment.NewLine}{text}");
        }

        Console.WriteLine($"mlledger built from {root} into {output}");
        return Path.Combine(output, "mlledger.dll");
    }
}
