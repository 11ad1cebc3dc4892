using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MlLedger.Api.Tests.Browser;

/// <summary>
/// A tiny web server (Kestrel) on a free loopback port for pages a browser test makes itself: the harness's own
/// checks, or the stand-in for a relying party's callback. Its pages send <see cref="StrictContentSecurityPolicy"/>,
/// the policy the web console will send, unless a test asks otherwise.
/// </summary>
public sealed class LoopbackSite : IAsyncDisposable
{
    /// <summary>Scripts, styles and images of the site itself only; no inline script or style; never in a frame.</summary>
    public const string StrictContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    private readonly WebApplication _app;

    private LoopbackSite(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    /// <summary>http://127.0.0.1:PORT/</summary>
    public Uri BaseAddress { get; }

    public string Url(string pathAndQuery) => new Uri(BaseAddress, pathAndQuery).AbsoluteUri;

    /// <summary>Starts a site whose endpoints <paramref name="map"/> adds, e.g. <c>site => site.MapGet("/", Html(page))</c>.</summary>
    public static async Task<LoopbackSite> StartAsync(Action<IEndpointRouteBuilder> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new LoopbackSite(app, new Uri(address.EndsWith('/') ? address : address + "/"));
    }

    /// <summary>An HTML page, sent with <paramref name="contentSecurityPolicy"/> (none when null).</summary>
    public static RequestDelegate Html(string html, string? contentSecurityPolicy = StrictContentSecurityPolicy) =>
        Send(html, "text/html; charset=utf-8", contentSecurityPolicy);

    /// <summary>A script, style sheet or image of the site.</summary>
    public static RequestDelegate Asset(string body, string contentType) => Send(body, contentType, contentSecurityPolicy: null);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static RequestDelegate Send(string body, string contentType, string? contentSecurityPolicy) => async context =>
    {
        if (contentSecurityPolicy is not null)
        {
            context.Response.Headers.ContentSecurityPolicy = contentSecurityPolicy;
        }

        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(body);
    };
}
