using MlLedger.Integrity.Signing;

namespace MlLedger.Integrity.Tests.Signing;

public sealed class KeyRingTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset T1 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly LedgerSigningKey _active = LedgerSigningKey.Generate();
    private readonly LedgerSigningKey _old = LedgerSigningKey.Generate();

    private KeyRingEntry RetiredOld => new(_old.PublicKey, KeyStatus.Retired, T0, T1);

    public void Dispose()
    {
        _active.Dispose();
        _old.Dispose();
    }

    [Fact]
    public void Keys_list_active_first_then_retired()
    {
        var ring = new KeyRing(_active, T1, [RetiredOld]);

        Assert.Same(_active, ring.Active);
        Assert.Collection(
            ring.Keys,
            k => Assert.Equal((_active.KeyId, KeyStatus.Active, T1, (DateTimeOffset?)null), (k.Key.KeyId, k.Status, k.ValidFrom, k.ValidUntil)),
            k => Assert.Equal((_old.KeyId, KeyStatus.Retired, T0, (DateTimeOffset?)T1), (k.Key.KeyId, k.Status, k.ValidFrom, k.ValidUntil)));
    }

    [Fact]
    public void Find_returns_the_entry_by_key_id_or_null()
    {
        var ring = new KeyRing(_active, T1, [RetiredOld]);

        Assert.Equal(KeyStatus.Retired, ring.Find(_old.KeyId)?.Status);
        Assert.Equal(KeyStatus.Active, ring.Find(_active.KeyId)?.Status);
        Assert.Null(ring.Find("0000"));
    }

    [Fact]
    public void Retired_entry_with_active_status_is_refused() =>
        Assert.Throws<ArgumentException>(() => new KeyRing(_active, T1, [RetiredOld with { Status = KeyStatus.Active }]));

    [Fact]
    public void Retired_entry_without_end_is_refused() =>
        Assert.Throws<ArgumentException>(() => new KeyRing(_active, T1, [RetiredOld with { ValidUntil = null }]));

    [Fact]
    public void Retired_entry_with_empty_window_is_refused() =>
        Assert.Throws<ArgumentException>(() => new KeyRing(_active, T1, [RetiredOld with { ValidUntil = T0 }]));

    [Fact]
    public void Duplicate_retired_key_is_refused() =>
        Assert.Throws<ArgumentException>(() => new KeyRing(_active, T1, [RetiredOld, RetiredOld]));

    [Fact]
    public void Active_key_listed_as_retired_is_refused() =>
        Assert.Throws<ArgumentException>(() => new KeyRing(_active, T1, [new KeyRingEntry(_active.PublicKey, KeyStatus.Retired, T0, T1)]));

    [Fact]
    public void Trusted_keys_refuse_to_be_built_without_a_trust_root()
    {
        var error = Assert.Throws<ArgumentException>(() => new TrustedKeys([]));

        Assert.Contains("trust root", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Trusted_keys_refuse_duplicate_key_ids() =>
        Assert.Throws<ArgumentException>(() => new TrustedKeys([RetiredOld, RetiredOld]));

    [Fact]
    public void Trusted_keys_from_ring_hold_its_public_keys_and_windows()
    {
        var ring = new KeyRing(_active, T1, [RetiredOld]);

        var trusted = TrustedKeys.From(ring);

        Assert.Equal(ring.Keys, trusted.All);
        Assert.Equal(T1, trusted.Find(_old.KeyId)?.ValidUntil);
        Assert.Null(trusted.Find("deadbeef"));
    }

    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, true)]
    [InlineData(1, true)]
    public void Validity_window_includes_its_start(int secondsFromStart, bool expected) =>
        Assert.Equal(expected, RetiredOld.IsValidAt(T0.AddSeconds(secondsFromStart)));

    [Theory]
    [InlineData(-1, true)]
    [InlineData(0, false)]
    public void Validity_window_excludes_its_end(int secondsFromEnd, bool expected) =>
        Assert.Equal(expected, RetiredOld.IsValidAt(T1.AddSeconds(secondsFromEnd)));
}
