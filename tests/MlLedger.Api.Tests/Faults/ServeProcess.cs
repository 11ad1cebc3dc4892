using System.Diagnostics;
using System.Net;
using MlLedger.Api.Hosting;
using System.Text;
using MlLedger.Api.Tests.Infrastructure;

namespace MlLedger.Api.Tests.Faults;

/// <summary>
/// <c>mlledger serve</c> as an operator runs it, in a process of its own so that it can be killed (SIGKILL, no
/// shutdown of any kind) and started again on the same port, data directory and database. It trusts the test issuer.
/// </summary>
public sealed class ServeProcess : IAsyncDisposable
{
    private readonly string _connectionString;
    private readonly string _dataDirectory;
    private readonly string[] _tokenArguments;
    private readonly StringBuilder _output = new();
    private Process? _process;

    private ServeProcess(string connectionString, string dataDirectory, string[] tokenArguments, int port)
    {
        _connectionString = connectionString;
        _dataDirectory = dataDirectory;
        _tokenArguments = tokenArguments;
        Address = new Uri($"http://127.0.0.1:{port}/");
    }

    public Uri Address { get; }

    public int Starts { get; private set; }

    /// <summary>Starts the ledger on a free loopback port and waits until it is ready.</summary>
    public static async Task<ServeProcess> StartAsync(string connectionString, string dataDirectory, TestIssuer issuer)
    {
        Directory.CreateDirectory(dataDirectory);
        var keyFile = Path.Combine(dataDirectory, "issuer.pem");
        await File.WriteAllTextAsync(keyFile, issuer.PublicKeyPem);
        return await StartAsync(connectionString, dataDirectory,
            ["--jwt-public-key", keyFile, "--jwt-issuer", TestIssuer.Issuer, "--jwt-audience", TestIssuer.Audience]);
    }

    /// <summary>Starts the ledger with its own token validation flags (<c>--jwt-*</c>) and waits until it is ready.</summary>
    public static async Task<ServeProcess> StartAsync(string connectionString, string dataDirectory, string[] tokenArguments)
    {
        Directory.CreateDirectory(dataDirectory);
        var serve = new ServeProcess(connectionString, dataDirectory, tokenArguments, LoopbackPorts.Free());
        await serve.RestartAsync();
        return serve;
    }

    /// <summary>Starts the ledger again (after <see cref="Kill"/>) and waits until /readyz answers 200.</summary>
    public async Task RestartAsync()
    {
        if (_process is { HasExited: false })
        {
            throw new InvalidOperationException("the ledger is still running");
        }

        _process?.Dispose();
        var start = new ProcessStartInfo("dotnet",
        [
            Path.Combine(AppContext.BaseDirectory, "mlledger.dll"), "serve",
            "--db", _connectionString, "--urls", Address.ToString().TrimEnd('/'), "--data-dir", _dataDirectory,
            .. _tokenArguments,
            "--policies", LedgerApp.QuorumPolicies, "--log-name", LedgerApp.LogOrigin, "--checkpoint-interval-ms", "100",
        ])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start mlledger serve");
        process.OutputDataReceived += (_, line) => Append(line.Data);
        process.ErrorDataReceived += (_, line) => Append(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        Starts++;

        try
        {
            await Ready(process);
        }
        catch
        {
            Kill(); // a ledger that never became ready is not left running
            throw;
        }
    }

    private async Task Ready(Process process)
    {
        using var probe = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.Get(async () =>
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"mlledger serve exited with {process.ExitCode}:\n{Output}");
            }

            try
            {
                using var ready = await probe.GetAsync("/readyz");
                return ready.StatusCode == HttpStatusCode.OK ? "ready" : null;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return null;
            }
        }, $"mlledger serve (start {Starts}) to be ready");
    }

    /// <summary>kill -9: the process ends at once, whatever it was doing.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
    }

    /// <summary>Everything the ledger printed, over all its starts.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process?.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
