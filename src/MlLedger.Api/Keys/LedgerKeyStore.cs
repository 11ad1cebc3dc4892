using System.Text.Json;
using MlLedger.Integrity.Signing;

namespace MlLedger.Api.Keys;

/// <summary>
/// The ledger's signing keys on disk: <c>ledger-signing-key.pem</c> (the active private key, 0600) and
/// <c>keyring.json</c> (public keys of every key ever used, with status and validity window), so that
/// entries signed before a rotation keep verifying.
/// </summary>
public static class LedgerKeyStore
{
    public const string PrivateKeyFile = "ledger-signing-key.pem";
    public const string KeyRingFile = "keyring.json";

    public static KeyRing LoadOrCreate(string keysDirectory, TimeProvider clock)
    {
        var privatePath = Path.Combine(keysDirectory, PrivateKeyFile);
        var ringPath = Path.Combine(keysDirectory, KeyRingFile);
        CompleteInterruptedRotation(privatePath, ringPath);
        if (!File.Exists(privatePath))
        {
            if (File.Exists(ringPath))
            {
                throw new KeyFileException(
                    $"{ringPath} lists keys but the active private key {privatePath} is missing; restore it from backup " +
                    "(a new key would leave the ring inconsistent)");
            }

            using var created = LedgerSigningKey.Generate();
            KeyFiles.WritePrivate(privatePath, created.ExportPkcs8Pem());
            var record = new KeyRingFileModel([
                new KeyRecord(created.KeyId, created.PublicKey.Pem, KeyStatus.Active, clock.GetUtcNow(), null),
            ]);
            File.WriteAllText(ringPath, JsonSerializer.Serialize(record, FileJson));
        }

        return Load(privatePath, ringPath);
    }

    public static KeyRing Load(string privateKeyPath, string keyRingPath)
    {
        var active = LedgerSigningKey.FromPem(KeyFiles.ReadPrivate(privateKeyPath));
        var model = JsonSerializer.Deserialize<KeyRingFileModel>(File.ReadAllText(keyRingPath), FileJson)
            ?? throw new KeyFileException($"{keyRingPath} is empty");
        var activeRecord = model.Keys.SingleOrDefault(k => k.Status == KeyStatus.Active)
            ?? throw new KeyFileException($"{keyRingPath} names no active key");
        if (activeRecord.KeyId != active.KeyId)
        {
            throw new KeyFileException(
                $"{keyRingPath} names {activeRecord.KeyId} as active but {privateKeyPath} holds {active.KeyId}");
        }

        var retired = model.Keys
            .Where(k => k.Status == KeyStatus.Retired)
            .Select(k => new KeyRingEntry(LedgerPublicKey.FromPem(k.PublicKeyPem), KeyStatus.Retired, k.ValidFrom, k.ValidUntil));
        return new KeyRing(active, activeRecord.ValidFrom, retired);
    }

    /// <summary>
    /// A rotation renames the new private key into place only after its entry is committed, then the new ring. Stopped
    /// between the two renames, the ring still names the old key: the staged ring is the one that belongs to the
    /// private key now in place, so it is put in place too. (Stopped before the first rename, the current keys stay;
    /// the next rotation removes the staged files.)
    /// </summary>
    private static void CompleteInterruptedRotation(string privatePath, string ringPath)
    {
        var stagedRing = ringPath + ".next";
        if (!File.Exists(stagedRing) || File.Exists(privatePath + ".next") || !File.Exists(privatePath))
        {
            return;
        }

        using var active = LedgerSigningKey.FromPem(KeyFiles.ReadPrivate(privatePath));
        var staged = JsonSerializer.Deserialize<KeyRingFileModel>(File.ReadAllText(stagedRing), FileJson);
        if (staged?.Keys.SingleOrDefault(k => k.Status == KeyStatus.Active)?.KeyId == active.KeyId)
        {
            File.Move(stagedRing, ringPath, overwrite: true);
        }
    }

    /// <summary>
    /// Stages a rotation beside the current files (<c>.next</c>): the new private key (0600) and the ring in which the
    /// active key is retired at <paramref name="switchAt"/> and <paramref name="next"/> is active from then on. Until
    /// <see cref="PendingRotation.Commit"/>, the current files stay in force.
    /// </summary>
    public static PendingRotation Prepare(string keysDirectory, KeyRing current, LedgerSigningKey next, DateTimeOffset switchAt)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(next);
        var retired = current.Keys
            .Select(k => k.Status == KeyStatus.Active ? k with { Status = KeyStatus.Retired, ValidUntil = switchAt } : k)
            .ToList();
        var ring = new KeyRing(next, switchAt, retired);
        var privatePath = Path.Combine(keysDirectory, PrivateKeyFile);
        var ringPath = Path.Combine(keysDirectory, KeyRingFile);
        var pending = new PendingRotation(ring, privatePath, ringPath);
        pending.Abandon(); // leftovers of a rotation that did not complete
        KeyFiles.WritePrivate(pending.NextPrivateKey, next.ExportPkcs8Pem());
        var model = new KeyRingFileModel(ring.Keys
            .Select(k => new KeyRecord(k.Key.KeyId, k.Key.Pem, k.Status, k.ValidFrom, k.ValidUntil))
            .ToList());
        File.WriteAllText(pending.NextKeyRing, JsonSerializer.Serialize(model, FileJson));
        return pending;
    }

    private static readonly JsonSerializerOptions FileJson = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private sealed record KeyRingFileModel(IReadOnlyList<KeyRecord> Keys);

    private sealed record KeyRecord(string KeyId, string PublicKeyPem, KeyStatus Status, DateTimeOffset ValidFrom, DateTimeOffset? ValidUntil);
}

/// <summary>A key rotation written beside the key files, waiting for the ledger to record it.</summary>
public sealed class PendingRotation(KeyRing ring, string privateKeyPath, string keyRingPath)
{
    /// <summary>The key ring once the rotation is committed.</summary>
    public KeyRing Ring { get; } = ring;

    public string NextPrivateKey { get; } = privateKeyPath + ".next";

    public string NextKeyRing { get; } = keyRingPath + ".next";

    /// <summary>
    /// Puts the staged files in place (each a rename). The retired private key is overwritten: it must never sign
    /// again, and its public key stays in the ring for verification.
    /// </summary>
    public void Commit()
    {
        File.Move(NextPrivateKey, privateKeyPath, overwrite: true);
        File.Move(NextKeyRing, keyRingPath, overwrite: true);
    }

    /// <summary>Removes the staged files; the current keys stay as they are.</summary>
    public void Abandon()
    {
        File.Delete(NextPrivateKey);
        File.Delete(NextKeyRing);
    }
}
