using System.Text;
using System.Text.Json.Nodes;
using MlLedger.Integrity.Entries;
using MlLedger.Integrity.Signing;
using MlLedger.Integrity.Statements;

namespace MlLedger.Integrity.Tests.Entries;

public sealed class StreamVerifierTests : IDisposable
{
    private static readonly DateTimeOffset RotatedAt = StreamBuilder.T0.AddDays(30);

    private readonly LedgerSigningKey _old = LedgerSigningKey.Generate();
    private readonly LedgerSigningKey _new = LedgerSigningKey.Generate();

    public void Dispose()
    {
        _old.Dispose();
        _new.Dispose();
    }

    [Fact]
    public void Valid_three_entry_stream_verifies()
    {
        var ring = new KeyRing(_old, StreamBuilder.T0, []);
        var stream = new StreamBuilder("churn-train@3").Append(new EntrySealer(ring), 3);

        var result = StreamVerifier.Verify("churn-train@3", stream.Stored, TrustedKeys.From(ring));

        Assert.True(result.IsValid);
        Assert.Equal("churn-train@3", result.StreamId);
        Assert.Equal(
            [(101L, 1L, true), (102L, 2L, true), (103L, 3L, true)],
            result.Entries.Select(e => (e.Seq, e.StreamVersion, e.IsValid)));
        Assert.All(result.Entries, e => Assert.Empty(e.Failures));
    }

    [Fact]
    public void Entries_signed_by_a_key_that_was_later_retired_still_verify()
    {
        var before = new KeyRing(_old, StreamBuilder.T0, []);
        var after = new KeyRing(_new, RotatedAt, [new KeyRingEntry(_old.PublicKey, KeyStatus.Retired, StreamBuilder.T0, RotatedAt)]);
        var stream = new StreamBuilder("churn-train@3")
            .Append(new EntrySealer(before), 2)
            .Append(new EntrySealer(after), RotatedAt.AddHours(1));

        var result = StreamVerifier.Verify("churn-train@3", stream.Stored, TrustedKeys.From(after));

        Assert.True(result.IsValid, string.Join("; ", result.Entries.SelectMany(e => e.Failures).Select(f => f.Message)));
        Assert.Equal([_old.KeyId, _old.KeyId, _new.KeyId], stream.Sealed.Select(s => s.KeyId));
    }

    [Fact]
    public void Stored_event_data_normalised_by_jsonb_still_verifies()
    {
        var ring = new KeyRing(_old, StreamBuilder.T0, []);
        var stored = new StreamBuilder("churn-train@3").Append(new EntrySealer(ring), 1).Stored;
        stored[0] = stored[0] with
        {
            EventDataJson = """{"tags": ["train", "v1"], "check": "pii-scan", "result": "passed", "dataset": "churn-train@3", "rowCount": 1001}""",
        };

        var result = StreamVerifier.Verify("churn-train@3", stored, TrustedKeys.From(ring));

        Assert.True(result.IsValid);
    }

    [Fact]
    public void Stored_event_data_with_jsonb_normalised_numbers_still_verifies()
    {
        // System.Text.Json writes 1E+20 for this double; PostgreSQL jsonb hands it back as 100000000000000000000.
        var ring = new KeyRing(_old, StreamBuilder.T0, []);
        var sealer = new EntrySealer(ring);
        var data = new JsonObject { ["big"] = 1e20, ["ratio"] = 0.5 };
        var entry = sealer.Seal(new UnsignedEntry(
            "EvaluationRecorded",
            data,
            new StatementSubject("models/churn/7", StreamBuilder.Digest),
            new EntryMetadata("churn@7", 1, null, "pipeline:ci", StreamBuilder.T0)));
        var stored = new StoredEntry(1, 1, "EvaluationRecorded", """{"big": 100000000000000000000, "ratio": 0.50}""", entry.Envelope);

        var result = StreamVerifier.Verify("churn@7", [stored], TrustedKeys.From(ring));

        Assert.Contains("1E+20", Encoding.UTF8.GetString(entry.Envelope.Payload), StringComparison.Ordinal);
        Assert.True(result.IsValid, string.Join("; ", result.Entries[0].Failures.Select(f => f.Message)));
    }

    [Fact]
    public void Empty_stream_has_nothing_to_reject()
    {
        var result = StreamVerifier.Verify("empty", [], TrustedKeys.From(new KeyRing(_old, StreamBuilder.T0, [])));

        Assert.True(result.IsValid);
        Assert.Empty(result.Entries);
    }

    [Fact]
    public void Failure_messages_name_expected_and_actual_values()
    {
        var ring = new KeyRing(_old, StreamBuilder.T0, []);
        var stored = new StreamBuilder("churn-train@3").Append(new EntrySealer(ring), 1).Stored;
        stored[0] = stored[0] with { StreamVersion = 4 };

        var result = StreamVerifier.Verify("churn-train@3", stored, TrustedKeys.From(ring));

        var failure = result.Entries[0].Failures[0];
        Assert.Equal(EntryFailureCodes.StreamVersion, failure.Code);
        Assert.Equal("Signed stream version is 1, stored stream version is 4.", failure.Message);
    }

    [Fact]
    public void Entries_given_one_at_a_time_get_the_results_of_the_whole_stream_verified_at_once()
    {
        var ring = new KeyRing(_old, StreamBuilder.T0, []);
        var stored = new StreamBuilder("churn-train@3").Append(new EntrySealer(ring), 5).Stored;
        stored[2] = stored[2] with { EventDataJson = "{}" };
        stored.RemoveAt(3); // the entry after the edited one is gone: the last one's version and link fail
        var atOnce = StreamVerifier.Verify("churn-train@3", stored, TrustedKeys.From(ring));

        var verifier = new StreamEntryVerifier("churn-train@3", TrustedKeys.From(ring));
        var valid = new List<bool>();
        var oneByOne = stored.Select(entry =>
        {
            var result = verifier.Next(entry);
            valid.Add(verifier.IsValid);
            return result;
        }).ToList();

        Assert.Equal(atOnce.Entries.Select(e => (e.Seq, e.IsValid, string.Join(",", e.Failures.Select(f => f.Code)))),
            oneByOne.Select(e => (e.Seq, e.IsValid, string.Join(",", e.Failures.Select(f => f.Code)))));
        Assert.Equal([true, true, false, false], valid);
        Assert.Equal([EntryFailureCodes.VersionGap, EntryFailureCodes.ChainBroken], oneByOne[3].Failures.Select(f => f.Code));
    }
}
