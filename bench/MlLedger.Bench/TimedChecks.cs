using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using static MlLedger.Bench.Report;

namespace MlLedger.Bench;

/// <summary>The checks <c>http</c> mode times: the models they are about, and each call timed from the client and on the server.</summary>
internal static class TimedChecks
{
    /// <summary>One kind of check: which model version, and whether it names a target stage or an environment.</summary>
    public sealed record CheckVariant(string Name, byte[] Body, bool ExpectAllowed);

    public sealed record CheckSample(CheckVariant Variant, long Client, CheckTimes Server, bool Allowed);

    /// <summary>
    /// Records bench-good@1 (every production rule met, promoted to production with three approvals) and
    /// bench-bad@1 (a training set failed the pii-scan, holdout AUC 0.78, one approval without a risk officer).
    /// </summary>
    public static async Task<IReadOnlyList<CheckVariant>> PrepareAsync(TrafficSender sender, string prefix, CancellationToken ct)
    {
        var good = new ModelPlan(-1, $"{prefix}-good", ["CC-BY-4.0", "LicenseRef-internal", "Apache-2.0"], Rescan: false,
            [new VersionPlan("1", ModelPlan.Sha(ModelPlan.Hash(prefix + "good")), 0.91, Production: true)]);
        var bad = new ModelPlan(-2, $"{prefix}-bad", ["CC-BY-4.0", "CC-BY-4.0", "MIT"], Rescan: false,
            [new VersionPlan("1", ModelPlan.Sha(ModelPlan.Hash(prefix + "bad")), 0.78, Production: true)]);
        await sender.SendAsync(good, ct);
        await sender.SendAsync(bad, ct, failPiiScanOf: bad.TrainB);
        return
        [
            Variant("allowed, targetStage", good.Name, "targetStage", "production", expectAllowed: true),
            Variant("denied, targetStage", bad.Name, "targetStage", "production", expectAllowed: false),
            Variant("allowed, environment", good.Name, "environment", "prod-eu", expectAllowed: true),
            Variant("denied, environment", bad.Name, "environment", "prod-eu", expectAllowed: false),
        ];
    }

    private static CheckVariant Variant(string name, string model, string field, string value, bool expectAllowed) =>
        new(name, JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["model"] = model, ["version"] = "1", [field] = value,
        }), expectAllowed);

    public static async Task<List<CheckSample>> RunChecksAsync(HttpClient client, CheckProbe probe, IReadOnlyList<CheckVariant> variants,
        int count, CancellationToken ct)
    {
        var samples = new List<CheckSample>(count);
        for (var i = 0; i < count; i++)
        {
            var variant = variants[i % variants.Count];
            probe.Arm();
            var (ticks, body) = await SendCheckAsync(client, variant, ct);
            var server = await probe.CollectAsync(ct);
            samples.Add(new CheckSample(variant, ticks, server, (bool?)body["allowed"] == true));
        }

        probe.Disarm();
        return samples;
    }

    private static async Task<(long Ticks, JsonObject Body)> SendCheckAsync(HttpClient client, CheckVariant variant, CancellationToken ct)
    {
        using var content = new ByteArrayContent(variant.Body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var start = Stopwatch.GetTimestamp();
        using var response = await client.PostAsync(new Uri(CheckProbe.CheckPath, UriKind.Relative), content, ct);
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        var ticks = Stopwatch.GetTimestamp() - start;
        if (!response.IsSuccessStatusCode)
        {
            throw new BenchFailure($"POST {CheckProbe.CheckPath} ({variant.Name}) answered {(int)response.StatusCode}: {Encoding.UTF8.GetString(bytes)}");
        }

        return (ticks, JsonNode.Parse(bytes)?.AsObject() ?? []);
    }

    public static async Task ShowSqlAsync(HttpClient client, CheckProbe probe, CheckVariant variant, CancellationToken ct)
    {
        probe.Arm(keepStatements: true);
        var (ticks, _) = await SendCheckAsync(client, variant, ct);
        var times = await probe.CollectAsync(ct);
        Console.WriteLine($"SQL of one check ({variant.Name}): client {F(Milliseconds(ticks))} ms, endpoint {F(Milliseconds(times.Handler))} ms");
        foreach (var (sql, ms) in probe.Statements)
        {
            var oneLine = string.Join(' ', sql.Split((char[])['\n', '\r', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
            Console.WriteLine($"  {F(ms, "0.000"),8} ms  {(oneLine.Length > 200 ? oneLine[..70] + " … " + oneLine[^125..] : oneLine)}");
        }
    }
}
