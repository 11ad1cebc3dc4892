using System.Diagnostics;
using System.Globalization;

namespace MlLedger.Bench;

/// <summary>
/// <c>mlledger serve</c> (a built CLI) running in a process of its own, its last output lines kept for when it fails.
/// Stopped with SIGTERM on dispose, and killed if it has not stopped a minute later.
/// </summary>
internal sealed class ServedProcess : IAsyncDisposable
{
    private readonly Queue<string> _output = new();

    private ServedProcess(Process process, string cli, IReadOnlyList<string> arguments)
    {
        Process = process;
        Cli = cli;
        Arguments = arguments;
    }

    public Process Process { get; }

    public string Cli { get; }

    public IReadOnlyList<string> Arguments { get; }

    /// <summary>Starts <c>dotnet CLI ARGS</c> and waits (at most three minutes) until <paramref name="address"/> answers /readyz with 200.</summary>
    public static async Task<ServedProcess> StartAsync(string cli, IReadOnlyList<string> arguments, Uri address, CancellationToken ct)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(cli);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var served = new ServedProcess(Process.Start(info) ?? throw new BenchFailure("could not start mlledger serve"), cli, arguments);
        served.Process.OutputDataReceived += served.Keep;
        served.Process.ErrorDataReceived += served.Keep;
        served.Process.BeginOutputReadLine();
        served.Process.BeginErrorReadLine();
        try
        {
            using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
            var clock = Stopwatch.StartNew();
            while (true)
            {
                if (served.Process.HasExited || clock.Elapsed > TimeSpan.FromMinutes(3))
                {
                    throw new BenchFailure($"mlledger serve {(served.Process.HasExited ? $"exited ({served.Process.ExitCode})" : "was not ready in 3 minutes")}; " +
                                           $"its last output:{Environment.NewLine}{served.LastOutput()}");
                }

                try
                {
                    using var ready = await client.GetAsync("/readyz", ct);
                    if (ready.IsSuccessStatusCode)
                    {
                        return served;
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

                await Task.Delay(50, ct);
            }
        }
        catch
        {
            await served.DisposeAsync();
            throw;
        }
    }

    public string LastOutput()
    {
        lock (_output)
        {
            return string.Join(Environment.NewLine, _output);
        }
    }

    private void Keep(object sender, DataReceivedEventArgs e)
    {
        lock (_output)
        {
            _output.Enqueue(e.Data ?? "");
            if (_output.Count > 40)
            {
                _output.Dequeue();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            using (var term = Process.Start("kill", ["-TERM", Process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            try
            {
                await Process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
            }
            catch (TimeoutException)
            {
                Process.Kill(entireProcessTree: true);
                await Process.WaitForExitAsync();
            }
        }

        Process.Dispose();
    }
}
