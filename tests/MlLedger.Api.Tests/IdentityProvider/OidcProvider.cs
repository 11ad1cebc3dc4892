using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using MlLedger.Api.Auth.Authority;
using MlLedger.Api.Hosting;
using MlLedger.Api.Tests.Infrastructure;

namespace MlLedger.Api.Tests.IdentityProvider;

/// <summary>
/// A real OpenID Provider, oidc-provider 8.8.1 on Node.js (tests/interop/oidc, installed by scripts/test from its
/// package-lock.json), on a loopback port over HTTPS with a certificate of a CA made for it (<see cref="CaFile"/>).
/// Its access tokens are ES256 JWTs with audience <c>mlledger</c> and a <c>roles</c> claim. People sign in on its dev
/// pages (<see cref="DeviceApproval"/> without a browser, <c>Browser.ProviderSignIn</c> with one); the web console signs
/// them in as <see cref="ConsoleClient"/>. The test rotates and removes its signing keys through the process's stdin.
/// Stopped (and its files removed) on dispose.
/// </summary>
public sealed class OidcProvider : IAsyncDisposable
{
    public const string Audience = "mlledger";
    public const string Resource = "urn:mlledger";

    /// <summary>Clients of the client credentials grant: id, secret, roles of their tokens.</summary>
    public static readonly (string Id, string Secret, string[] Roles)[] Pipelines =
    [
        ("ci-pipeline", "pipeline-secret-0123456789abcdef", ["pipeline"]),
        ("ci-approver", "approver-secret-0123456789abcdef", ["approver"]),
        ("ci-short", "short-secret-0123456789abcdef", ["pipeline"]), // tokens that live 20 s: renewed on every use
    ];

    /// <summary>Public clients of the device authorization grant (with refresh tokens); the -short one's tokens live 20 s.</summary>
    public const string DeviceClient = "mlledger-cli";
    public const string ShortDeviceClient = "mlledger-cli-short";

    /// <summary>
    /// Accounts people sign in with on the provider's pages, and their roles. Pat asks for promotions and approves
    /// others'; he must not be able to approve his own.
    /// </summary>
    public static readonly Dictionary<string, string[]> Accounts = new()
    {
        ["alice"] = ["approver"], ["audrey"] = ["auditor"], ["paul"] = ["pipeline"],
        ["rita"] = ["approver", "risk-officer"], ["pat"] = ["pipeline", "approver"], ["percy"] = ["pipeline"],
    };

    private readonly Process _process;
    private readonly Channel<string> _answers = Channel.CreateUnbounded<string>();
    private readonly StringBuilder _errors = new();
    private readonly SemaphoreSlim _commands = new(1, 1);
    private readonly string _directory;
    private readonly HttpClient _http;

    private OidcProvider(Process process, string directory, int port, string issuer, TestCertificates certificates)
    {
        _process = process;
        _directory = directory;
        Port = port;
        Issuer = issuer;
        Certificates = certificates;
        _http = AuthorityHttp.Create(certificates.CaFile);
    }

    public int Port { get; }

    /// <summary>The issuer and authority URL: https://127.0.0.1:PORT (no trailing slash, as the provider writes it).</summary>
    public string Issuer { get; }

    public TestCertificates Certificates { get; }

    public string CaFile => Certificates.CaFile;

    /// <summary>What the provider wrote to stderr.</summary>
    public string Errors
    {
        get
        {
            lock (_errors)
            {
                return _errors.ToString();
            }
        }
    }

