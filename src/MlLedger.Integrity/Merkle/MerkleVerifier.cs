namespace MlLedger.Integrity.Merkle;

/// <summary>
/// Verification of RFC 6962 proofs with the iterative algorithms of RFC 9162 §2.1.3.2 (inclusion) and
/// §2.1.4.2 (consistency). Nothing here rebuilds a tree. Every refusal is a <see cref="MerkleProofException"/>
/// whose <see cref="MerkleProofException.Error"/> says why; returning normally means the proof holds.
/// Roots, leaf hashes and proof elements must all be <see cref="MerkleHash.Size"/> bytes long: anything
/// else is refused up front as <see cref="MerkleProofError.InvalidHashSize"/>, whatever the sizes.
/// </summary>
public static class MerkleVerifier
{
    /// <summary>Checks that <paramref name="proof"/> proves leaf hash <paramref name="leafHash"/> at <paramref name="index"/> in the tree of <paramref name="size"/> leaves whose root is <paramref name="root"/>.</summary>
    /// <exception cref="MerkleProofException">The proof does not hold.</exception>
    public static void VerifyInclusion(long index, long size, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root)
    {
        CheckHash(root, "root");
        byte[] calculated = RootFromInclusionProof(index, size, leafHash, proof);
        if (!root.SequenceEqual(calculated))
        {
            throw MerkleProofException.RootMismatch($"inclusion of leaf {index} in a tree of {size}", root, calculated);
        }
    }

    /// <summary>
    /// The root that <paramref name="proof"/> leads to from leaf hash <paramref name="leafHash"/> at <paramref name="index"/>
    /// in a tree of <paramref name="size"/> leaves (RFC 9162 §2.1.3.2 without the final comparison). Useful only
    /// when the result is then compared with a trusted root.
    /// </summary>
    /// <exception cref="MerkleProofException">The index, a hash length or the proof length is wrong.</exception>
    public static byte[] RootFromInclusionProof(long index, long size, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> proof)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (index < 0 || index >= size)
        {
            throw new MerkleProofException(MerkleProofError.IndexOutOfRange, $"Leaf index {index} is not in a tree of {size} leaves.");
        }

        CheckHash(leafHash, "leaf hash");
        CheckProofHashes(proof);

        long fn = index;
        long sn = size - 1;
        byte[] r = leafHash.ToArray();
        foreach (byte[] p in proof)
        {
            if (sn == 0)
            {
                throw TooLong(proof.Count, $"leaf {index} of a tree of {size}");
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                MerkleHash.Node(p, r, r);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                MerkleHash.Node(r, p, r);
            }

            fn >>= 1;
            sn >>= 1;
        }

        if (sn != 0)
        {
            throw TooShort(proof.Count, $"leaf {index} of a tree of {size}");
        }

        return r;
    }

    /// <summary>
    /// Checks that <paramref name="proof"/> proves the tree of <paramref name="size1"/> leaves with root <paramref name="root1"/>
    /// is a prefix of the tree of <paramref name="size2"/> leaves with root <paramref name="root2"/>.
    /// Conventions (those of transparency-dev/merkle): size1 == 0 is always refused (nothing to prove about an
    /// empty tree); size1 &gt; size2 is refused; size1 == size2 needs an empty proof and root1 == root2.
    /// </summary>
    /// <exception cref="MerkleProofException">The proof does not hold.</exception>
    public static void VerifyConsistency(long size1, long size2, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root1, ReadOnlySpan<byte> root2)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (size1 <= 0 || size2 < size1)
        {
            throw new MerkleProofException(
                MerkleProofError.InvalidSizes,
                $"No consistency proof from a tree of {size1} leaves to one of {size2}: it needs 0 < size1 <= size2.");
        }

        CheckHash(root1, "first root");
        CheckHash(root2, "second root");
        CheckProofHashes(proof);
        string what = $"consistency of a tree of {size1} with one of {size2}";

        if (size1 == size2)
        {
            if (proof.Count != 0)
            {
                throw new MerkleProofException(
                    MerkleProofError.WrongProofSize, $"{what}: equal sizes need an empty proof, not {proof.Count} elements.");
            }

            if (!root1.SequenceEqual(root2))
            {
                throw MerkleProofException.RootMismatch(what, root2, root1);
            }

            return;
        }

        // RFC 9162 §2.1.4.2, step by step.
        if (proof.Count == 0)
        {
            throw TooShort(0, what);
        }

        bool firstIsPowerOfTwo = (size1 & (size1 - 1)) == 0;
        int next = firstIsPowerOfTwo ? 0 : 1;
        long fn = size1 - 1;
        long sn = size2 - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }

        byte[] fr = firstIsPowerOfTwo ? root1.ToArray() : (byte[])proof[0].Clone();
        byte[] sr = (byte[])fr.Clone();
        for (; next < proof.Count; next++)
        {
            byte[] c = proof[next];
            if (sn == 0)
            {
                throw TooLong(proof.Count, what);
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                MerkleHash.Node(c, fr, fr);
                MerkleHash.Node(c, sr, sr);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                MerkleHash.Node(sr, c, sr);
            }

            fn >>= 1;
            sn >>= 1;
        }

        if (sn != 0)
        {
            throw TooShort(proof.Count, what);
        }

        if (!root1.SequenceEqual(fr))
        {
            throw MerkleProofException.RootMismatch($"{what} (first root)", root1, fr);
        }

        if (!root2.SequenceEqual(sr))
        {
            throw MerkleProofException.RootMismatch($"{what} (second root)", root2, sr);
        }
    }

    private static void CheckHash(ReadOnlySpan<byte> hash, string name)
    {
        if (!MerkleHash.IsHash(hash))
        {
            throw new MerkleProofException(
                MerkleProofError.InvalidHashSize, $"The {name} is {hash.Length} bytes long, not {MerkleHash.Size}.");
        }
    }

    private static void CheckProofHashes(IReadOnlyList<byte[]> proof)
    {
        for (int i = 0; i < proof.Count; i++)
        {
            if (proof[i] is not { Length: MerkleHash.Size })
            {
                throw new MerkleProofException(
                    MerkleProofError.InvalidHashSize, $"Proof element {i} is {proof[i]?.Length ?? 0} bytes long, not {MerkleHash.Size}.");
            }
        }
    }

    private static MerkleProofException TooLong(int count, string what) =>
        new(MerkleProofError.WrongProofSize, $"{what}: the proof has {count} elements, more than the sizes call for.");

    private static MerkleProofException TooShort(int count, string what) =>
        new(MerkleProofError.WrongProofSize, $"{what}: the proof has {count} elements, fewer than the sizes call for.");
}
