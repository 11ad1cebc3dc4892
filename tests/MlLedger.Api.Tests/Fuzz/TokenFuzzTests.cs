using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlLedger.Api.Tests.Infrastructure;
using Xunit.Abstractions;
using static MlLedger.Api.Tests.Infrastructure.Requests;

namespace MlLedger.Api.Tests.Fuzz;

/// <summary>
/// Generated tokens of the trusted issuer (<see cref="FuzzTokens"/>) on a write and two reads: none is answered 5xx,
/// every refusal is a problem with a code (a 401's names the token's fault), no refused token stores anything, and an
/// accepted one was read one way only (no duplicate key, no crit, an array of string roles) and recorded exactly its
/// subject and issuer. MLLEDGER_TOKEN_FUZZ_SEED and MLLEDGER_TOKEN_FUZZ_COUNT override the seed and the count.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class TokenFuzzTests(LedgerFixture shared, ITestOutputHelper output) : IClassFixture<LedgerFixture>
{
    private const int DefaultSeed = 20261302;
    private const int DefaultCount = 3_000;
    private const int Parallelism = 8;
    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false };
    private readonly LedgerApp _ledger = shared.App;

    private sealed record Outcome(int Index, FuzzToken Token, string Endpoint, int Status, string? ContentType, string Body);

    [Fact]
    public async Task Tokens_with_claims_of_every_type_never_get_a_5xx_and_an_accepted_one_records_exactly_its_identity()
    {
        var seed = Setting("MLLEDGER_TOKEN_FUZZ_SEED", DefaultSeed);
        var count = Setting("MLLEDGER_TOKEN_FUZZ_COUNT", DefaultCount);
        output.WriteLine($"token fuzz seed {seed} (MLLEDGER_TOKEN_FUZZ_SEED), {count} requests (MLLEDGER_TOKEN_FUZZ_COUNT)");
        using (var pipeline = _ledger.Client("ci-bot", "pipeline"))
        {
            await pipeline.Post("/v1/datasets", Dataset("fzt-data", "1")).Expect(HttpStatusCode.Created);
        }

        var tokens = new FuzzTokens(seed).Generate(count).ToList();
        var before = await _ledger.StoredEntries();
        using var http = new HttpClient { BaseAddress = _ledger.Address };

        var outcomes = new Outcome[tokens.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, tokens.Count), new ParallelOptions { MaxDegreeOfParallelism = Parallelism },
            async (i, ct) => outcomes[i] = await Send(http, i, tokens[i], ct));

        Summarise(outcomes);
        Fail(outcomes.Where(o => o.Status >= 500 || o.Status == 0), "were 5xx or got no answer", seed);
        Fail(outcomes.Where(o => o.Status >= 300 && Code(o) is null), "were refusals without a coded problem", seed);
        Fail(outcomes.Where(o => o.Status == 401 && Code(o)?.StartsWith("token-", StringComparison.Ordinal) != true), "were 401s without a token-* code", seed);
        var accepted = outcomes.Where(o => o.Status < 300).ToList();
        Fail(accepted.Where(o => HasDuplicateKey(o.Token) || o.Token.HasCrit || !RolesAreStrings(o.Token)),
            "were accepted though the token reads two ways, has crit, or its roles are not an array of strings", seed);

        var answered = outcomes.SelectMany(EntriesOf).ToList();
        Assert.Equal(before + answered.Count, await _ledger.StoredEntries());
        using var auditor = _ledger.Client("audrey", "auditor");
        foreach (var write in accepted.Where(o => o.Endpoint == "POST /v1/datasets"))
        {
            var seq = EntriesOf(write).Single();
            var entry = await auditor.GetAsync($"/v1/entries/{seq}").Expect(HttpStatusCode.OK);
            var ledger = JsonNode.Parse(Convert.FromBase64String((string)entry["envelope"]!["payload"]!))!["predicate"]!["ledger"]!;
            var subject = JsonDocument.Parse(write.Token.Claims.Json).RootElement.GetProperty("sub").GetString();
            Assert.True(((string?)ledger["actor"], (string?)ledger["actorIssuer"]) == (subject, TestIssuer.Issuer),
                $"entry {seq} records {ledger["actor"]} of {ledger["actorIssuer"]} for the token {write.Token}");
        }

        output.WriteLine($"accepted writes checked against their entries: {accepted.Count(o => o.Endpoint == "POST /v1/datasets")}");
    }

    private async Task<Outcome> Send(HttpClient http, int index, FuzzToken token, CancellationToken ct)
    {
        var endpoint = (index % 3) switch { 0 => "POST /v1/datasets", 1 => "GET /v1/keys", _ => "GET /v1/datasets/fzt-data@1" };
        using var request = endpoint == "POST /v1/datasets"
            ? new HttpRequestMessage(HttpMethod.Post, "/v1/datasets")
            {
                Content = new StringContent(JsonSerializer.Serialize(Dataset($"fzt-{index.ToString(CultureInfo.InvariantCulture)}", "1"), JsonSerializerOptions.Web),
                    Encoding.UTF8, "application/json"),
            }
            : new HttpRequestMessage(HttpMethod.Get, endpoint[4..]);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", SignedBy(token));
        try
        {
            using var response = await http.SendAsync(request, ct);
            return new Outcome(index, token, endpoint, (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType,
                await response.Content.ReadAsStringAsync(ct));
        }
        catch (HttpRequestException e)
        {
            return new Outcome(index, token, endpoint, 0, null, $"no answer: {e.Message}");
        }
    }

    private string SignedBy(FuzzToken token) => _ledger.Issuer.SignRaw(token.Claims, token.Header);

    private static bool HasDuplicateKey(FuzzToken token)
    {
        foreach (var json in new[] { token.Header, token.Claims.Json })
        {
            try
            {
                using var _ = JsonDocument.Parse(json, Strict);
            }
            catch (JsonException)
            {
                return true;
            }
            catch (InvalidOperationException)
            {
                return true;
            }
        }

        return false;
    }

    private static bool RolesAreStrings(FuzzToken token)
    {
        using var payload = JsonDocument.Parse(token.Claims.Json);
        return payload.RootElement.TryGetProperty("roles", out var roles) && roles.ValueKind == JsonValueKind.Array &&
               roles.EnumerateArray().All(r => r.ValueKind == JsonValueKind.String);
    }

    private static string? Code(Outcome outcome)
    {
        if (outcome.ContentType != "application/problem+json")
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(outcome.Body)?["code"] is JsonValue code && code.TryGetValue<string>(out var text) && text.Length > 0 ? text : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IEnumerable<long> EntriesOf(Outcome outcome) =>
        outcome.Status < 300 && outcome.Body.StartsWith('{') && JsonNode.Parse(outcome.Body)?["entries"] is JsonArray entries
            ? entries.Select(e => (long)e!["seq"]!)
            : [];

    private void Summarise(IReadOnlyList<Outcome> outcomes)
    {
        output.WriteLine($"all: {outcomes.Count} requests; " +
            string.Join(" ", outcomes.GroupBy(o => o.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}x{g.Count()}")) +
            $"; 5xx: {outcomes.Count(o => o.Status >= 500)}");
        foreach (var code in outcomes.GroupBy(o => $"{o.Status} {Code(o) ?? "-"}").OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {code.Key}: {code.Count()}");
        }

        foreach (var mutation in outcomes.SelectMany(o => o.Token.Mutations.Select(m => (Mutation: m, o.Status))).GroupBy(x => x.Mutation)
                     .OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {mutation.Key}: {mutation.Count()} tokens; " +
                string.Join(" ", mutation.GroupBy(x => x.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}x{g.Count()}")));
        }
    }

    private static void Fail(IEnumerable<Outcome> failing, string what, int seed)
    {
        var list = failing.ToList();
        Assert.True(list.Count == 0,
            $"{list.Count} answers {what} (seed {seed}); the first:\n" +
            string.Join("\n", list.Take(5).Select(o => $"{o.Status} {o.Body} <- {o.Endpoint} {o.Token}")));
    }

    private static int Setting(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;
}
