using Marten;
using MlLedger.Api.Ledger;
using MlLedger.Api.Storage;
using MlLedger.Integrity.Merkle;
using Npgsql;

namespace MlLedger.Api.Log;

/// <summary>A checkpoint as issued: the signed note is the record; the other columns index it.</summary>
public sealed record StoredCheckpoint(long TreeSize, byte[] RootHash, string Note, string KeyId, DateTimeOffset IssuedAt);

/// <summary>Reads of the transparency log's tables: leaf positions, subtree hashes, checkpoints.</summary>
internal sealed class LogStore(LedgerDatabase database, IDocumentStore store, string schema)
{
    private readonly string _schema = LogSchema.Quote(schema);

    public string Table(string name) => $"{_schema}.{name}";

    public async Task<LogState> State(CancellationToken ct)
    {
        await using var session = store.QuerySession();
        return await session.LoadAsync<LogState>(LogState.Key, ct) ?? new LogState();
    }

    /// <summary>The sequence number of the entry at leaf <paramref name="index"/>, or null.</summary>
    public async Task<long?> SequenceAt(long index, CancellationToken ct)
    {
        await using var command = database.Source.CreateCommand($"SELECT seq FROM {Table(LogSchema.Leaves)} WHERE idx = $1");
        command.Parameters.AddWithValue(index);
        return await command.ExecuteScalarAsync(ct) is long seq ? seq : null;
    }

    /// <summary>The leaf index of the entry with event sequence <paramref name="seq"/>, or null while it is not sequenced.</summary>
    public async Task<long?> LeafIndexOf(long seq, CancellationToken ct)
    {
        await using var command = database.Source.CreateCommand($"SELECT idx FROM {Table(LogSchema.Leaves)} WHERE seq = $1");
        command.Parameters.AddWithValue(seq);
        return await command.ExecuteScalarAsync(ct) is long index ? index : null;
    }

    /// <summary>The stored hashes of <paramref name="ids"/>, in one round trip; a missing node is simply absent.</summary>
    public async Task<Dictionary<NodeId, byte[]>> Nodes(IReadOnlyCollection<NodeId> ids, CancellationToken ct)
    {
        var found = new Dictionary<NodeId, byte[]>(ids.Count);
        if (ids.Count == 0)
        {
            return found;
        }

        await using var command = database.Source.CreateCommand(
            $"SELECT n.level, n.idx, n.hash FROM {Table(LogSchema.Nodes)} n " +
            "JOIN unnest($1::integer[], $2::bigint[]) AS wanted(level, idx) ON n.level = wanted.level AND n.idx = wanted.idx");
        command.Parameters.AddWithValue(ids.Select(id => id.Level).ToArray());
        command.Parameters.AddWithValue(ids.Select(id => id.Index).ToArray());
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            found[new NodeId(reader.GetInt32(0), reader.GetInt64(1))] = reader.GetFieldValue<byte[]>(2);
        }

        return found;
    }

    /// <summary>
    /// The stored hashes of the complete subtrees of the first <paramref name="size"/> leaves, left to right (the compact
    /// range a tree of that size continues from); null when one of them is missing.
    /// </summary>
    public async Task<IReadOnlyList<byte[]>?> Frontier(long size, CancellationToken ct)
    {
        var ids = MerkleProofs.RootNodes(size);
        var nodes = await Nodes(ids.ToList(), ct);
        return nodes.Count == ids.Count ? ids.Select(id => nodes[id]).ToList() : null;
    }

    /// <summary>
    /// Leaves [from, to) in index order: index, the entry's sequence number, stored leaf hash (null when missing),
    /// the envelope JSON its entry's headers hold (null when the entry is deleted or has none).
    /// </summary>
    public async IAsyncEnumerable<(long Index, long Seq, byte[]? LeafHash, string? EnvelopeJson)> Leaves(
        long from, long to, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await using var command = database.Source.CreateCommand(
            $"SELECT l.idx, l.seq, n.hash, {EntryHeaders.Sql("e.headers", EntryHeaders.Envelope)} FROM {Table(LogSchema.Leaves)} l " +
            $"LEFT JOIN {Table(LogSchema.Nodes)} n ON n.level = 0 AND n.idx = l.idx " +
            $"LEFT JOIN {database.EventsTable} e ON e.seq_id = l.seq " +
            "WHERE l.idx >= $1 AND l.idx < $2 ORDER BY l.idx");
        command.Parameters.AddWithValue(from);
        command.Parameters.AddWithValue(to);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            yield return (reader.GetInt64(0), reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetFieldValue<byte[]>(2),
                reader.IsDBNull(3) ? null : reader.GetString(3));
        }
    }

    public Task<StoredCheckpoint?> LatestCheckpoint(CancellationToken ct) =>
        ReadCheckpoint($"ORDER BY tree_size DESC LIMIT 1", null, ct);

    public Task<StoredCheckpoint?> CheckpointAt(long treeSize, CancellationToken ct) =>
        ReadCheckpoint("WHERE tree_size = $1", treeSize, ct);

    /// <summary>Every checkpoint in increasing tree size (for self-checks and exports).</summary>
    public async Task<IReadOnlyList<StoredCheckpoint>> AllCheckpoints(CancellationToken ct)
    {
        await using var command = database.Source.CreateCommand(
            $"SELECT tree_size, root_hash, note, key_id, issued_at FROM {Table(LogSchema.Checkpoints)} ORDER BY tree_size");
        return await ReadCheckpoints(command, ct);
    }

    /// <summary>Records a newly signed checkpoint; false when one of that size exists already (another node issued it).</summary>
    public async Task<bool> InsertCheckpoint(StoredCheckpoint checkpoint, CancellationToken ct)
    {
        await using var command = database.Source.CreateCommand(
            $"INSERT INTO {Table(LogSchema.Checkpoints)} (tree_size, root_hash, note, key_id, issued_at) " +
            "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tree_size) DO NOTHING");
        command.Parameters.AddWithValue(checkpoint.TreeSize);
        command.Parameters.AddWithValue(checkpoint.RootHash);
        command.Parameters.AddWithValue(checkpoint.Note);
        command.Parameters.AddWithValue(checkpoint.KeyId);
        command.Parameters.AddWithValue(checkpoint.IssuedAt);
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    private async Task<StoredCheckpoint?> ReadCheckpoint(string where, long? parameter, CancellationToken ct)
    {
        await using var command = database.Source.CreateCommand(
            $"SELECT tree_size, root_hash, note, key_id, issued_at FROM {Table(LogSchema.Checkpoints)} {where}");
        if (parameter is { } value)
        {
            command.Parameters.AddWithValue(value);
        }

        var found = await ReadCheckpoints(command, ct);
        return found.Count == 0 ? null : found[0];
    }

    private static async Task<IReadOnlyList<StoredCheckpoint>> ReadCheckpoints(NpgsqlCommand command, CancellationToken ct)
    {
        var checkpoints = new List<StoredCheckpoint>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            checkpoints.Add(new StoredCheckpoint(reader.GetInt64(0), reader.GetFieldValue<byte[]>(1), reader.GetString(2),
                reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4)));
        }

        return checkpoints;
    }
}