    /// <summary>
    /// Starts the provider on <paramref name="port"/> (a free one when 0), with <paramref name="certificates"/>, or else
    /// a certificate of a new CA for 127.0.0.1 and localhost, or for <paramref name="dnsNames"/> only when given. With
    /// <paramref name="console"/> (the web console's base address, e.g. http://127.0.0.1:PORT/) it also knows the
    /// console's client (<see cref="ConsoleClient"/>), which it sends back only to that address.
    /// </summary>
    public static async Task<OidcProvider> StartAsync(
        int port = 0, string[]? dnsNames = null, TestCertificates? certificates = null, Uri? console = null)
    {
        port = port == 0 ? LoopbackPorts.Free() : port;
        var directory = Path.Combine(Path.GetTempPath(), $"mlledger-oidc-{Guid.NewGuid():N}");
        certificates ??= dnsNames is null
            ? TestCertificates.Create(directory, ["127.0.0.1"], ["localhost"])
            : TestCertificates.Create(directory, [], dnsNames);
        Directory.CreateDirectory(directory);
        var issuer = $"https://127.0.0.1:{port}";
        var config = new JsonObject
        {
            ["issuer"] = issuer, ["port"] = port, ["certFile"] = certificates.CertificateFile, ["keyFile"] = certificates.KeyFile,
            ["audience"] = Audience, ["accessTokenTtlSeconds"] = 600, ["cookieKey"] = Convert.ToHexString(Guid.NewGuid().ToByteArray()),
            ["clients"] = ProviderClients.Clients(console), ["accounts"] = ProviderClients.Accounts(),
        };
        var configFile = Path.Combine(directory, "provider.json");
        await File.WriteAllTextAsync(configFile, config.ToJsonString());

        var start = new ProcessStartInfo("node", [Path.Combine(Directories.RepositoryRoot(), "tests", "interop", "oidc", "provider.mjs"), configFile])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
        var provider = new OidcProvider(process, directory, port, issuer, certificates);
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is { } data && data.StartsWith('{'))
            {
                provider._answers.Writer.TryWrite(data); // answers are JSON lines; the provider's own notices are not
            }
            else if (line.Data is { } notice)
            {
                lock (provider._errors)
                {
                    provider._errors.AppendLine(notice);
                }
            }
        };
        process.ErrorDataReceived += (_, line) =>
        {
            lock (provider._errors)
            {
                provider._errors.AppendLine(line.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var listening = await provider.NextAnswer();
            if (listening["listening"]?.GetValue<int>() != port)
            {
                throw new InvalidOperationException($"the provider said {listening}");
            }
        }
        catch
        {
            await provider.DisposeAsync();
            throw;
        }

        return provider;
    }

    /// <summary>An access token of the client credentials grant for one of <see cref="Pipelines"/>.</summary>
    public async Task<string> ClientToken(string clientId)
    {
        var secret = Pipelines.Single(p => p.Id == clientId).Secret;
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Issuer}/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["resource"] = Resource }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{clientId}:{secret}")));
        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"the provider refused a token for {clientId}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>
    /// An access token for <paramref name="account"/>, as a person gets one at the command line: the device authorization
    /// grant of <see cref="DeviceClient"/>, approved on the provider's own pages (<see cref="DeviceApproval"/>).
    /// </summary>
    public async Task<string> PersonToken(string account)
    {
        using var start = await _http.PostAsync($"{Issuer}/device/auth", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = DeviceClient, ["scope"] = "openid", ["resource"] = Resource,
        }));
        var device = JsonDocument.Parse(await start.Content.ReadAsStringAsync()).RootElement;
        Assert.True(start.IsSuccessStatusCode, $"the provider refused a device sign-in: {device}");
        using (var browser = Browser())
        {
            await DeviceApproval.ApproveAsync(browser, device.GetProperty("verification_uri_complete").GetString()!, account);
        }

        using var token = await _http.PostAsync($"{Issuer}/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "urn:ietf:params:oauth:grant-type:device_code", ["client_id"] = DeviceClient,
            ["device_code"] = device.GetProperty("device_code").GetString()!,
        }));
        var body = await token.Content.ReadAsStringAsync();
        Assert.True(token.IsSuccessStatusCode, $"the provider gave no token for {account}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>A new key signs from now on; the others stay published. The key ids published, the signing one first.</summary>
    public async Task<string[]> Rotate() => Published(await Command("rotate"));

    /// <summary>The provider stops publishing <paramref name="kid"/>.</summary>
    public async Task<string[]> Remove(string kid) => Published(await Command($"remove {kid}"));

    /// <summary>How many times the key set (jwks) and the discovery document were fetched so far.</summary>
    public async Task<(int Jwks, int Discovery, int Token)> Served()
    {
        var stats = await Command("stats");
        return (stats["jwks"]!.GetValue<int>(), stats["discovery"]!.GetValue<int>(), stats["token"]!.GetValue<int>());
    }

    /// <summary>An HTTP client that trusts the provider's CA, keeps cookies and follows redirects, as a browser would.</summary>
    public HttpClient Browser() => new(new SocketsHttpHandler
    {
        SslOptions = new System.Net.Security.SslClientAuthenticationOptions { CertificateChainPolicy = AuthorityHttp.ChainPolicy(CaFile, "ca") },
        UseCookies = true, CookieContainer = new System.Net.CookieContainer(), AllowAutoRedirect = true,
    });

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.StandardInput.Close(); // it closes its server and exits
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
        _http.Dispose();
        _commands.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static string[] Published(JsonNode answer) => answer["published"]!.AsArray().Select(k => k!.GetValue<string>()).ToArray();

    private async Task<JsonNode> Command(string line)
    {
        await _commands.WaitAsync();
        try
        {
            await _process.StandardInput.WriteLineAsync(line);
            await _process.StandardInput.FlushAsync();
            return await NextAnswer();
        }
        finally
        {
            _commands.Release();
        }
    }

    private async Task<JsonNode> NextAnswer()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            return JsonNode.Parse(await _answers.Reader.ReadAsync(timeout.Token))!;
        }
        catch (OperationCanceledException)
        {
            throw new InvalidOperationException($"the provider did not answer (exited: {_process.HasExited}):\n{Errors}");
        }
    }
}
