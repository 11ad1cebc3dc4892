using MlLedger.Integrity.Entries;
using MlLedger.Integrity.Signing;
using static MlLedger.Integrity.Entries.EntryFailureCodes;

namespace MlLedger.Integrity.Tests.Entries;

/// <summary>Corruptions of what surrounds the signature: stored rows, versions, the hash chain and key validity.</summary>
public sealed class StreamCorruptionTests : CorruptedStream
{
    [Theory]
    [InlineData("""{"dataset":"churn-train@3","check":"pii-scan","result":"failed","rowCount":1003,"tags":["train","v3"]}""")]
    [InlineData("""{"dataset":"churn-train@3","check":"pii-scan","result":"passed","rowCount":1003.5,"tags":["train","v3"]}""")]
    [InlineData("""{"dataset":"churn-train@3","check":"pii-scan","result":"passed","rowCount":1003,"tags":["train","v3"],"override":true}""")]
    [InlineData("""{"dataset":"churn-train@3","check":"pii-scan","rowCount":1003,"tags":["train","v3"]}""")]
    [InlineData("""{"dataset":"churn-train@3","check":"pii-scan","result":"passed","rowCount":1003,"tags":["v3","train"]}""")]
    [InlineData("""{"dataset":"churn-train@3","check":"pii-scan","result":"passed","rowCount":1003,"tags":["train","v3"]""")]
    [InlineData("null")]
    public void Event_data_changed_in_the_database_is_rejected(string storedJson)
    {
        CorruptLast(e => e with { EventDataJson = storedJson });

        AssertOnlyRejected(Verify(), Last, EventDataMismatch);
    }

    [Fact]
    public void Changed_event_type_is_rejected()
    {
        CorruptLast(e => e with { EventType = "DatasetWithdrawn" });

        AssertOnlyRejected(Verify(), Last, PredicateType, EventType);
    }

    [Fact]
    public void Changed_stream_version_is_rejected()
    {
        CorruptLast(e => e with { StreamVersion = 7 });

        AssertOnlyRejected(Verify(), Last, StreamVersion, VersionGap);
    }

    [Fact]
    public void Gap_in_versions_is_rejected()
    {
        Entries.RemoveAt(1);

        AssertOnlyRejected(Verify(), 1, VersionGap, ChainBroken);
    }

    [Fact]
    public void Missing_first_entry_is_rejected()
    {
        Entries.RemoveAt(0);

        var result = Verify();

        Assert.Equal([VersionGap, ChainBroken], Codes(result.Entries[0]));
        Assert.Equal([VersionGap], Codes(result.Entries[1]));
    }

    [Fact]
    public void Reordered_entries_are_rejected()
    {
        (Entries[1], Entries[2]) = (Entries[2], Entries[1]);

        var result = Verify();

        Assert.False(result.IsValid);
        Assert.True(result.Entries[0].IsValid);
        Assert.Equal([VersionGap, ChainBroken], Codes(result.Entries[1]));
        Assert.Equal([VersionGap, ChainBroken], Codes(result.Entries[2]));
    }

    [Fact]
    public void Broken_chain_link_is_rejected()
    {
        var forged = new StreamBuilder(Stream)
            .Append(Sealer, 2)
            .Append(Sealer, tweak: m => m with { PreviousEntryHash = new string('0', 64) });

        AssertOnlyRejected(StreamVerifier.Verify(Stream, forged.Stored, TrustedKeys.From(Ring)), Last, ChainBroken);
    }

    [Fact]
    public void First_entry_claiming_a_predecessor_is_rejected()
    {
        var forged = new StreamBuilder(Stream).Append(Sealer, tweak: m => m with { PreviousEntryHash = new string('a', 64) });

        AssertOnlyRejected(StreamVerifier.Verify(Stream, forged.Stored, TrustedKeys.From(Ring)), 0, ChainBroken);
    }

    [Fact]
    public void Entry_spliced_in_from_another_stream_is_rejected()
    {
        var other = new StreamBuilder("churn-holdout@3").Append(Sealer, 3).Stored;
        Entries[1] = other[1];

        var result = Verify();

        Assert.True(result.Entries[0].IsValid);
        Assert.Equal([StreamId, ChainBroken], Codes(result.Entries[1]));
        Assert.Equal([ChainBroken], Codes(result.Entries[2]));
    }

    [Fact]
    public void Tampered_entry_breaks_the_link_from_the_next_entry()
    {
        byte[] payload = (byte[])Entries[1].Envelope.Payload.Clone();
        payload[^2] ^= 0x01;
        Entries[1] = Entries[1] with { Envelope = Entries[1].Envelope with { Payload = payload } };

        var result = Verify();

        Assert.Equal(BadSignature, Codes(result.Entries[1])[0]);
        Assert.Equal([ChainBroken], Codes(result.Entries[2]));
    }

    [Fact]
    public void Payload_type_change_is_caught_by_the_signature_not_the_chain()
    {
        // The Rekor dsse 0.0.2 leaf holds only the payload hash and the signature, so the next entry's
        // link still matches; PAE covers the payload type, so the signature check must catch it.
        Entries[1] = Entries[1] with { Envelope = Entries[1].Envelope with { PayloadType = "text/plain" } };

        var result = Verify();

        Assert.Equal([BadSignature, PayloadType], Codes(result.Entries[1]));
        Assert.True(result.Entries[2].IsValid);
    }

    [Fact]
    public void Retired_key_signing_after_its_validity_ended_is_rejected()
    {
        var retiredAt = StreamBuilder.T0.AddDays(30);
        using var successor = LedgerSigningKey.Generate();
        var rotated = new KeyRing(successor, retiredAt, [new KeyRingEntry(Key.PublicKey, KeyStatus.Retired, StreamBuilder.T0, retiredAt)]);
        var stream = new StreamBuilder(Stream).Append(Sealer, 2).Append(Sealer, occurredAt: retiredAt.AddSeconds(1));

        var result = StreamVerifier.Verify(Stream, stream.Stored, TrustedKeys.From(rotated));

        AssertOnlyRejected(result, Last, KeyNotValidAtTime);
    }

    [Fact]
    public void Entry_claiming_a_time_before_its_key_was_valid_is_rejected()
    {
        var trusted = new TrustedKeys([new KeyRingEntry(Key.PublicKey, KeyStatus.Active, StreamBuilder.T0.AddHours(2), null)]);

        var result = Verify(trusted);

        AssertOnlyRejected(result, 0, KeyNotValidAtTime);
    }
}
