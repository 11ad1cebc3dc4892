using System.Net;
using System.Text.RegularExpressions;

namespace MlLedger.Bench;

/// <summary>
/// A signed-in console session, as a browser holds it: the dev sign-in form (GET /signin/dev for its antiforgery token, then
/// POST /signin/dev/session with the subject and roles) leaves the session cookie in this client's cookie jar; redirects are
/// not followed, so each timed request is one round trip.
/// </summary>
internal sealed partial class ConsoleSession : IDisposable
{
    private readonly SocketsHttpHandler _handler;

    private ConsoleSession(Uri address)
    {
        _handler = new SocketsHttpHandler
        {
            CookieContainer = new CookieContainer(),
            AllowAutoRedirect = false,
            UseProxy = false,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        };
        Client = new HttpClient(_handler) { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
    }

    public HttpClient Client { get; }

    public static async Task<ConsoleSession> SignInAsync(Uri address, string subject, IReadOnlyList<string> roles, CancellationToken ct)
    {
        var session = new ConsoleSession(address);
        try
        {
            var form = await session.Client.GetStringAsync("/signin/dev?returnUrl=%2F", ct);
            var token = FormToken().Match(form) is { Success: true } m
                ? WebUtility.HtmlDecode(m.Groups[1].Value)
                : throw new BenchFailure("GET /signin/dev has no __RequestVerificationToken: is the ledger in dev mode?");
            var fields = new List<KeyValuePair<string, string>>
            {
                new("__RequestVerificationToken", token), new("subject", subject), new("returnUrl", "/"),
            };
            fields.AddRange(roles.Select(r => new KeyValuePair<string, string>("roles", r)));
            using var answer = await session.Client.PostAsync("/signin/dev/session", new FormUrlEncodedContent(fields), ct);
            if (answer.StatusCode != HttpStatusCode.Redirect || answer.Headers.Location?.OriginalString != "/")
            {
                throw new BenchFailure($"POST /signin/dev/session answered {(int)answer.StatusCode} to {answer.Headers.Location}: " +
                                       await answer.Content.ReadAsStringAsync(ct));
            }

            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Client.Dispose();
        _handler.Dispose();
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"", RegexOptions.CultureInvariant)]
    private static partial Regex FormToken();
}
