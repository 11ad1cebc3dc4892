using System.Runtime.CompilerServices;
using MlLedger.Api.Storage;
using MlLedger.Integrity.Entries;
using MlLedger.Integrity.Signing;

namespace MlLedger.Api.Entries;

/// <summary>One stored entry's verification, with the stream it belongs to.</summary>
internal readonly record struct VerifiedEntry(string StreamId, EntryVerification Result);

/// <summary>
/// Verifies stored entries stream by stream against the key ring, reading the rows a page at a time and checking each
/// entry as it is read (<see cref="StreamEntryVerifier"/>): memory does not grow with a stream or with the ledger.
/// A row whose envelope is missing or unreadable fails on its own and is left out of its stream's chain.
/// </summary>
internal static class StreamsVerification
{
    /// <summary>Every entry of <paramref name="stream"/> (null: of every stream, in stream id order), in version order.</summary>
    public static async IAsyncEnumerable<VerifiedEntry> Verify(
        LedgerDatabase database, TrustedKeys trusted, string? stream, [EnumeratorCancellation] CancellationToken ct)
    {
        string? current = null;
        StreamEntryVerifier? verifier = null;
        await foreach (var row in database.StreamRows(stream, ct))
        {
            if (row.StreamKey != current)
            {
                verifier = new StreamEntryVerifier(row.StreamKey, trusted);
                current = row.StreamKey;
            }

            var entry = LedgerDatabase.ToStoredEntry(row);
            yield return new VerifiedEntry(row.StreamKey, entry is null
                ? new EntryVerification(row.Seq, row.Version, false, [new EntryFailure("missing-envelope", $"entry {row.Seq} has no readable DSSE envelope")])
                : verifier!.Next(entry));
        }
    }
}
