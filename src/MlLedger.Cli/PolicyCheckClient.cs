using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using MlLedger.Api.Policies;
using MlLedger.Domain.Policies;
using Spectre.Console;

namespace MlLedger.Cli;

/// <summary>
/// Sends a policy check to the ledger (<c>POST /v1/policy/check</c>) and prints the answer: the rule table and a
/// verdict, or the body verbatim with <c>--output json</c>. Exit 0 allowed, 1 denied, 2 for anything that is not a
/// decision (connection failure, authentication, unknown model version, invalid request, any other status).
/// </summary>
internal sealed class PolicyCheckClient(HttpClient http, TextWriter output, TextWriter error)
{
    public const string RequestPath = "v1/policy/check";
    public const string IdempotencyHeader = "Idempotency-Key";
    private const string Prefix = "mlledger check:";

    // the request is the ledger's own contract type; fields left out are not sent
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>The endpoint under <paramref name="server"/>, which may carry a path (a ledger behind a prefix).</summary>
    public static Uri EndpointOf(Uri server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return new Uri(server.AbsoluteUri.TrimEnd('/') + "/" + RequestPath);
    }

    public async Task<int> RunAsync(Uri server, string token, PolicyCheckRequest request, string? idempotencyKey, string format, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(request);
        var endpoint = EndpointOf(server);
        using var message = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new StringContent(JsonSerializer.Serialize(request, Json), Encoding.UTF8, "application/json"),
        };
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        message.Headers.Accept.ParseAdd("application/json");
        message.Headers.Accept.ParseAdd("application/problem+json");
        if (idempotencyKey is not null)
        {
            message.Headers.Add(IdempotencyHeader, idempotencyKey);
        }

        HttpStatusCode status;
        string body;
        try
        {
            using var response = await http.SendAsync(message, ct);
            status = response.StatusCode;
            body = await response.Content.ReadAsStringAsync(ct);
        }
        catch (HttpRequestException e)
        {
            error.WriteLine($"{Prefix} could not reach the ledger at {server}: {e.Message}");
            return ExitCodes.UsageOrConnection;
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            error.WriteLine($"{Prefix} the ledger at {server} did not answer within {http.Timeout.TotalSeconds:0} seconds");
            return ExitCodes.UsageOrConnection;
        }

