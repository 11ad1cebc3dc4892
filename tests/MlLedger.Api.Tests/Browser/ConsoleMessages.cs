using Microsoft.Playwright;

namespace MlLedger.Api.Tests.Browser;

/// <summary>
/// What a page wrote to its console, from the moment <see cref="Collect"/> is called: scripts' own messages and the
/// browser's, such as a Content-Security-Policy refusal ("Refused to execute inline script ...").
/// </summary>
public sealed class ConsoleMessages
{
    private readonly List<(string Type, string Text)> _messages = [];

    private ConsoleMessages()
    {
    }

    public static ConsoleMessages Collect(IPage page)
    {
        var messages = new ConsoleMessages();
        page.Console += (_, message) =>
        {
            lock (messages._messages)
            {
                messages._messages.Add((message.Type, message.Text));
            }
        };
        return messages;
    }

    /// <summary>The texts of the messages of type <c>error</c> so far.</summary>
    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_messages)
            {
                return _messages.Where(m => m.Type == "error").Select(m => m.Text).ToList();
            }
        }
    }

    /// <summary>The errors that are the browser refusing something because of the page's Content-Security-Policy.</summary>
    public IReadOnlyList<string> ContentSecurityPolicyViolations =>
        Errors.Where(text => text.Contains("Content Security Policy", StringComparison.Ordinal)).ToList();
}
