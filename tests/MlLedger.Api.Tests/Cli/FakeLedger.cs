using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MlLedger.Api.Tests.Cli;

/// <summary>A request the fake ledger received.</summary>
internal sealed record ReceivedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>
/// An HTTP server on 127.0.0.1 that answers every request with one fixed status and body, and keeps what it was
/// sent: it stands in for the ledger so the client's handling of each answer can be checked, not the ledger.
/// </summary>
internal sealed class FakeLedger : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedRequest> _received = new();

    private FakeLedger(int status, string body, string contentType)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.Run(async http =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var text = await reader.ReadToEndAsync(http.RequestAborted);
            _received.Enqueue(new ReceivedRequest(
                http.Request.Method,
                http.Request.Path + http.Request.QueryString,
                http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                text));
            http.Response.StatusCode = status;
            if (body.Length > 0)
            {
                http.Response.ContentType = contentType;
                await http.Response.WriteAsync(body, http.RequestAborted);
            }
        });
    }

    public Uri Address { get; private set; } = null!;

    public IReadOnlyList<ReceivedRequest> Received => [.. _received];

    public static async Task<FakeLedger> Answering(int status, string body, string contentType = "application/json")
    {
        var ledger = new FakeLedger(status, body, contentType);
        await ledger._app.StartAsync();
        var address = ledger._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        ledger.Address = new Uri(address);
        return ledger;
    }

    public static Task<FakeLedger> Problem(int status, string title, string detail, string code, string extra = "") =>
        Answering(status, $$"""{"type":"https://mlledger.dev/problems/{{code}}","title":"{{title}}","status":{{status}},"detail":"{{detail}}","code":"{{code}}"{{extra}}}""",
            "application/problem+json");

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
