using System.Net;
using MlLedger.Api.Tests.Cli;
using MlLedger.Api.Tests.Infrastructure;
using MlLedger.Api.Tests.Log;
using Npgsql;

namespace MlLedger.Api.Tests.Faults;

/// <summary>What a fault left behind, as the ledger's database, its log and an offline auditor see it.</summary>
public sealed record AuditFigures(int Acknowledged, int Lost, long StoredEntries, long WithoutEnvelope, long CheckpointSize, bool SelfCheckValid,
    int VerifyExitCode, string VerifyOutput)
{
    public bool Passed => Lost == 0 && WithoutEnvelope == 0 && CheckpointSize >= StoredEntries && SelfCheckValid && VerifyExitCode == 0;
}

/// <summary>
/// The checks after a fault: every acknowledged (201) entry is stored with the seq and hash it was acknowledged with,
/// no stored entry lacks its signed envelope, a checkpoint covers every entry, the server's self-check finds the
/// log whole, and an export of the whole log verifies offline with <c>mlledger verify</c>.
/// </summary>
internal static class LedgerAudit
{
    public static async Task<AuditFigures> Run(string connectionString, HttpClient auditor, IEnumerable<WriteAnswer> answers, string workDirectory)
    {
        var acknowledged = answers.Where(a => a.Status == 201).ToList();
        var stored = await StoredHashes(connectionString);
        var lost = acknowledged.Count(a => !stored.TryGetValue(a.Seq!.Value, out var hash) || hash != a.Hash);
        var withoutEnvelope = stored.Values.Count(h => h is null);
        var entries = stored.Count;

        var checkpoint = await LogClient.CheckpointCovering(auditor, entries);
        var selfCheck = await auditor.GetAsync("/v1/verification/log").Expect(HttpStatusCode.OK);
        var verify = await Verify(auditor, workDirectory);
        return new AuditFigures(acknowledged.Count, lost, entries, withoutEnvelope, checkpoint.Checkpoint.Size, (bool)selfCheck["valid"]!,
            verify.ExitCode, verify.ToString());
    }

    /// <summary>
    /// The client's side of an unknown outcome: every write whose last answer was a 503, or none, is sent again with
    /// its Idempotency-Key until the ledger answers (201: a replay if it had landed, a new entry if not).
    /// </summary>
    public static async Task<IReadOnlyList<WriteAnswer>> Resolve(HttpClient pipeline, IEnumerable<WriteAnswer> answers)
    {
        var resolved = new List<WriteAnswer>();
        var settled = answers.Where(a => a.Status is not (503 or WriteLoad.Unreachable or WriteLoad.TimedOut)).Select(a => a.Dataset).ToHashSet();
        foreach (var unknown in answers.Where(a => !settled.Contains(a.Dataset)).DistinctBy(a => a.Dataset))
        {
            var retried = await Eventually.Get(async () =>
            {
                var answer = await WriteLoad.Send(pipeline, unknown.Dataset, unknown.IdempotencyKey);
                return answer.Status is 503 or WriteLoad.Unreachable ? null : answer;
            }, $"an answer to the retry of {unknown.Dataset}");
            resolved.Add(retried);
        }

        return resolved;
    }

    /// <summary>Every stored entry (seq, hash header; null when it has no envelope or no hash).</summary>
    public static async Task<Dictionary<long, string?>> StoredHashes(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT seq_id, CASE WHEN headers ? 'dsse' THEN headers->>'hash' END FROM mlledger.mt_events WHERE stream_id <> 'mt_tombstone'",
            connection);
        await using var reader = await command.ExecuteReaderAsync();
        var stored = new Dictionary<long, string?>();
        while (await reader.ReadAsync())
        {
            stored[reader.GetInt64(0)] = reader.IsDBNull(1) ? null : reader.GetString(1);
        }

        return stored;
    }

    private static async Task<CliResult> Verify(HttpClient auditor, string workDirectory)
    {
        Directory.CreateDirectory(workDirectory);
        var root = Path.Combine(workDirectory, $"trusted-root-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(root, await auditor.GetStringAsync("/v1/log/trusted-root"));
        var bundle = Path.Combine(workDirectory, $"export-{Guid.NewGuid():N}.jsonl");
        using (var response = await auditor.GetAsync("/v1/export"))
        {
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            await using var file = File.Create(bundle);
            await response.Content.CopyToAsync(file);
        }

        return await CliRunner.Run("verify", bundle, "--trusted-root", root, "--output", "json");
    }

    /// <summary>The answers by status, for a failure message or a soak report.</summary>
    public static string Tally(IEnumerable<WriteAnswer> answers) =>
        string.Join(", ", answers.GroupBy(a => Describe(a.Status) + (a.Code is null ? "" : $" {a.Code}"))
            .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}: {g.Count()}"));

    private static string Describe(int status) => status switch
    {
        WriteLoad.Unreachable => "unreachable",
        WriteLoad.TimedOut => "timed out",
        _ => status.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
