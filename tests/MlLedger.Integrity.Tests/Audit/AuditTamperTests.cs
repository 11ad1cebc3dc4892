using System.Text;
using MlLedger.Integrity.Audit;
using MlLedger.Integrity.Entries;
using MlLedger.Integrity.Signing;
using MlLedger.Integrity.Dsse;
using MlLedger.Integrity.Tests.Entries;
using MlLedger.Integrity.Tests.Signing;
using static MlLedger.Integrity.Audit.AuditFailureCodes;
using static MlLedger.Integrity.Entries.EntryFailureCodes;

namespace MlLedger.Integrity.Tests.Audit;

/// <summary>
/// A family of tampered bundles of a 12-entry log over three streams (bundle from leaf 0 unless said): each must be
/// refused, with the failing entry named where there is one.
/// </summary>
public sealed class AuditTamperTests : IDisposable
{
    private const int Size = 12;
    private const int Target = 5; // log index of the tampered entry (stream ds-2, version 2); its successor in the stream is 8

    private readonly LedgerSigningKey _key = LedgerSigningKey.Generate();
    private readonly LedgerSigningKey _stranger = LedgerSigningKey.Generate();
    private readonly AuditLog _log;
    private readonly List<string> _lines;

    public static TheoryData<string> DerFormsOfTheSignature => DerForms.Rows;

    public AuditTamperTests()
    {
        _log = new AuditLog(_key, Size);
        _lines = AuditLog.Lines(_log.Bundle());
    }

    public void Dispose()
    {
        _key.Dispose();
        _stranger.Dispose();
    }

    [Fact]
    public async Task Edited_event_data_is_named()
    {
        AuditLog.Edit(_lines, 1 + Target, e => e["data"] = e["data"]!.GetValue<string>().Replace("passed", "failed", StringComparison.Ordinal));

        var result = await Verify();

        Assert.Equal([(EventDataMismatch, (long?)Target)], Pairs(result));
    }

    [Fact]
    public async Task Edited_envelope_payload_is_named()
    {
        AuditLog.Edit(_lines, 1 + Target, e =>
        {
            string payload = Encoding.UTF8.GetString(Convert.FromBase64String(e["envelope"]!["payload"]!.GetValue<string>()));
            e["envelope"]!["payload"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(payload.Replace("pipeline:ci", "pipeline:cx", StringComparison.Ordinal)));
        });

        var result = await Verify();

        Assert.Contains((BadSignature, (long?)Target), Pairs(result));
        Assert.Contains((ChainBroken, (long?)(Target + 3)), Pairs(result));
        Assert.Contains((RootMismatch, (long?)null), Pairs(result));
    }

    [Fact]
    public async Task Flipped_signature_is_named()
    {
        AuditLog.Edit(_lines, 1 + Target, e =>
        {
            byte[] sig = Convert.FromBase64String(e["envelope"]!["signatures"]![0]!["sig"]!.GetValue<string>());
            sig[^1] ^= 1;
            e["envelope"]!["signatures"]![0]!["sig"] = Convert.ToBase64String(sig);
        });

        var result = await Verify();

        Assert.Equal([(BadSignature, (long?)Target), (ChainBroken, Target + 3), (RootMismatch, null)], Pairs(result));
    }

