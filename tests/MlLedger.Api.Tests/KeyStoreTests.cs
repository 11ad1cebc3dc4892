using MlLedger.Api.Keys;
using MlLedger.Integrity.Signing;

namespace MlLedger.Api.Tests;

/// <summary>Keys are created at run time, private to their owner, and refused when others can read them.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class KeyStoreTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"mlledger-keys-{Guid.NewGuid():N}", "keys");

    [Fact]
    public void A_rotation_stopped_between_its_two_renames_is_completed_at_the_next_start()
    {
        var before = LedgerKeyStore.LoadOrCreate(_directory, TimeProvider.System);
        using var next = LedgerSigningKey.Generate();
        var pending = LedgerKeyStore.Prepare(_directory, before, next, DateTimeOffset.UtcNow);
        // the first rename of Commit only: the new private key is in place, the ring still names the old key
        File.Move(pending.NextPrivateKey, Path.Combine(_directory, LedgerKeyStore.PrivateKeyFile), overwrite: true);

        var after = LedgerKeyStore.LoadOrCreate(_directory, TimeProvider.System);

        Assert.Equal(next.KeyId, after.Active.KeyId);
        Assert.Equal(KeyStatus.Retired, after.Find(before.Active.KeyId)!.Status);
        Assert.False(File.Exists(pending.NextKeyRing));
    }

    [Fact]
    public void A_rotation_stopped_before_its_renames_leaves_the_current_keys_in_force()
    {
        var before = LedgerKeyStore.LoadOrCreate(_directory, TimeProvider.System);
        using var next = LedgerSigningKey.Generate();
        LedgerKeyStore.Prepare(_directory, before, next, DateTimeOffset.UtcNow);

        var after = LedgerKeyStore.LoadOrCreate(_directory, TimeProvider.System);

        Assert.Equal(before.Active.KeyId, after.Active.KeyId);
        Assert.Single(after.Keys);
    }

    [Fact]
    public void First_start_creates_a_0600_signing_key_in_a_0700_directory_and_a_ring_naming_it_active()
    {
        var ring = LedgerKeyStore.LoadOrCreate(_directory, TimeProvider.System);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite,
            File.GetUnixFileMode(Path.Combine(_directory, LedgerKeyStore.PrivateKeyFile)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_directory));
        var active = Assert.Single(ring.Keys);
        Assert.Equal(KeyStatus.Active, active.Status);
        Assert.Equal(ring.Active.KeyId, active.Key.KeyId);
    }

    [Fact]
    public void A_second_start_loads_the_same_key()
    {
        var first = LedgerKeyStore.LoadOrCreate(_directory, TimeProvider.System).Active.KeyId;
        Assert.Equal(first, LedgerKeyStore.LoadOrCreate(_directory, TimeProvider.System).Active.KeyId);
    }

    [Fact]
    public void A_signing_key_readable_by_others_is_refused()
    {
        LedgerKeyStore.LoadOrCreate(_directory, TimeProvider.System);
        var keyFile = Path.Combine(_directory, LedgerKeyStore.PrivateKeyFile);
        File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var refused = Assert.Throws<KeyFileException>(() => LedgerKeyStore.LoadOrCreate(_directory, TimeProvider.System));
        Assert.Contains("chmod 600", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_ring_without_its_private_key_is_refused_rather_than_replaced()
    {
        LedgerKeyStore.LoadOrCreate(_directory, TimeProvider.System);
        File.Delete(Path.Combine(_directory, LedgerKeyStore.PrivateKeyFile));

        var refused = Assert.Throws<KeyFileException>(() => LedgerKeyStore.LoadOrCreate(_directory, TimeProvider.System));
        Assert.Contains("restore it from backup", refused.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_directory)!, recursive: true);
}
