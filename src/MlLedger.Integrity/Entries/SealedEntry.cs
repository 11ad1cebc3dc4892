using MlLedger.Integrity.Dsse;

namespace MlLedger.Integrity.Entries;

/// <summary>
/// A signed entry: the envelope (whose payload bytes are the record), the key that signed it, the
/// transparency-log leaf bytes and <see cref="Hash"/> = lowercase hex SHA-256(LeafBytes).
/// </summary>
public sealed record SealedEntry(DsseEnvelope Envelope, string KeyId, byte[] LeafBytes, string Hash);
