using System.Diagnostics;
using System.Text.Json.Nodes;
using MlLedger.Api.Log;
using MlLedger.Integrity.Checkpoints;
using MlLedger.Integrity.Merkle;
using MlLedger.Integrity.Signing;
using Npgsql;
using NpgsqlTypes;

namespace MlLedger.Bench;

/// <summary>The log of a bench ledger grown with synthetic leaves, for measuring proofs at a size seeding cannot reach.</summary>
internal static class SyntheticLog
{
    /// <summary>Sequence numbers of synthetic leaves start here, far above any real entry's.</summary>
    public const long SeqBase = 1_000_000_000_000;

    public sealed record Grown(long Size, long FirstSynthetic, long Synthetic, TimeSpan Elapsed);

    /// <summary>
    /// Appends synthetic leaf hashes to the real log with <see cref="CompactRange"/> (the sequencer's tree code):
    /// leaves, every completed subtree and the new frontier are written as the sequencer writes them; the checkpoint
    /// over the grown tree is signed here with the ledger's key (the issuer signs only leaves it can rebuild from
    /// entries), and the issuer's consistency check from the last real checkpoint to it passes.
    /// </summary>
    public static async Task<Grown> GrowAsync(BenchLedger ledger, int target, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        await using var connection = new NpgsqlConnection(ledger.ConnectionString);
        await connection.OpenAsync(ct);
        var state = await ReadState(connection, ct);
        var range = CompactRange.FromHashes(state.Size, state.Frontier);
        var first = range.Size;
        await using var nodeConnection = new NpgsqlConnection(ledger.ConnectionString);
        await nodeConnection.OpenAsync(ct);
        await using (var nodes = await nodeConnection.BeginBinaryImportAsync(
                         $"COPY {BenchLedger.Schema}.log_nodes (level, idx, hash) FROM STDIN (FORMAT BINARY)", ct))
        {
            var leaf = new byte[8];
            while (range.Size < target)
            {
                BitConverter.TryWriteBytes(leaf, range.Size);
                range.Append(MerkleHash.Leaf(leaf), (node, hash) =>
                {
                    nodes.StartRow();
                    nodes.Write(node.Level, NpgsqlDbType.Integer);
                    nodes.Write(node.Index, NpgsqlDbType.Bigint);
                    nodes.Write(hash, NpgsqlDbType.Bytea);
                });
            }

            await nodes.CompleteAsync(ct);
        }

        await using (var leaves = await connection.BeginBinaryImportAsync(
                         $"COPY {BenchLedger.Schema}.log_leaves (idx, seq) FROM STDIN (FORMAT BINARY)", ct))
        {
            for (var index = first; index < range.Size; index++)
            {
                await leaves.StartRowAsync(ct);
                await leaves.WriteAsync(index, NpgsqlDbType.Bigint, ct);
                await leaves.WriteAsync(SeqBase + index, NpgsqlDbType.Bigint, ct);
            }

            await leaves.CompleteAsync(ct);
        }

        state.Json["size"] = range.Size;
        state.Json["frontier"] = new JsonArray([.. range.Hashes.Select(h => JsonValue.Create(Convert.ToBase64String(h)))]);
        await using var update = new NpgsqlCommand($"UPDATE {BenchLedger.Schema}.mt_doc_logstate SET data = $1::jsonb", connection);
        update.Parameters.AddWithValue(state.Json.ToJsonString());
        await update.ExecuteNonQueryAsync(ct);

        // the issuer signs only leaves it can rebuild from entries; these have none, so the checkpoint over them is
        // signed here, with the ledger's own key, as the issuer would sign it
        using var key = LedgerSigningKey.FromPem(await File.ReadAllTextAsync(Path.Combine(ledger.KeysDirectory, MlLedger.Api.Keys.LedgerKeyStore.PrivateKeyFile), ct));
        var root = range.Root();
        await using var checkpoint = new NpgsqlCommand(
            $"INSERT INTO {BenchLedger.Schema}.log_checkpoints (tree_size, root_hash, note, key_id, issued_at) VALUES ($1, $2, $3, $4, now())", connection);
        checkpoint.Parameters.AddWithValue(range.Size);
        checkpoint.Parameters.AddWithValue(root);
        checkpoint.Parameters.AddWithValue(CheckpointNotes.Sign(new Checkpoint(LogSettings.DefaultOrigin, range.Size, root, []), key));
        checkpoint.Parameters.AddWithValue(key.KeyId);
        await checkpoint.ExecuteNonQueryAsync(ct);
        return new Grown(range.Size, first, range.Size - first, Stopwatch.GetElapsedTime(started));
    }

    private sealed record LogStateRow(JsonObject Json, long Size, IReadOnlyList<byte[]> Frontier);

    private static async Task<LogStateRow> ReadState(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"SELECT data::text FROM {BenchLedger.Schema}.mt_doc_logstate", connection);
        var json = JsonNode.Parse((string)(await command.ExecuteScalarAsync(ct) ?? throw new BenchFailure("the log has no state yet")))!.AsObject();
        return new LogStateRow(json, (long)json["size"]!, json["frontier"]!.AsArray().Select(h => Convert.FromBase64String((string)h!)).ToList());
    }
}
