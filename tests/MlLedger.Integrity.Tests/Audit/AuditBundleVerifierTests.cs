using MlLedger.Integrity.Audit;
using MlLedger.Integrity.Signing;

namespace MlLedger.Integrity.Tests.Audit;

public sealed class AuditBundleVerifierTests : IDisposable
{
    private readonly LedgerSigningKey _key = LedgerSigningKey.Generate();

    public void Dispose() => _key.Dispose();

    [Fact]
    public async Task Bundle_of_the_whole_log_verifies()
    {
        var log = new AuditLog(_key, 20);

        var result = await AuditLog.Verify(log.Bundle(), log.Trusted);

        AssertValid(result);
        Assert.Equal((0L, 20L, 20L, 3, 0L), (result.From, result.TreeSize, result.EntriesRead, result.Streams, result.UncheckedLinks));
        Assert.Equal(Convert.ToHexStringLower(log.Root(20)), result.RootHash);
    }

    [Theory]
    [InlineData(1, 20)]
    [InlineData(7, 20)]
    [InlineData(16, 20)]
    [InlineData(19, 20)]
    [InlineData(20, 20)]
    public async Task Bundle_of_a_range_with_its_prefix_verifies_and_counts_links_it_cannot_check(int from, int size)
    {
        var log = new AuditLog(_key, size);

        var result = await AuditLog.Verify(log.Bundle(from), log.Trusted);

        AssertValid(result);
        Assert.Equal(size - from, result.EntriesRead);
        // three streams, round robin: stream s starts at leaf s; its first entry in the range cannot be linked when s < from
        int unlinkable = Enumerable.Range(0, 3).Count(s => s < from && Enumerable.Range(from, size - from).Any(i => i % 3 == s));
        Assert.Equal(unlinkable, result.UncheckedLinks);
    }

    [Fact]
    public async Task Bundle_with_a_consistency_proof_verifies_against_the_auditors_older_checkpoint()
    {
        var log = new AuditLog(_key, 25);
        string kept = log.CheckpointAt(11);

        var result = await AuditLog.Verify(log.Bundle(from: 11, since: 11), log.Trusted, kept);

        AssertValid(result);
        Assert.Equal((11L, 11L), (result.SinceSize, result.OlderCheckpointSize));
    }

    [Fact]
    public async Task Auditors_checkpoint_at_the_same_size_needs_no_proof()
    {
        var log = new AuditLog(_key, 9);

        AssertValid(await AuditLog.Verify(log.Bundle(from: 4), log.Trusted, log.CheckpointAt(9)));
    }

    [Fact]
    public async Task Bundle_with_a_proof_from_an_earlier_size_than_its_range_verifies()
    {
        var log = new AuditLog(_key, 30);

        AssertValid(await AuditLog.Verify(log.Bundle(from: 20, since: 6), log.Trusted, log.CheckpointAt(6)));
    }

    [Fact]
    public async Task Entries_of_a_key_retired_before_the_checkpoint_verify_under_a_trusted_root_listing_both_keys()
    {
        using var next = LedgerSigningKey.Generate();
        var log = new AuditLog(_key, 6);
        var trusted = new TrustedKeys([
            new KeyRingEntry(_key.PublicKey, KeyStatus.Retired, Entries.StreamBuilder.T0, Entries.StreamBuilder.T0.AddDays(1)),
            new KeyRingEntry(next.PublicKey, KeyStatus.Active, Entries.StreamBuilder.T0.AddDays(1), null)]);
        var header = log.Header() with { Checkpoint = log.CheckpointAt(6, next) };

        AssertValid(await AuditLog.Verify(AuditLog.Write(header, log.Entries), trusted));
    }

    [Fact]
    public async Task Progress_reports_every_entry()
    {
        var log = new AuditLog(_key, 1100);
        var seen = new List<long>();

        var result = await new AuditBundleVerifier(log.Trusted).VerifyAsync(new MemoryStream(log.Bundle()), progress: new SyncProgress(seen.Add));

        AssertValid(result);
        Assert.Equal(1100, seen[^1]);
        Assert.Equal(seen.Order(), seen);
    }

    [Fact]
    public async Task Skipping_signatures_is_reported()
    {
        var log = new AuditLog(_key, 3);

        var result = await AuditLog.Verify(log.Bundle(), log.Trusted, options: new AuditVerifierOptions { SkipEntrySignaturesUnsafe = true });

        Assert.True(result.IsValid);
        Assert.Equal(["entry-signatures"], result.SkippedChecks);
    }

    [Fact]
    public void Verifier_cannot_be_built_without_trusted_keys()
    {
        Assert.Throws<ArgumentNullException>(() => new AuditBundleVerifier(null!));
        Assert.Throws<ArgumentException>(() => new TrustedKeys([]));
    }

    internal static void AssertValid(AuditVerification result) =>
        Assert.True(result.IsValid, string.Join("\n", result.Failures.Select(f => $"{f.Code} @{f.LogIndex}: {f.Message}")));

    private sealed class SyncProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
