using MlLedger.Integrity.Dsse;

namespace MlLedger.Integrity.Audit;

/// <summary>
/// The first line of an audit bundle: the log's origin, the range of leaf indexes [<see cref="From"/>,
/// <see cref="TreeSize"/>) that the entry lines cover, the compact-range hashes of the leaves before
/// <see cref="From"/> (so that the root of the whole tree can be recomputed from the entries), the signed checkpoint
/// at <see cref="TreeSize"/>, and optionally a consistency proof from an earlier checkpoint.
/// </summary>
/// <param name="Prefix">The frontier of the leaves [0, From): popcount(From) hashes, largest subtree first; empty when From = 0.</param>
/// <param name="Checkpoint">The signed note of the checkpoint at <paramref name="TreeSize"/>.</param>
public sealed record AuditBundleHeader(
    string Origin, long From, long TreeSize, IReadOnlyList<byte[]> Prefix, string Checkpoint, AuditSince? Since)
{
    public const string MediaType = "application/vnd.mlledger.audit-bundle.v1+jsonl";
}

/// <summary>An earlier signed checkpoint and the RFC 6962 consistency proof from it to the bundle's checkpoint.</summary>
public sealed record AuditSince(string Checkpoint, IReadOnlyList<byte[]> Consistency);

/// <summary>
/// One entry line: the leaf at <see cref="LogIndex"/>, its ledger sequence number, the stream it belongs to, the stored
/// event (type and JSON text as stored) and the signed envelope. Only the envelope is signed; every other field is a
/// claim the verifier compares against it.
/// </summary>
public sealed record AuditEntry(
    long LogIndex, long Seq, string StreamId, long StreamVersion, string EventType, string EventDataJson, DsseEnvelope Envelope);
