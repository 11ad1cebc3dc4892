using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using MlLedger.Api.Keys;
using MlLedger.Api.Ledger;
using MlLedger.Api.Storage;
using MlLedger.Integrity.Dsse;
using MlLedger.Integrity.Entries;
using MlLedger.Integrity.Merkle;
using MlLedger.Integrity.Signing;

namespace MlLedger.Api.Log;

/// <summary>
/// The log sequencer: an async projection the daemon runs over every event in sequence order. Each ledger
/// entry becomes the next leaf of the RFC 6962 tree; its leaf bytes are the entry's Rekor-v2-shaped
/// <c>dsse</c> body. The leaves, every subtree this batch completes, and the new <see cref="LogState"/> are
/// written in the daemon's transaction together with its progress mark, so a leaf is appended exactly once.
/// </summary>
/// <remarks>
/// An entry whose envelope does not verify under a trusted key, or whose stored hash disagrees with its
/// envelope, is never logged: the sequencer stops on it (the daemon reports the failure) rather than
/// sign a checkpoint over something the ledger did not sign.
/// </remarks>
internal sealed class LogSequencer(LedgerKeys keys, string schema) : IProjection
{
    private readonly string _schema = LogSchema.Quote(schema);

    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        var state = await operations.LoadAsync<LogState>(LogState.Key, cancellation) ?? new LogState();
        var trusted = keys.Current.Trusted;
        var range = CompactRange.FromHashes(state.Size, state.Frontier);

        var leafIndexes = new List<long>();
        var sequences = new List<long>();
        var levels = new List<int>();
        var nodeIndexes = new List<long>();
        var hashes = new List<byte[]>();
        foreach (var e in events)
        {
            // Marten's placeholders for sequence numbers a failed transaction reserved are not entries;
            // a batch replayed after a crash starts at or before what is already appended
            if (e.StreamKey == LedgerDatabase.TombstoneStream || e.Sequence <= state.LastSequence)
            {
                continue;
            }

            leafIndexes.Add(range.Size);
            sequences.Add(e.Sequence);
            range.Append(MerkleHash.Leaf(LeafOf(e, trusted)), (node, hash) =>
            {
                levels.Add(node.Level);
                nodeIndexes.Add(node.Index);
                hashes.Add(hash);
            });
            state.LastSequence = e.Sequence;
        }

        if (sequences.Count == 0)
        {
            return;
        }

        operations.QueueSqlCommand(
            $"INSERT INTO {_schema}.{LogSchema.Leaves} (idx, seq) SELECT * FROM unnest(?::bigint[], ?::bigint[])",
            leafIndexes.ToArray(), sequences.ToArray());
        operations.QueueSqlCommand(
            $"INSERT INTO {_schema}.{LogSchema.Nodes} (level, idx, hash) SELECT * FROM unnest(?::integer[], ?::bigint[], ?::bytea[])",
            levels.ToArray(), nodeIndexes.ToArray(), hashes.ToArray());
        state.Size = range.Size;
        state.Frontier = [.. range.Hashes];
        operations.Store(state);
    }

    /// <summary>The leaf bytes of a stored entry, after checking that the ledger really signed it.</summary>
    private static byte[] LeafOf(IEvent e, TrustedKeys trusted)
    {
        DsseEnvelope? envelope;
        try
        {
            envelope = EntryHeaders.ReadEnvelope(e);
        }
        catch (FormatException format)
        {
            throw Refuse(e, $"its envelope cannot be read ({format.Message})");
        }

        var leaf = LedgerLeaves.Rebuild(trusted, envelope, out var why) ?? throw Refuse(e, why);
        if (EntryHeaders.Read(e, EntryHeaders.Hash) is not { } stored || stored != LeafBody.Hash(leaf))
        {
            throw Refuse(e, "its stored entry hash does not match its envelope");
        }

        return leaf;
    }

    private static LogSequencingException Refuse(IEvent e, string why) =>
        new($"Entry {e.Sequence} ({e.StreamKey} v{e.Version}) cannot be logged: {why}.");
}

/// <summary>A stored entry that the ledger cannot have signed reached the sequencer; the log stops before it.</summary>
public sealed class LogSequencingException(string message) : Exception(message);
