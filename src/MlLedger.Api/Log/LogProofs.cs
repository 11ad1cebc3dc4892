using MlLedger.Integrity.Merkle;

namespace MlLedger.Api.Log;

public sealed record InclusionProof(long Seq, long LeafIndex, long TreeSize, byte[] LeafHash, byte[] RootHash, IReadOnlyList<byte[]> Hashes);

public sealed record ConsistencyProof(long From, long To, byte[] FromRoot, byte[] ToRoot, IReadOnlyList<byte[]> Hashes);

/// <summary>Why a proof cannot be given; each maps to a problem code.</summary>
public enum ProofRefusal
{
    /// <summary>No such entry, or the entry is not sequenced yet (it will be, typically well under a second).</summary>
    NotSequenced,

    /// <summary>The requested tree size is beyond the tree, or does not contain the entry.</summary>
    BadTreeSize,

    /// <summary>A subtree hash the proof needs is missing from storage: the log tables were damaged.</summary>
    MissingNodes,
}

public sealed class ProofRefusedException(ProofRefusal reason, string message) : Exception(message)
{
    public ProofRefusal Reason { get; } = reason;
}

/// <summary>Inclusion and consistency proofs from the stored subtree hashes: O(log n) node reads in one query.</summary>
internal sealed class LogProofs(LogStore log)
{
    /// <param name="latestCheckpoint">
    /// The tree size is the latest checkpoint's, not the caller's: an entry beyond it is not refused for a bad size
    /// but reported as not sequenced yet (the next checkpoint will cover it).
    /// </param>
    public async Task<InclusionProof> Inclusion(long seq, long treeSize, CancellationToken ct, bool latestCheckpoint = false)
    {
        var index = await log.LeafIndexOf(seq, ct)
            ?? throw new ProofRefusedException(ProofRefusal.NotSequenced, $"Entry {seq} is not in the log (yet).");
        if (latestCheckpoint && treeSize <= index)
        {
            throw new ProofRefusedException(ProofRefusal.NotSequenced, $"Entry {seq} is not covered by a checkpoint yet.");
        }

        var state = await log.State(ct);
        if (treeSize <= index || treeSize > state.Size)
        {
            throw new ProofRefusedException(ProofRefusal.BadTreeSize,
                $"Tree size {treeSize} does not contain leaf {index} of entry {seq} (the tree has {state.Size} leaves).");
        }

        var leaf = new NodeId(0, index);
        var wanted = MerkleProofs.InclusionNodes(index, treeSize).Concat(MerkleProofs.RootNodes(treeSize)).Append(leaf).ToHashSet();
        var nodes = await Require(wanted, ct);
        return new InclusionProof(seq, index, treeSize, nodes[leaf], MerkleProofs.Root(treeSize, nodes),
            MerkleProofs.Inclusion(index, treeSize, nodes));
    }

    public async Task<ConsistencyProof> Consistency(long from, long to, CancellationToken ct)
    {
        var state = await log.State(ct);
        if (from < 1 || from > to || to > state.Size)
        {
            throw new ProofRefusedException(ProofRefusal.BadTreeSize,
                $"A consistency proof needs 1 <= from <= to <= {state.Size} (the tree size); got from={from}, to={to}.");
        }

        var wanted = MerkleProofs.ConsistencyNodes(from, to).Concat(MerkleProofs.RootNodes(from)).Concat(MerkleProofs.RootNodes(to)).ToHashSet();
        var nodes = await Require(wanted, ct);
        return new ConsistencyProof(from, to, MerkleProofs.Root(from, nodes), MerkleProofs.Root(to, nodes),
            MerkleProofs.Consistency(from, to, nodes));
    }

    /// <summary>The root hash of the tree at <paramref name="size"/> (≤ the current size) from the stored nodes.</summary>
    public async Task<byte[]> Root(long size, CancellationToken ct) =>
        size == 0 ? MerkleHash.EmptyRoot : MerkleProofs.Root(size, await Require(MerkleProofs.RootNodes(size).ToHashSet(), ct));

    private async Task<Dictionary<NodeId, byte[]>> Require(HashSet<NodeId> wanted, CancellationToken ct)
    {
        var nodes = await log.Nodes(wanted, ct);
        if (nodes.Count != wanted.Count)
        {
            var missing = wanted.Where(id => !nodes.ContainsKey(id)).Take(5).Select(id => $"(level {id.Level}, index {id.Index})");
            throw new ProofRefusedException(ProofRefusal.MissingNodes, $"The log is missing subtree hashes {string.Join(", ", missing)}.");
        }

        return nodes;
    }
}