        return status == HttpStatusCode.OK
            ? Answer(body, format)
            : Refusal(status, body, request, endpoint);
    }

    private int Answer(string body, string format)
    {
        CheckAnswer? answer;
        try
        {
            answer = JsonSerializer.Deserialize<CheckAnswer>(body, Json);
        }
        catch (JsonException e)
        {
            error.WriteLine($"{Prefix} the ledger's answer is not a policy check result: {e.Message}");
            return ExitCodes.UsageOrConnection;
        }

        if (answer?.Allowed is not { } allowed)
        {
            error.WriteLine($"{Prefix} the ledger's answer is not a policy check result: it has no 'allowed'");
            return ExitCodes.UsageOrConnection;
        }

        if (format == OutputFormats.Json)
        {
            output.Write(body);
            if (!body.EndsWith('\n'))
            {
                output.WriteLine();
            }
        }
        else
        {
            Print(answer, allowed);
        }

        return allowed ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private void Print(CheckAnswer answer, bool allowed)
    {
        var console = Terminal.For(output);
        var rules = answer.Decision?.Rules ?? [];
        if (rules.Count > 0)
        {
            console.Write(RulesTable.Of(rules.Select(r => new RuleResult(
                r.Policy ?? "", r.Rule ?? "", r.Kind ?? "", r.Outcome ?? "", r.Reason ?? "", []))));
        }

        var summary = answer.Decision?.Summary is { Length: > 0 } s ? " " + Markup.Escape(s) : "";
        console.MarkupLine(allowed ? $"[bold green]ALLOWED[/]{summary}" : $"[bold red]DENIED[/]{summary}");
        console.WriteLine($"policy set: {answer.PolicySetDigest ?? answer.Decision?.PolicySetDigest ?? "(not given)"}");
        var entries = answer.Entries is { Count: > 0 } e
            ? $" (ledger entry seq {string.Join(", ", e.Select(x => x.Seq.ToString(CultureInfo.InvariantCulture)))})"
            : "";
        console.WriteLine($"check: {answer.Id ?? "(no id)"}{entries}");
    }

    private int Refusal(HttpStatusCode status, string body, PolicyCheckRequest request, Uri endpoint)
    {
        var problem = Problem.Parse(body);
        var code = (int)status;
        var said = problem?.Detail is { Length: > 0 } detail ? $"{Environment.NewLine}  the ledger says: {detail}" : "";
        switch (status)
        {
            case HttpStatusCode.Unauthorized:
                error.WriteLine($"{Prefix} the ledger refused the token (401): it is missing, expired or not valid for this ledger. " +
                                $"Pass a token with role 'pipeline' in --token or MLLEDGER_TOKEN, or sign in with `mlledger login`.{said}");
                break;
            case HttpStatusCode.Forbidden:
                error.WriteLine($"{Prefix} the token lacks role 'pipeline', which policy checks need (403).{said}");
                break;
            case HttpStatusCode.NotFound:
                error.WriteLine($"{Prefix} model version {request.Model}@{request.Version} is not registered in the ledger (404).{said}");
                if (problem is null)
                {
                    error.WriteLine($"  (the answer had no problem details: is {endpoint} an MlLedger policy check endpoint?)");
                }

                break;
            case HttpStatusCode.BadRequest:
                error.WriteLine($"{Prefix} the ledger rejected the request (400): {problem?.Detail ?? problem?.Title ?? Snippet(body)}");
                foreach (var (field, messages) in problem?.Errors ?? [])
                {
                    foreach (var text in messages)
                    {
                        error.WriteLine($"  {field}: {text}");
                    }
                }

                break;
            default:
                var what = problem is null
                    ? Snippet(body)
                    : string.Join(": ", new[] { problem.Title, problem.Detail }.Where(t => !string.IsNullOrEmpty(t)))
                      + (problem.Code is { } c ? $" [{c}]" : "");
                error.WriteLine($"{Prefix} the ledger answered {code} {ReasonOf(status)}: {what}");
                break;
        }

        return ExitCodes.UsageOrConnection;
    }

    private static string ReasonOf(HttpStatusCode status) =>
        Enum.IsDefined(status) ? status.ToString() : "";

    private static string Snippet(string body) =>
        body.Length == 0 ? "(empty answer)" : body.Length <= 500 ? body : body[..500] + " ...";

    private sealed record CheckAnswer(string? Id, bool? Allowed, string? PolicySetDigest, CheckDecision? Decision, IReadOnlyList<CheckEntry>? Entries);

    private sealed record CheckDecision(string? PolicySetDigest, string? Summary, IReadOnlyList<CheckRule>? Rules);

    private sealed record CheckRule(string? Policy, string? Rule, string? Kind, string? Outcome, string? Reason);

    private sealed record CheckEntry(long Seq, string? Hash);

    /// <summary>The parts of an RFC 9457 problem the messages use; <c>errors</c> as ASP.NET validation problems carry them.</summary>
    private sealed record Problem(string? Title, string? Detail, string? Code, IReadOnlyList<(string Field, IReadOnlyList<string> Messages)> Errors)
    {
        public static Problem? Parse(string body)
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    return null;
                }

                var errors = new List<(string, IReadOnlyList<string>)>();
                if (root.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object)
                {
                    foreach (var field in e.EnumerateObject())
                    {
                        errors.Add((field.Name, field.Value.ValueKind == JsonValueKind.Array
                            ? [.. field.Value.EnumerateArray().Select(Text)]
                            : [Text(field.Value)]));
                    }
                }

                return new Problem(String(root, "title"), String(root, "detail"), String(root, "code"), errors);
            }
            catch (JsonException)
            {
                return null;
            }
        }

        private static string? String(JsonElement root, string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

        private static string Text(JsonElement value) =>
            value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : value.GetRawText();
    }
}
