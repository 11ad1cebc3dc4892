using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlLedger.Api.Tests.Cli;
using MlLedger.Api.Tests.Infrastructure;
using Xunit.Abstractions;
using static MlLedger.Api.Tests.Infrastructure.Requests;
using static MlLedger.Api.Tests.Reports.ReportClient;

namespace MlLedger.Api.Tests;

/// <summary>
/// No accepted write makes the ledger's exports, reads, reports or verifications larger than a fixed multiple of the
/// request: values that PostgreSQL would store expanded (1e131071 is 131,072 digits as jsonb) or could not store at
/// all are refused wherever they sit, naming their path; and the largest body every write endpoint accepts still
/// exports within the multiple, verifies offline, and is cited by a report that verifies.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class ValueBoundsTests(PostgresFixture postgres, ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>An entry's audit bundle line is at most this many times its request body, plus <see cref="LineOverhead"/>.</summary>
    private const int Multiple = 16;

    /// <summary>What every line carries whatever the body: the envelope, the statement, the metadata, a decision's facts.</summary>
    private const int LineOverhead = 16 * 1024;

    private readonly string _directory = Directory.CreateTempSubdirectory("mlledger-bounds-").FullName;
    private LedgerApp _ledger = null!;
    private HttpClient _pipeline = null!;

    public async Task InitializeAsync()
    {
        _ledger = await LedgerApp.StartAsync(postgres);
        _pipeline = _ledger.Client("ci-bot", "pipeline");
        await _pipeline.Post("/v1/datasets", Dataset("vb-train", "1")).Expect(HttpStatusCode.Created);
        await _pipeline.Post("/v1/models/vb/versions", ModelVersion("1", null, "vb-train@1")).Expect(HttpStatusCode.Created);
    }

    public async Task DisposeAsync()
    {
        await _ledger.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task The_body_that_made_a_131_MB_entry_is_refused_naming_the_parameter()
    {
        var before = await _ledger.StoredEntries();
        var parameters = string.Join(',', Enumerable.Range(0, 60).Select(i => $"\"p{i}\": 1e131071"));
        var body = $"{{\"version\": \"9\", \"artifactSha256\": \"{Sha('c')}\", \"framework\": \"x\", \"trainedOn\": [\"vb-train@1\"], \"parameters\": {{{parameters}}}}}";

        var problem = await Send("/v1/models/vb/versions", body, HttpStatusCode.BadRequest);

        Assert.Equal("validation-failed", (string?)problem["code"]);
        Assert.Contains("parameters.p0", problem["errors"]!.AsObject().Select(e => e.Key));
        Assert.Contains("131072 characters", (string?)problem["errors"]!["parameters.p0"]![0], StringComparison.Ordinal);
        Assert.Equal(before, await _ledger.StoredEntries());
    }

    public static readonly TheoryData<string, string, string> OutOfBounds = new()
    {
        { "/v1/models/vb/versions", ModelBody("10", "{\"a\": [1, {\"b\": 1e-20000}]}"), "parameters.a[1].b" },
        { "/v1/models/vb/versions", ModelBody("11", "{\"c\": 1e200000}"), "parameters.c" },
        { "/v1/models/vb/versions", ModelBody("12", "{\"d\": 1e64}"), "parameters.d" },
        { "/v1/models/vb/versions", ModelBody("16", "{\"g\": -1e63}"), "parameters.g" },
        { "/v1/models/vb/versions", ModelBody("13", "{\"e\": -1e-62}"), "parameters.e" },
        { "/v1/models/vb/versions", ModelBody("14", "{\"f\": 0e-16383}"), "parameters.f" },
        { "/v1/models/vb/versions", ModelBody("15", "{\"odd key\": [1e99]}"), "parameters[\"odd key\"][0]" },
        { "/v1/models/vb/versions/1/evaluations", "{\"dataset\": \"vb-train@1\", \"metrics\": {\"p\": 1.2345678901234567e-50}}", "metrics.p" },
        { "/v1/models/vb/versions/1/evaluations", "{\"dataset\": \"vb-train@1\", \"metrics\": {\"auc\": 1.7976931348623157e308}}", "metrics.auc" },
        { "/v1/datasets", "{\"name\": \"vb-n\", \"version\": \"1\", \"uri\": \"s3://b/n\", \"sha256\": \"" + Sha('a') + "\", \"license\": \"MIT\", \"containsPersonalData\": false, \"rowCount\": 1e300}", "rowCount" },
        { "/v1/policy/check", "{\"model\": \"vb\", \"version\": \"1\", \"targetStage\": \"staging\", \"extra\": [1e400]}", "extra[0]" },
    };

    [Theory]
    [MemberData(nameof(OutOfBounds))]
    public async Task A_number_past_the_bound_is_refused_wherever_it_sits(string path, string body, string field)
    {
        var before = await _ledger.StoredEntries();

        var problem = await Send(path, body, HttpStatusCode.BadRequest);

        Assert.Equal("validation-failed", (string?)problem["code"]);
        Assert.Equal([field], problem["errors"]!.AsObject().Select(e => e.Key).ToArray());
        Assert.Equal(before, await _ledger.StoredEntries());
    }

    public static readonly TheoryData<string, string, string> NotUnicode = new()
    {
        { "/v1/models/vb/versions", ModelBody("20", "{\"k\": \"a\\ud800b\"}"), "parameters.k" },
        { "/v1/models/vb/versions", ModelBody("21", "{\"\\udfff\": 1}"), "parameters[\"\\udfff\"]" },
        { "/v1/models/vb/versions", ModelBody("22", "{\"n\": [\"x\\u0000\"]}"), "parameters.n[0]" },
        { "/v1/datasets/vb-train@1/checks", "{\"check\": \"pii-scan\", \"result\": \"passed\", \"details\": \"\\ud83d\"}", "details" },
        { "/v1/promotions", "{\"model\": \"vb\", \"version\": \"1\", \"targetStage\": \"staging\", \"justification\": \"\\udc00\\ud800\"}", "justification" },
        { "/v1/deployments", "{\"model\": \"vb\", \"version\": \"1\", \"environment\": \"dev-1\", \"endpoint\": \"https://x/\\ud800\", \"artifactSha256\": \"" + Sha('b') + "\"}", "endpoint" },
    };

    [Theory]
    [MemberData(nameof(NotUnicode))]
    public async Task Text_that_is_not_valid_Unicode_is_refused_naming_its_field(string path, string body, string field)
    {
        var before = await _ledger.StoredEntries();

        var problem = await Send(path, body, HttpStatusCode.BadRequest);

        Assert.Equal("validation-failed", (string?)problem["code"]);
        Assert.Equal([field], problem["errors"]!.AsObject().Select(e => e.Key).ToArray());
        Assert.Equal(before, await _ledger.StoredEntries());
    }

    [Fact]
    public async Task A_query_value_with_NUL_is_refused_naming_it()
    {
        var problem = await _ledger.Client("audrey", "auditor").GetAsync("/v1/deployments?environment=a%00b").Expect(HttpStatusCode.BadRequest);

        Assert.Equal("validation-failed", (string?)problem["code"]);
        Assert.Equal(["environment"], problem["errors"]!.AsObject().Select(e => e.Key).ToArray());
    }

    [Fact]
    public async Task Numbers_at_the_bound_are_stored_and_read_back_as_the_same_numbers()
    {
        var parameters = JsonNode.Parse("{\"big\": 1e63, \"small\": 1e-62, \"neg\": -9.99e62, \"u64\": 18446744073709551615, \"scale\": 1.500}")!;

        var receipt = await _pipeline.Post("/v1/models/vb/versions", JsonNode.Parse(ModelBody("30", parameters.ToJsonString()))!).Expect(HttpStatusCode.Created);

        var entry = await _ledger.Client("audrey", "auditor").GetAsync($"/v1/entries/{(long)receipt["entries"]![0]!["seq"]!}").Expect(HttpStatusCode.OK);
        Assert.True(JsonNode.DeepEquals(parameters, entry["event"]!["parameters"]), entry["event"]!["parameters"]!.ToJsonString());
    }

    [Fact]
    public async Task The_largest_body_of_every_write_endpoint_exports_within_a_fixed_multiple_verifies_offline_and_is_cited_by_a_verified_report()
    {
        var approver = _ledger.Client("alice", "approver");
        var writes = new List<(string What, int BodyBytes, long[] Seqs)>();
        async Task<JsonObject> Write(HttpClient client, string path, JsonNode body, HttpStatusCode expected)
        {
            var text = body.ToJsonString();
            var answer = await Send(client, path, text, expected);
            writes.Add((path, Encoding.UTF8.GetByteCount(text), answer["entries"]!.AsArray().Select(e => (long)e!["seq"]!).ToArray()));
            return answer;
        }

        // the datasets: every text field at its limit, in two-byte characters and characters escaped twice in a bundle line
        await Write(_pipeline, "/v1/datasets", Worst.Dataset("vb-big"), HttpStatusCode.Created);
        await Write(_pipeline, "/v1/datasets/vb-big@1/checks", new JsonObject { ["check"] = Worst.Name('c'), ["result"] = "passed", ["details"] = Worst.Text(4096) }, HttpStatusCode.OK);
        // the model version whose parameters and metrics are the numbers jsonb stores longest for their size
        await Write(_pipeline, "/v1/models/vb/versions", Worst.ModelVersion("big", "vb-big@1"), HttpStatusCode.Created);
        await Write(_pipeline, "/v1/models/vb/versions/big/evaluations", Worst.Evaluation("vb-big@1"), HttpStatusCode.Created);
        // the decisions, on a version of ordinary size: their facts repeat what the version holds
        await Write(_pipeline, "/v1/policy/check", new JsonObject { ["model"] = "vb", ["version"] = "1", ["targetStage"] = "staging" }, HttpStatusCode.OK);
        var pending = await Write(approver, "/v1/promotions", new JsonObject
        {
            ["model"] = "vb", ["version"] = "1", ["targetStage"] = "production", ["justification"] = Worst.Text(4096),
        }, HttpStatusCode.Created);
        await Write(approver, $"/v1/promotions/{pending["id"]}/withdrawal", new JsonObject { ["reason"] = Worst.Text(4096) }, HttpStatusCode.OK);
        var staging = await approver.Post("/v1/promotions", Promotion("vb", "1", "staging")).Expect(HttpStatusCode.Created);
        await Write(_ledger.Client("bob", "approver"), $"/v1/promotions/{staging["id"]}/approvals", new JsonObject { ["decision"] = "approve", ["comment"] = Worst.Text(4096) }, HttpStatusCode.OK);
        var deployed = await Write(_pipeline, "/v1/deployments", new JsonObject
        {
            ["model"] = "vb", ["version"] = "1", ["environment"] = $"dev-{new string('e', 124)}", ["endpoint"] = $"https://models.example/{new string('p', 2000)}",
            ["artifactSha256"] = Sha('b'),
        }, HttpStatusCode.Created);
        await Write(_pipeline, $"/v1/deployments/{deployed["id"]}/rollback", new JsonObject { ["reason"] = Worst.Text(4096) }, HttpStatusCode.OK);
        await Write(_pipeline, "/v1/models/vb/versions/1/retirement", new JsonObject { ["reason"] = Worst.Text(4096) }, HttpStatusCode.OK);
        await Write(_pipeline, "/v1/datasets/vb-big@1/withdrawal", new JsonObject { ["reason"] = Worst.Text(4096) }, HttpStatusCode.OK);

        var auditor = _ledger.Client("audrey", "auditor");
        var report = await Get(auditor, "/v1/reports/compliance/vb/big.pdf");
        await SettledCheckpoint(_ledger, auditor);
        var bundle = await Save("export.jsonl", await auditor.GetByteArrayAsync("/v1/export"));
        var root = await Save("trusted_root.json", await auditor.GetByteArrayAsync("/v1/log/trusted-root"));
        var pdf = await Save("report.pdf", report.Pdf);

        var lines = LineBytesBySeq(bundle);
        foreach (var (what, bodyBytes, seqs) in writes)
        {
            long exported = seqs.Sum(s => lines[s]);
            output.WriteLine($"POST {what}: body {bodyBytes} bytes, {seqs.Length} entries, {exported} bytes exported ({(double)exported / bodyBytes:F1}x)");
            Assert.True(exported <= (long)Multiple * bodyBytes + LineOverhead * seqs.Length,
                $"POST {what}: a body of {bodyBytes} bytes exported as {exported} bytes in {seqs.Length} entries");
        }

        var verified = await CliRunner.Run("verify", bundle, "--trusted-root", root, "--output", "json");
        Assert.True(verified.ExitCode == 0, verified.ToString());
        var reportVerified = await CliRunner.Run("verify-report", pdf, "--trusted-root", root, "--bundle", bundle);
        Assert.True(reportVerified.ExitCode == 0, reportVerified.ToString());
        // the line limit is the reader's own: with one below the largest entry's line, the same bundle is unreadable
        var tooShort = await CliRunner.Run("verify", bundle, "--trusted-root", root, "--max-line-mib", "1");
        Assert.True(tooShort.ExitCode == 1 && tooShort.Output.Contains("longer than 1048576 bytes", StringComparison.Ordinal), tooShort.ToString());
        var selfCheck = await auditor.GetAsync("/v1/verification/log").Expect(HttpStatusCode.OK);
        Assert.True((bool)selfCheck["valid"]!, selfCheck.ToJsonString());
    }

    private static string ModelBody(string version, string parameters) =>
        $"{{\"version\": \"{version}\", \"artifactSha256\": \"{Sha('c')}\", \"framework\": \"x\", \"trainedOn\": [\"vb-train@1\"], \"parameters\": {parameters}}}";

    private static Dictionary<long, long> LineBytesBySeq(string bundle)
    {
        var sizes = new Dictionary<long, long>();
        foreach (var line in File.ReadLines(bundle, Encoding.UTF8))
        {
            using var document = JsonDocument.Parse(line);
            if (document.RootElement.TryGetProperty("seq", out var seq))
            {
                sizes[seq.GetInt64()] = Encoding.UTF8.GetByteCount(line) + 1;
            }
        }

        return sizes;
    }

    private Task<JsonObject> Send(string path, string body, HttpStatusCode expected) => Send(_pipeline, path, body, expected);

    private static async Task<JsonObject> Send(HttpClient client, string path, string body, HttpStatusCode expected)
    {
        using var content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        return await client.PostAsync(path, content).Expect(expected);
    }

    private async Task<string> Save(string name, byte[] bytes)
    {
        var path = Path.Combine(_directory, name);
        await File.WriteAllBytesAsync(path, bytes);
        return path;
    }

    /// <summary>The largest bodies each endpoint accepts, made of what a bundle line writes longest for its size.</summary>
    private static class Worst
    {
        /// <summary>A name at its length limit (128).</summary>
        public static string Name(char c) => new(c, 128);

        /// <summary>Text at a length limit: two-byte characters that a bundle line may write as \u escapes, and quotes escaped twice.</summary>
        public static string Text(int length) => string.Concat(Enumerable.Range(0, length).Select(i => i % 2 == 0 ? "\u00e9" : "\""));

        public static JsonObject Dataset(string name) => new()
        {
            ["name"] = name, ["version"] = "1", ["uri"] = $"s3://bucket/{new string('u', 2030)}", ["sha256"] = Sha('d'), ["license"] = Text(128),
            ["containsPersonalData"] = false, ["tags"] = new JsonArray(Enumerable.Range(0, 256).Select(i => (JsonNode)$"{i:d3}{new string('t', 125)}").ToArray()),
            ["derivedFrom"] = new JsonArray("vb-train@1"), ["schema"] = Text(16 * 1024), ["rowCount"] = long.MaxValue,
        };

        /// <summary>Parameters of arrays of the shortest literal jsonb prints longest (1e63: four characters, 64 digits).</summary>
        public static JsonObject ModelVersion(string version, string trainedOn)
        {
            var array = $"[{string.Join(',', Enumerable.Repeat("1e63", 819))}]"; // 4,095 characters, the limit per value
            var parameters = string.Join(',', Enumerable.Range(0, 60).Select(i => $"\"p{i:d2}\":{array}"));
            return JsonNode.Parse($"{{\"version\": \"{version}\", \"artifactSha256\": \"{Sha('f')}\", \"framework\": \"{new string('f', 128)}\", " +
                $"\"trainingRunId\": \"{new string('r', 256)}\", \"codeCommit\": \"{new string('a', 64)}\", \"trainedOn\": [\"{trainedOn}\"], " +
                $"\"riskTier\": \"{new string('h', 128)}\", \"parameters\": {{{parameters}}}}}")!.AsObject();
        }

        /// <summary>256 metrics with names at their limit, each 1e63 (the ledger writes it as 1E+63).</summary>
        public static JsonObject Evaluation(string dataset) => JsonNode.Parse(
            $"{{\"dataset\": \"{dataset}\", \"metrics\": {{{string.Join(',', Enumerable.Range(0, 256).Select(i => $"\"{i:d3}{new string('m', 125)}\":1e63"))}}}}}")!.AsObject();
    }
}
