using System.Buffers;
using System.Numerics;

namespace Thestage.Proofs.Hashing;

/// <summary>
/// A binary Merkle tree over a power-of-two number of leaf digests (typically salted leaves from
/// <see cref="MerkleHasher.HashLeaf"/>), with single and batch openings and their verification.
/// </summary>
/// <remarks>
/// Nodes are stored heap-style: node 1 is the root, node <c>i</c> has children <c>2i</c> and <c>2i+1</c>,
/// and leaf <c>j</c> is node <c>n + j</c>. Internal nodes use <see cref="MerkleHasher.HashNode"/>, which
/// is domain-separated from leaves. Reference: R. C. Merkle, "A certified digital signature", CRYPTO 1989.
/// Verification methods never throw on malformed proofs; they return <see langword="false"/>.
/// </remarks>
public sealed class MerkleTree
{
    private readonly Digest256[] _nodes;

    private MerkleTree(Digest256[] nodes, int leafCount)
    {
        _nodes = nodes;
        LeafCount = leafCount;
    }

    /// <summary>Gets the number of leaves.</summary>
    public int LeafCount { get; }

    /// <summary>Gets the number of levels above the leaves (<c>log2 LeafCount</c>).</summary>
    public int Height => BitOperations.Log2((uint)LeafCount);

    /// <summary>Gets the root digest.</summary>
    public Digest256 Root => _nodes[1];

    /// <summary>Builds a tree over the given leaf digests.</summary>
    /// <param name="leafDigests">A power-of-two number of leaf digests.</param>
    /// <returns>The tree.</returns>
    /// <exception cref="ArgumentException">The number of leaves is not a positive power of two.</exception>
    public static MerkleTree Build(ReadOnlySpan<Digest256> leafDigests)
    {
        int n = leafDigests.Length;
        if (n <= 0 || !BitOperations.IsPow2(n))
        {
            throw new ArgumentException("The number of leaves must be a positive power of two.", nameof(leafDigests));
        }

        var nodes = new Digest256[2 * n];
        leafDigests.CopyTo(nodes.AsSpan(n));
        BuildLevels(nodes);
        return new MerkleTree(nodes, n);
    }

    /// <summary>Wraps a complete heap-ordered node array (<see cref="BuildLevels"/>) over <paramref name="leafCount"/> leaves.</summary>
    internal static MerkleTree FromNodes(Digest256[] nodes, int leafCount) => new(nodes, leafCount);

    /// <summary>Fills the internal nodes <c>1 … n − 1</c> of a heap-ordered array of <c>2n</c> nodes whose second half holds the leaves.</summary>
    internal static void BuildLevels(Span<Digest256> nodes)
    {
        for (int level = nodes.Length / 4; level >= 1; level /= 2)
        {
            // Parents [level, 2·level) of the children [2·level, 4·level), all at once (several per SIMD register).
            Blake2sMultiHash.HashNodes(nodes.Slice(2 * level, 2 * level), nodes.Slice(level, level));
        }
    }

