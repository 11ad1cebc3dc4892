using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MlLedger.Bench;

/// <summary>A write the ledger refused or failed: the status and the problem details it answered.</summary>
internal sealed class LedgerCallFailed(string message, int status = 0, string? code = null) : Exception(message)
{
    public int Status { get; } = status;

    /// <summary>The problem's machine-readable code, e.g. "concurrency-conflict".</summary>
    public string? Code { get; } = code;

    /// <summary>The ledger asks to retry: a concurrent change (409 concurrency-conflict) or a transient outage (503).</summary>
    public bool Retryable => Status == 503 || (Status == 409 && Code == "concurrency-conflict");
}

internal static class LedgerCalls
{
    /// <summary>POSTs a JSON body; answers the response object, or throws <see cref="LedgerCallFailed"/> for any non-2xx.</summary>
    public static async Task<JsonObject> PostAsync(this HttpClient client, string path, object body, CancellationToken ct)
    {
        using var response = await client.PostAsJsonAsync(path, body, JsonSerializerOptions.Web, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new LedgerCallFailed($"POST {path} answered {(int)response.StatusCode}: {Shorten(text)}", (int)response.StatusCode, CodeOf(text));
        }

        return text.Length == 0 ? [] : JsonNode.Parse(text)?.AsObject() ?? [];
    }

    /// <summary>How many entries a write answered it appended.</summary>
    public static int Entries(this JsonObject receipt) => receipt["entries"] is JsonArray entries ? entries.Count : 0;

    public static string Id(this JsonObject receipt) =>
        (string?)receipt["id"] ?? throw new LedgerCallFailed($"the answer has no id: {Shorten(receipt.ToJsonString())}");

    internal static string? CodeOf(string problem)
    {
        try
        {
            return JsonNode.Parse(problem) is JsonObject o && o["code"] is JsonValue code && code.TryGetValue<string>(out var text) ? text : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Shorten(string text) => text.Length <= 600 ? text : text[..600] + "…";
}