    /// <summary>The entry re-signed by the ledger key, then that signature in another byte form (tcId 6's transformation and its relatives).</summary>
    [Theory]
    [MemberData(nameof(DerFormsOfTheSignature))]
    public async Task Signature_in_another_DER_form_is_named(string form)
    {
        var envelope = _log.Entries[Target].Envelope;
        byte[] other = DerForms.Apply(form, DerForms.SignWithHighS(_key, Pae.Encode(envelope.PayloadType, envelope.Payload)));
        AuditLog.Edit(_lines, 1 + Target, e => e["envelope"]!["signatures"]![0]!["sig"] = Convert.ToBase64String(other));

        var result = await Verify();

        Assert.Equal([(BadSignature, (long?)Target), (ChainBroken, Target + 3), (RootMismatch, null)], Pairs(result));
        Assert.Contains("not in the one DER form", result.Failures[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleted_entry_is_named_by_the_entry_after_the_gap()
    {
        _lines.RemoveAt(1 + Target);
        AuditLog.Edit(_lines, _lines.Count - 1, e => e["entries"] = Size - 1);

        var result = await Verify();

        Assert.Contains((LogIndex, (long?)(Target + 1)), Pairs(result));
        Assert.Contains((VersionGap, (long?)(Target + 3)), Pairs(result));
        Assert.Contains((EntryCount, (long?)null), Pairs(result));
        Assert.Contains((RootMismatch, (long?)null), Pairs(result));
    }

    [Fact]
    public async Task Inserted_entry_signed_by_an_untrusted_key_is_named()
    {
        var forged = new AuditLog(_stranger, 0).Seal(new EntrySealer(new KeyRing(_stranger, StreamBuilder.T0, [])), "ds-x", Target);
        _lines.Insert(1 + Target, AuditLog.EntryLine(forged));
        AuditLog.Edit(_lines, _lines.Count - 1, e => e["entries"] = Size + 1);

        var result = await Verify();

        Assert.Contains((UnknownKey, (long?)Target), Pairs(result));
        Assert.Contains((LogIndex, (long?)Target), Pairs(result)); // the genuine entry 5 now follows the forged one
        Assert.Contains((RootUnverifiable, (long?)null), Pairs(result));
    }

    [Fact]
    public async Task Entry_signed_by_a_trusted_key_but_not_in_the_checkpoint_is_named()
    {
        var extra = _log.Seal(_log.Sealer, "ds-0", Size);
        _lines.Insert(_lines.Count - 1, AuditLog.EntryLine(extra));
        AuditLog.Edit(_lines, _lines.Count - 1, e => e["entries"] = Size + 1);

        var result = await Verify();

        Assert.Contains((LogIndex, (long?)Size), Pairs(result));
        Assert.Contains((EntryCount, (long?)null), Pairs(result));
        Assert.Contains((RootMismatch, (long?)null), Pairs(result));
    }

    [Fact]
    public async Task Reordered_entries_are_named()
    {
        (_lines[1 + Target], _lines[2 + Target]) = (_lines[2 + Target], _lines[1 + Target]);

        var result = await Verify();

        Assert.Contains((LogIndex, (long?)(Target + 1)), Pairs(result));
        Assert.Contains((LogIndex, (long?)Target), Pairs(result));
        Assert.Contains((RootMismatch, (long?)null), Pairs(result));
    }

    [Fact]
    public async Task Relabelled_reordering_is_caught_by_the_root()
    {
        (_lines[1 + Target], _lines[2 + Target]) = (_lines[2 + Target], _lines[1 + Target]);
        AuditLog.Edit(_lines, 1 + Target, e => e["logIndex"] = Target);
        AuditLog.Edit(_lines, 2 + Target, e => e["logIndex"] = Target + 1);

        var result = await Verify();

        Assert.Equal([(RootMismatch, (long?)null)], Pairs(result));
        Assert.Equal(Convert.ToHexStringLower(_log.Root(Size)), result.Failures[0].Expected);
    }

    [Fact]
    public async Task Missing_end_line_is_truncation()
    {
        _lines.RemoveAt(_lines.Count - 1);

        var result = await Verify();

        Assert.Equal([Truncated, RootUnverifiable], result.Failures.Select(f => f.Code));
        Assert.Contains($"line {Size + 2}", result.Failures[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bundle_cut_in_the_middle_of_a_line_is_truncation()
    {
        byte[] whole = AuditLog.Join(_lines);
        int cut = Encoding.UTF8.GetByteCount(string.Concat(_lines.Take(1 + Target).Select(l => l + "\n"))) + 40;

        var result = await AuditLog.Verify(whole[..cut], _log.Trusted);

        Assert.Equal(Truncated, result.Failures[0].Code);
        Assert.Equal(Target, result.EntriesRead);
    }

    [Fact]
    public async Task Log_regrown_after_a_truncation_is_a_fork_for_the_auditor()
    {
        string kept = _log.CheckpointAt(8);
        var regrown = new AuditLog(_key, 15, streamPrefix: "other");

        var withProof = await AuditLog.Verify(regrown.Bundle(since: 8), regrown.Trusted, kept);
        var withoutProof = await AuditLog.Verify(regrown.Bundle(from: 10), regrown.Trusted, kept);

        Assert.Contains(ForkDetected, withProof.Failures.Select(f => f.Code));
        Assert.Equal([NoConsistencyProof], withoutProof.Failures.Select(f => f.Code));
    }

    [Fact]
    public async Task Proof_from_another_size_than_the_auditors_is_refused()
    {
        var result = await AuditLog.Verify(_log.Bundle(from: 6, since: 4), _log.Trusted, _log.CheckpointAt(3));

        Assert.Equal([NoConsistencyProof], result.Failures.Select(f => f.Code));
    }

    [Fact]
    public async Task Broken_consistency_proof_is_refused()
    {
        var header = _log.Header(from: 6, since: 5);
        header.Since!.Consistency[0][0] ^= 1;

        var result = await AuditLog.Verify(AuditLog.Write(header, _log.Entries), _log.Trusted, _log.CheckpointAt(5));

        Assert.Equal([ConsistencyFailed], result.Failures.Select(f => f.Code));
    }

    [Fact]
    public async Task Checkpoint_signed_by_a_replaced_log_key_is_refused()
    {
        var header = _log.Header() with { Checkpoint = _log.CheckpointAt(Size, _stranger) };

        var result = await AuditLog.Verify(AuditLog.Write(header, _log.Entries), _log.Trusted);

        Assert.Equal([CheckpointUnverified], result.Failures.Select(f => f.Code));
        Assert.Null(result.RootHash);
    }

    [Fact]
    public async Task Checkpoint_of_another_size_is_refused()
    {
        var header = _log.Header() with { Checkpoint = _log.CheckpointAt(Size - 1) };

        var result = await AuditLog.Verify(AuditLog.Write(header, _log.Entries), _log.Trusted);

        Assert.Equal([CheckpointSize, RootMismatch], result.Failures.Select(f => f.Code));
    }

    [Fact]
    public async Task Entries_signed_outside_the_keys_validity_window_are_named()
    {
        var trusted = new TrustedKeys([new KeyRingEntry(_key.PublicKey, KeyStatus.Retired, StreamBuilder.T0, StreamBuilder.T0.AddMinutes(10))]);

        var result = await AuditLog.Verify(AuditLog.Join(_lines), trusted);

        Assert.Equal([(KeyNotValidAtTime, (long?)10), (KeyNotValidAtTime, 11)], Pairs(result));
    }

    [Fact]
    public async Task Wrong_prefix_is_caught_by_the_root()
    {
        var header = _log.Header(from: 7);
        header.Prefix[1][3] ^= 0x80;

        var result = await AuditLog.Verify(AuditLog.Write(header, _log.Entries), _log.Trusted);

        Assert.Equal([(RootMismatch, (long?)null)], Pairs(result));
    }

    [Fact]
    public async Task Entries_failures_carry_seq_and_stream()
    {
        AuditLog.Edit(_lines, 1 + Target, e => e["data"] = "{}");

        var failure = (await Verify()).Failures.Single();

        Assert.Equal((1000L + Target, "ds-2"), (failure.Seq!.Value, failure.StreamId));
    }

    private Task<AuditVerification> Verify() => AuditLog.Verify(AuditLog.Join(_lines), _log.Trusted);

    private static List<(string Code, long? LogIndex)> Pairs(AuditVerification result)
    {
        Assert.False(result.IsValid);
        return [.. result.Failures.Select(f => (f.Code, f.LogIndex))];
    }
}
