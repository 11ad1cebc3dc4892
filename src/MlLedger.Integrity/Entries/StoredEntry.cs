using MlLedger.Integrity.Dsse;

namespace MlLedger.Integrity.Entries;

/// <summary>
/// What is stored per ledger entry (read back from the database) and what stream verification checks.
/// Only <see cref="Envelope"/> is signed; every other field is a claim the verifier compares against it.
/// </summary>
public sealed record StoredEntry(long Seq, long StreamVersion, string EventType, string EventDataJson, DsseEnvelope Envelope);