    /// <summary>Gets the digest of a leaf.</summary>
    /// <param name="index">The leaf index.</param>
    /// <returns>The leaf digest.</returns>
    public Digest256 GetLeaf(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, LeafCount);
        return _nodes[LeafCount + index];
    }

    /// <summary>Opens one leaf.</summary>
    /// <param name="index">The leaf index.</param>
    /// <returns>Its authentication path.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is out of range.</exception>
    public MerklePath Open(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, LeafCount);
        var siblings = new Digest256[Height];
        int node = LeafCount + index;
        for (int level = 0; level < siblings.Length; level++, node >>= 1)
        {
            siblings[level] = _nodes[node ^ 1];
        }

        return new MerklePath(index, siblings);
    }

    /// <summary>Verifies an authentication path.</summary>
    /// <param name="root">The committed root.</param>
    /// <param name="leafCount">The committed number of leaves (a power of two).</param>
    /// <param name="leafDigest">The digest of the claimed leaf.</param>
    /// <param name="path">The path, whose <see cref="MerklePath.LeafIndex"/> is the claimed position.</param>
    /// <returns><see langword="true"/> when the path authenticates the leaf under the root.</returns>
    public static bool VerifyPath(Digest256 root, int leafCount, Digest256 leafDigest, MerklePath? path)
    {
        if (path is null || leafCount <= 0 || !BitOperations.IsPow2(leafCount)
            || path.LeafIndex >= leafCount || path.Siblings.Length != BitOperations.Log2((uint)leafCount))
        {
            return false;
        }

        Digest256 current = leafDigest;
        int node = leafCount + path.LeafIndex;
        foreach (Digest256 sibling in path.Siblings)
        {
            current = (node & 1) == 0 ? MerkleHasher.HashNode(current, sibling) : MerkleHasher.HashNode(sibling, current);
            node >>= 1;
        }

        return current == root;
    }

    /// <summary>Opens several leaves at once, sending each needed sibling only once.</summary>
    /// <param name="sortedIndices">Strictly increasing leaf indices.</param>
    /// <returns>The batch proof.</returns>
    /// <exception cref="ArgumentException">The indices are empty, unsorted, repeated or out of range.</exception>
    public MerkleBatchProof OpenBatch(ReadOnlySpan<int> sortedIndices)
    {
        if (!AreValidIndices(sortedIndices, LeafCount))
        {
            throw new ArgumentException("Indices must be non-empty, strictly increasing and within the tree.", nameof(sortedIndices));
        }

        var siblings = new List<Digest256>();
        var level = new List<int>(sortedIndices.Length);
        foreach (int index in sortedIndices)
        {
            level.Add(LeafCount + index);
        }

        while (level[0] > 1)
        {
            var parents = new List<int>(level.Count);
            for (int i = 0; i < level.Count; i++)
            {
                int node = level[i];
                if ((node & 1) == 0 && i + 1 < level.Count && level[i + 1] == (node ^ 1))
                {
                    i++; // both children known to the verifier
                }
                else
                {
                    siblings.Add(_nodes[node ^ 1]);
                }

                parents.Add(node >> 1);
            }

            level = parents;
        }

        return new MerkleBatchProof(siblings.ToArray());
    }

    /// <summary>Verifies a batch opening.</summary>
    /// <param name="root">The committed root.</param>
    /// <param name="leafCount">The committed number of leaves (a power of two).</param>
    /// <param name="sortedIndices">Strictly increasing leaf indices.</param>
    /// <param name="leafDigests">The claimed digests of those leaves, in the same order.</param>
    /// <param name="proof">The batch proof.</param>
    /// <returns><see langword="true"/> when every claimed leaf is authenticated under the root.</returns>
    public static bool VerifyBatch(
        Digest256 root,
        int leafCount,
        ReadOnlySpan<int> sortedIndices,
        ReadOnlySpan<Digest256> leafDigests,
        MerkleBatchProof? proof)
    {
        if (proof is null || leafCount <= 0 || !BitOperations.IsPow2(leafCount)
            || sortedIndices.Length != leafDigests.Length || !AreValidIndices(sortedIndices, leafCount))
        {
            return false;
        }

        // Level by level: the pairs of children of every known parent are laid out side by side (a known node beside the next
        // unused sibling of the proof, or two known siblings), then all of the level's parents are hashed at once, several per
        // SIMD register (Blake2sMultiHash). Siblings are consumed in the order OpenBatch sends them.
        int count = sortedIndices.Length;
        int capacity = Blake2sMultiHash.RoundUpToLanes(count);
        Digest256[] rented = ArrayPool<Digest256>.Shared.Rent(3 * capacity);
        int[] rentedNodes = ArrayPool<int>.Shared.Rent(count);
        try
        {
            Span<Digest256> digests = rented.AsSpan(0, capacity);
            Span<Digest256> pairs = rented.AsSpan(capacity, 2 * capacity);
            Span<int> nodes = rentedNodes.AsSpan(0, count);
            leafDigests.CopyTo(digests);
            for (int i = 0; i < count; i++)
            {
                nodes[i] = leafCount + sortedIndices[i];
            }

            ReadOnlySpan<Digest256> siblings = proof.Siblings;
            int consumed = 0;
            while (nodes[0] > 1)
            {
                int written = 0;
                for (int i = 0; i < count; i++)
                {
                    int node = nodes[i];
                    if ((node & 1) == 0 && i + 1 < count && nodes[i + 1] == (node ^ 1))
                    {
                        pairs[2 * written] = digests[i];
                        pairs[(2 * written) + 1] = digests[++i];
                    }
                    else
                    {
                        if (consumed == siblings.Length)
                        {
                            return false;
                        }

                        Digest256 sibling = siblings[consumed++];
                        pairs[(2 * written) + (node & 1)] = digests[i];
                        pairs[(2 * written) + 1 - (node & 1)] = sibling;
                    }

                    nodes[written++] = node >> 1;
                }

                // A partial last register would run through the one-message hasher; past a few parents, hashing the unused pairs
                // left in the buffer in the spare lanes is cheaper (their digests land beyond `written` and are never read).
                int hashed = written % Blake2sMultiHash.Lanes >= 4 ? Blake2sMultiHash.RoundUpToLanes(written) : written;
                Blake2sMultiHash.HashNodes(pairs[..(2 * hashed)], digests[..hashed]);
                count = written;
            }

            return consumed == siblings.Length && count == 1 && digests[0] == root;
        }
        finally
        {
            ArrayPool<Digest256>.Shared.Return(rented);
            ArrayPool<int>.Shared.Return(rentedNodes);
        }
    }

    private static bool AreValidIndices(ReadOnlySpan<int> sortedIndices, int leafCount)
    {
        if (sortedIndices.IsEmpty)
        {
            return false;
        }

        int previous = -1;
        foreach (int index in sortedIndices)
        {
            if (index <= previous || index >= leafCount)
            {
                return false;
            }

            previous = index;
        }

        return true;
    }
}
