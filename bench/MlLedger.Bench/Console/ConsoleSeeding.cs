using System.Diagnostics;
using System.Text.Json.Nodes;
using static MlLedger.Bench.Report;

namespace MlLedger.Bench;

/// <summary>What the console mode seeded, and what the ledger then held.</summary>
internal sealed record ConsoleSeed(TimeSpan Elapsed, long Entries, int Pending, int AwaitingMe, IReadOnlyList<string> SampleIds)
{
    public string Line => $"{Num(Entries)} entries, {Num(Pending)} promotions pending, {Num(AwaitingMe)} of them awaiting {ConsoleSeeding.Approver}, " +
                          $"seeded in {F(Elapsed.TotalSeconds, "0.0")} s";
}

/// <summary>
/// Seeds the console mode's ledger through the API, as pipelines and approvers would: first --promotions model versions whose
/// production promotion stays pending (registered, six evaluations, approved to staging, requested for production by the
/// pipeline <c>ci-bot</c> and approved by 0 or 1 approvers without the risk-officer role, so the production policy still
/// waits on a risk officer), then models whose versions all reach production (three approvals, a risk officer among them)
/// up to --entries, so that no other promotion is left pending. The measuring approver has no part in any of it.
/// </summary>
internal static class ConsoleSeeding
{
    public const string Approver = "bench-approver";
    public static readonly string[] ApproverRoles = ["approver", "risk-officer"];

    /// <summary>Model indexes of the decided models start here, so their names never meet the pending ones'.</summary>
    private const int DecidedFrom = 50_000;

    public static async Task<ConsoleSeed> RunAsync(BenchLedger ledger, BenchOptions options, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var who = new Identities(ledger);
        var pending = PendingPlans(options.Promotions);
        var pendingEntries = pending.Sum(p => (long)p.Entries);
        Console.WriteLine($"seeding {Num(options.Promotions)} pending production promotions ({pending.Count} models, {Num(pendingEntries)} entries) " +
                          $"with {options.Concurrency} parallel clients ...");
        var first = await new Seeder(who, options.Concurrency, i => i < pending.Count ? pending[i] : null).RunAsync(pendingEntries, ct);
        Console.WriteLine($"  pending: {Num(first.Appended)} entries in {F(first.Elapsed.TotalSeconds, "0.0")} s " +
                          $"({Num((long)(first.Appended / first.Elapsed.TotalSeconds))} entries/s, {Num(first.Retries)} retries, {first.Errors} failed requests)");

        var budget = options.Entries - await ledger.CountEntriesAsync(ct);
        if (budget > 0)
        {
            Console.WriteLine($"seeding {Num(budget)} more entries: models whose versions all reach production ...");
            var rest = await new Seeder(who, options.Concurrency, Decided).RunAsync(budget, ct);
            Console.WriteLine($"  decided: {Num(rest.Appended)} entries in {F(rest.Elapsed.TotalSeconds, "0.0")} s " +
                              $"({rest.Models} models, {rest.Versions} versions, {Num(rest.Retries)} retries, {rest.Errors} failed requests)");
        }
        else
        {
            Console.WriteLine($"  the pending promotions alone hold {Num(-budget)} entries more than --entries {Num(options.Entries)}: nothing more seeded");
        }

        var elapsed = clock.Elapsed;
        var entries = await ledger.CountEntriesAsync(ct);
        var pendingCount = await CountAsync(ledger.Client("bench-auditor", "auditor"), "/v1/promotions?status=pending&limit=500", null, ct);
        var ids = new List<string>();
        var awaiting = await CountAsync(ledger.Client(Approver, ApproverRoles), "/v1/promotions?awaiting=me&limit=500", ids, ct);
        var step = Math.Max(1, ids.Count / 50);
        return new ConsoleSeed(elapsed, entries, pendingCount, awaiting, ids.Where((_, i) => i % step == 0).Take(50).ToList());
    }

    /// <summary>Models from <see cref="ModelPlan.For"/> whose versions, <paramref name="promotions"/> in all, each end with a pending production promotion.</summary>
    private static List<ModelPlan> PendingPlans(int promotions)
    {
        var plans = new List<ModelPlan>();
        for (var index = 0; promotions > 0; index++)
        {
            var plan = ModelPlan.For(index);
            var versions = plan.Versions.Take(promotions).Select((v, k) => v with { PendingAfter = (index + k) % 2 }).ToList();
            plans.Add(plan with { Versions = versions });
            promotions -= versions.Count;
        }

        return plans;
    }

    /// <summary>A model whose every version meets the production policy's metrics, so its three approvals approve it.</summary>
    private static ModelPlan Decided(int index)
    {
        var plan = ModelPlan.For(DecidedFrom + index);
        return plan with { Versions = plan.Versions.Select(v => v with { HoldoutAuc = Math.Max(v.HoldoutAuc, VersionPlan.Threshold + 0.01) }).ToList() };
    }

    /// <summary>Follows a list's <c>next</c> cursors to its end; answers how many items it holds (and keeps their ids).</summary>
    private static async Task<int> CountAsync(HttpClient client, string path, List<string>? ids, CancellationToken ct)
    {
        var count = 0;
        for (string? next = null, page = path; page is not null; page = next is null ? null : $"{path}&cursor={Uri.EscapeDataString(next)}")
        {
            var answer = await GetJsonAsync(client, page, ct);
            var items = answer["items"]!.AsArray();
            count += items.Count;
            ids?.AddRange(items.Select(i => (string)i!["id"]!));
            next = (string?)answer["next"];
        }

        return count;
    }

    public static async Task<JsonObject> GetJsonAsync(HttpClient client, string path, CancellationToken ct)
    {
        using var response = await client.GetAsync(path, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new BenchFailure($"GET {path} answered {(int)response.StatusCode}: {(text.Length <= 600 ? text : text[..600] + "…")}");
        }

        return JsonNode.Parse(text)!.AsObject();
    }
}
