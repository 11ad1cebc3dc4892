using System.Net;
using System.Text.RegularExpressions;

namespace MlLedger.Api.Tests.IdentityProvider;

/// <summary>
/// A person approving a device sign-in on the provider's own pages, as a browser without JavaScript would: each page
/// is a form (the user code, the device confirmation, the sign-in, the consent), submitted with its hidden fields
/// and, on the sign-in page, the account name.
/// </summary>
public static partial class DeviceApproval
{
    public static async Task ApproveAsync(HttpClient browser, string verificationUriComplete, string account)
    {
        using var first = await browser.GetAsync(verificationUriComplete);
        var page = await first.Content.ReadAsStringAsync();
        for (var step = 0; step < 8; step++)
        {
            if (page.Contains("Sign-in Success", StringComparison.Ordinal))
            {
                return;
            }

            var form = Form().Match(page);
            Assert.True(form.Success, $"no form on the provider's page:\n{page}");
            var action = WebUtility.HtmlDecode(Attribute(form.Groups["attributes"].Value, "action")!);
            var fields = new Dictionary<string, string>();
            foreach (Match input in Input().Matches(form.Groups["body"].Value))
            {
                var attributes = input.Value;
                if (Attribute(attributes, "name") is not { } name)
                {
                    continue;
                }

                fields[name] = name switch
                {
                    "login" => account,
                    "password" => "any password: the dev sign-in accepts it",
                    _ => WebUtility.HtmlDecode(Attribute(attributes, "value") ?? ""),
                };
            }

            using var answer = await browser.PostAsync(action, new FormUrlEncodedContent(fields));
            page = await answer.Content.ReadAsStringAsync();
        }

        Assert.Fail($"the device sign-in did not succeed:\n{page}");
    }

    private static string? Attribute(string tag, string name) =>
        Regex.Match(tag, $"""\b{name}="(?<value>[^"]*)" """.TrimEnd()) is { Success: true } match ? match.Groups["value"].Value : null;

    [GeneratedRegex("""<form(?<attributes>[^>]*)>(?<body>.*?)</form>""", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex Form();

    [GeneratedRegex("""<input[^>]*>""", RegexOptions.IgnoreCase)]
    private static partial Regex Input();
}
