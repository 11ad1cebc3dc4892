using System.Net;
using MlLedger.Api.Tests.Infrastructure;
using MlLedger.Policies;
using static MlLedger.Api.Tests.Infrastructure.Requests;

namespace MlLedger.Api.Tests;

/// <summary>
/// The policy set is published in the ledger whenever its digest changes; a decision names the digest it was taken
/// under, and replaying it uses that published set, so an old decision keeps its answer after the files changed.
/// A malformed policy stops start-up with file, line and column.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class PolicyPublicationTests(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), $"mlledger-pub-{Guid.NewGuid():N}");

    private string Policies => Path.Combine(_work, "policies");

    private string Keys => Path.Combine(_work, "keys");

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(Policies);
        foreach (var file in Directory.EnumerateFiles(LedgerApp.ShippedPolicies))
        {
            File.Copy(file, Path.Combine(Policies, Path.GetFileName(file)));
        }

        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_work, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Changing_a_policy_and_restarting_publishes_a_new_digest_and_an_old_decision_replays_to_its_old_answer()
    {
        string database;
        string oldDigest;
        long allowedDecision;
        await using (var first = await Start(null))
        {
            database = first.ConnectionString;
            first.KeepDatabase(); // the second start uses it
            oldDigest = await Digest(first);
            allowedDecision = await PromoteWithHoldoutAuc(first, "pub-model", 0.87);
        }

        // the production threshold rises above the model's AUC
        var production = Path.Combine(Policies, "production.yaml");
        await File.WriteAllTextAsync(production, (await File.ReadAllTextAsync(production)).Replace("threshold: 0.85", "threshold: 0.90", StringComparison.Ordinal));

        await using (var second = await Start(database))
        {
            var newDigest = await Digest(second);
            Assert.NotEqual(oldDigest, newDigest);
            Assert.Equal(2, await Publications(second));

            var auditor = second.Client("audrey", "auditor");
            var replay = await auditor.GetAsync($"/v1/policy/decisions/{allowedDecision}/replay").Expect(HttpStatusCode.OK);
            Assert.Equal(oldDigest, (string?)replay["policySetDigest"]);
            Assert.True((bool)replay["recordedAllowed"]!);
            Assert.True((bool)replay["replayedOnLedgerFacts"]!["allowed"]!, replay.ToJsonString());
            Assert.True((bool)replay["sameDecision"]!, replay.ToJsonString());
            Assert.True((bool)replay["factsMatch"]!, replay.ToJsonString());
            Assert.True((bool)replay["entryVerified"]!);

            // the same facts under the new set are denied, for the new threshold
            var check = await second.Client("ci-bot", "pipeline")
                .Post("/v1/policy/check", new { model = "pub-model", version = "1", environment = "prod-eu" }).Expect(HttpStatusCode.OK);
            Assert.Equal(newDigest, (string?)check["policySetDigest"]);
            Assert.Equal(["production/holdout-auc"], ShippedPolicyTests.FailedRules(check["decision"]!));
            Assert.Equal("auc 0.87 < 0.9 on dataset pub-model-holdout@1", ShippedPolicyTests.Reason(check["decision"]!, "holdout-auc"));
        }

        await using (var third = await Start(database))
        {
            Assert.Equal(2, await Publications(third)); // same files, same digest: nothing new to publish
        }
    }

    [Fact]
    public async Task A_published_set_holds_every_file_verbatim_and_rebuilds_to_its_digest()
    {
        await using var ledger = await Start(null);
        var stream = await ledger.Client("audrey", "auditor").GetAsync("/v1/verification/streams?stream=policy-sets").Expect(HttpStatusCode.OK);
        var seq = (long)stream["streams"]![0]!["entries"]![0]!["seq"]!;
        var entry = await ledger.Client("audrey", "auditor").GetAsync($"/v1/entries/{seq}").Expect(HttpStatusCode.OK);
        var statement = System.Text.Json.Nodes.JsonNode.Parse(Convert.FromBase64String((string)entry["envelope"]!["payload"]!))!;
        var published = statement["predicate"]!["event"]!;

        var files = published["files"]!.AsArray()
            .Select(f => ((string)f!["name"]!, System.Text.Encoding.UTF8.GetBytes((string)f["content"]!)))
            .ToList();
        var rebuilt = PolicySet.FromFiles(files);

        Assert.Equal((string?)published["digest"], rebuilt.Digest);
        Assert.Equal(PolicySet.Load(Policies).Digest, rebuilt.Digest);
        Assert.Equal(["environments.yaml", "production.yaml", "staging.yaml"], files.Select(f => f.Item1));
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(Policies, "production.yaml")),
            (string?)published["files"]!.AsArray().Single(f => (string?)f!["name"] == "production.yaml")!["content"]);
    }

    [Fact]
    public async Task A_malformed_policy_stops_serve_before_anything_starts_and_names_file_line_and_column()
    {
        await File.WriteAllTextAsync(Path.Combine(Policies, "broken.yaml"),
            "apiVersion: mlledger.dev/v1\nkind: Policy\nid: broken\nversion: \"1\"\nappliesTo:\n  stages: [production]\nrules:\n  - id: typo\n    kind: evaluaton\n");
        var cli = Path.Combine(AppContext.BaseDirectory, "mlledger.dll");

        var result = await Processes.Run("dotnet", cli, "serve", "--policies", Policies, "--db", "Host=127.0.0.1;Port=1;Database=none",
            "--data-dir", Path.Combine(_work, "data"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{Path.Combine(Policies, "broken.yaml")}:9:11: unknown rule kind 'evaluaton'", result.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_work, "data")), "nothing may be created before the policies load");
    }

    private Task<LedgerApp> Start(string? database) =>
        LedgerApp.StartAsync(postgres, o => o with
        {
            ConnectionString = database ?? o.ConnectionString,
            KeysDirectory = Keys,
            Policies = PolicySet.Load(Policies),
        });

    private static async Task<string> Digest(LedgerApp ledger) =>
        (string)(await ledger.Client("audrey", "auditor").GetAsync("/v1/policy/set").Expect(HttpStatusCode.OK))["digest"]!;

    private static async Task<int> Publications(LedgerApp ledger)
    {
        var stream = await ledger.Client("audrey", "auditor").GetAsync("/v1/verification/streams?stream=policy-sets").Expect(HttpStatusCode.OK);
        Assert.True((bool)stream["valid"]!, stream.ToJsonString());
        return stream["streams"]![0]!["entries"]!.AsArray().Count;
    }

    /// <summary>Registers what the production policy wants and promotes the version; returns the allowing PolicyEvaluated entry.</summary>
    private static async Task<long> PromoteWithHoldoutAuc(LedgerApp ledger, string model, double auc)
    {
        await PolicyScenarios.RegisterModel(ledger.Client("ci-bot", "pipeline"), model, auc);
        var completing = await PolicyScenarios.PromoteToProduction(ledger, model);
        Assert.Equal(4, completing["entries"]!.AsArray().Count); // granted, evaluated (allowed), approved, stage changed
        return (long)completing["entries"]![1]!["seq"]!;
    }
}
