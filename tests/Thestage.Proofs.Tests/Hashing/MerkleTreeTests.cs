using Org.BouncyCastle.Crypto.Digests;
using Thestage.Proofs.Hashing;

namespace Thestage.Proofs.Tests.Hashing;

public sealed class MerkleTreeTests
{
    private static (MerkleTree Tree, Digest256[] Leaves) BuildTree(int leafCount, int seed)
    {
        var salts = new SeededSaltSource(seed);
        var random = new Random(seed + 1);
        var leaves = new Digest256[leafCount];
        var salt = new byte[MerkleHasher.SaltLength];
        var payload = new byte[24];
        for (int i = 0; i < leafCount; i++)
        {
            salts.Fill(salt);
            random.NextBytes(payload);
            leaves[i] = MerkleHasher.HashLeaf(salt, payload);
        }

        return (MerkleTree.Build(leaves), leaves);
    }

    private static Digest256 Blake2s(params byte[][] parts)
    {
        var digest = new Blake2sDigest(256);
        foreach (byte[] part in parts)
        {
            digest.BlockUpdate(part, 0, part.Length);
        }

        var output = new byte[32];
        digest.DoFinal(output, 0);
        return Digest256.FromBytes(output);
    }

    [Fact]
    public void HashesAreBlake2sWithDistinctDomainPrefixes()
    {
        byte[] salt = Enumerable.Range(0, 16).Select(i => (byte)i).ToArray();
        byte[] payload = "payload"u8.ToArray();
        Assert.Equal(Blake2s([MerkleHasher.LeafPrefix], salt, payload), MerkleHasher.HashLeaf(salt, payload));

        Digest256 left = Blake2s([1]), right = Blake2s([2]);
        Assert.Equal(Blake2s([MerkleHasher.NodePrefix], left.ToArray(), right.ToArray()), MerkleHasher.HashNode(left, right));

        // Same 64 bytes after the prefix, different domains: a leaf can never be mistaken for a node.
        byte[] both = [.. left.ToArray(), .. right.ToArray()];
        Assert.NotEqual(MerkleHasher.HashNode(left, right), MerkleHasher.HashLeaf(both[..16], both[16..]));
        Assert.NotEqual(MerkleHasher.LeafPrefix, MerkleHasher.NodePrefix);
        Assert.Throws<ArgumentException>(() => MerkleHasher.HashLeaf(new byte[15], payload));
    }

    [Fact]
    public void KnownAnswerForBlake2sAbc()
    {
        // RFC 7693 Appendix B test vector for BLAKE2s-256("abc"), checking the BouncyCastle primitive we build on.
        Assert.Equal(
            "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982",
            Blake2s("abc"u8.ToArray()).ToString());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(16)]
    [InlineData(64)]
    public void EveryPathVerifies(int leafCount)
    {
        (MerkleTree tree, Digest256[] leaves) = BuildTree(leafCount, leafCount);
        for (int i = 0; i < leafCount; i++)
        {
            MerklePath path = tree.Open(i);
            Assert.True(MerkleTree.VerifyPath(tree.Root, leafCount, leaves[i], path));
        }
    }

    [Fact]
    public void TamperedPathsFail()
    {
        (MerkleTree tree, Digest256[] leaves) = BuildTree(32, 5);
        MerklePath path = tree.Open(13);
        Assert.False(MerkleTree.VerifyPath(tree.Root, 32, leaves[12], path));
        Assert.False(MerkleTree.VerifyPath(leaves[0], 32, leaves[13], path));
        Assert.False(MerkleTree.VerifyPath(tree.Root, 32, leaves[13], new MerklePath(12, path.Siblings)));
        Assert.False(MerkleTree.VerifyPath(tree.Root, 64, leaves[13], path));
        Assert.False(MerkleTree.VerifyPath(tree.Root, 32, leaves[13], new MerklePath(13, path.Siblings[1..])));
        Assert.False(MerkleTree.VerifyPath(tree.Root, 32, leaves[13], null));
        for (int level = 0; level < path.Siblings.Length; level++)
        {
            Digest256[] siblings = path.Siblings.ToArray();
            siblings[level] = leaves[0];
            Assert.False(MerkleTree.VerifyPath(tree.Root, 32, leaves[13], new MerklePath(13, siblings)));
        }
    }

    [Fact]
    public void BatchOpeningsVerifyAndShareSiblings()
    {
        (MerkleTree tree, Digest256[] leaves) = BuildTree(64, 9);
        int[] indices = [0, 1, 5, 6, 40, 63];
        MerkleBatchProof proof = tree.OpenBatch(indices);
        Digest256[] opened = indices.Select(i => leaves[i]).ToArray();
        Assert.True(MerkleTree.VerifyBatch(tree.Root, 64, indices, opened, proof));
        Assert.True(proof.Siblings.Length < indices.Length * tree.Height);

        int[] all = Enumerable.Range(0, 64).ToArray();
        MerkleBatchProof full = tree.OpenBatch(all);
        Assert.Equal(0, full.Siblings.Length);
        Assert.True(MerkleTree.VerifyBatch(tree.Root, 64, all, leaves, full));
    }

    [Fact]
    public void TamperedBatchOpeningsFail()
    {
        (MerkleTree tree, Digest256[] leaves) = BuildTree(64, 10);
        int[] indices = [3, 17, 18, 50];
        MerkleBatchProof proof = tree.OpenBatch(indices);
        Digest256[] opened = indices.Select(i => leaves[i]).ToArray();

        Digest256[] wrongLeaf = (Digest256[])opened.Clone();
        wrongLeaf[2] = leaves[19];
        Assert.False(MerkleTree.VerifyBatch(tree.Root, 64, indices, wrongLeaf, proof));
        Assert.False(MerkleTree.VerifyBatch(tree.Root, 64, [3, 17, 19, 50], opened, proof));
        Assert.False(MerkleTree.VerifyBatch(tree.Root, 64, [17, 3, 18, 50], opened, proof));
        Assert.False(MerkleTree.VerifyBatch(tree.Root, 64, indices, opened[..3], proof));
        Assert.False(MerkleTree.VerifyBatch(tree.Root, 64, indices, opened, new MerkleBatchProof(proof.Siblings[1..])));
        Assert.False(MerkleTree.VerifyBatch(tree.Root, 64, indices, opened, new MerkleBatchProof([.. proof.Siblings, leaves[0]])));
        for (int i = 0; i < proof.Siblings.Length; i++)
        {
            Digest256[] siblings = proof.Siblings.ToArray();
            siblings[i] = leaves[0];
            Assert.False(MerkleTree.VerifyBatch(tree.Root, 64, indices, opened, new MerkleBatchProof(siblings)));
        }
    }

    /// <summary>
    /// <see cref="MerkleTree.VerifyBatch"/> hashes each level's parents several per SIMD register, padding a partial register: every
    /// number of opened leaves around the lane widths (and the verifier's 117 queries) verifies, and a changed leaf digest or any
    /// single changed sibling is rejected.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(12)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(20)]
    [InlineData(33)]
    [InlineData(117)]
    [InlineData(256)]
    public void BatchOpeningsOfEveryCountVerifyAndRejectEveryChangedSibling(int opened)
    {
        (MerkleTree tree, Digest256[] leaves) = BuildTree(256, 100 + opened);
        int[] indices = new Random(opened).GetItems(Enumerable.Range(0, 256).ToArray(), 3 * opened).Distinct().Take(opened).Order().ToArray();
        MerkleBatchProof proof = tree.OpenBatch(indices);
        Digest256[] digests = indices.Select(i => leaves[i]).ToArray();
        Assert.True(MerkleTree.VerifyBatch(tree.Root, 256, indices, digests, proof));

        for (int q = 0; q < digests.Length; q += Math.Max(1, digests.Length / 7))
        {
            Digest256[] changed = (Digest256[])digests.Clone();
            changed[q] = leaves[indices[q] ^ 1];
            Assert.False(MerkleTree.VerifyBatch(tree.Root, 256, indices, changed, proof));
        }

        for (int i = 0; i < proof.Siblings.Length; i++)
        {
            Digest256[] siblings = proof.Siblings.ToArray();
            siblings[i] = MerkleHasher.HashNode(siblings[i], siblings[i]);
            Assert.False(MerkleTree.VerifyBatch(tree.Root, 256, indices, digests, new MerkleBatchProof(siblings)));
        }
    }

    [Fact]
    public void SaltsChangeEveryDigestOfIdenticalPayloads()
    {
        (MerkleTree a, _) = BuildTree(8, 21);
        (MerkleTree b, _) = BuildTree(8, 21);
        Assert.Equal(a.Root, b.Root);

        // Same payload seed, different salts: the sibling of an opened leaf discloses nothing linkable.
        var salts = new SeededSaltSource(99);
        var saltA = new byte[16];
        var saltB = new byte[16];
        salts.Fill(saltA);
        salts.Fill(saltB);
        Assert.NotEqual(MerkleHasher.HashLeaf(saltA, [1, 2, 3]), MerkleHasher.HashLeaf(saltB, [1, 2, 3]));
    }

    [Fact]
    public void RejectsBadShapes()
    {
        Assert.Throws<ArgumentException>(() => MerkleTree.Build(new Digest256[3]));
        Assert.Throws<ArgumentException>(() => MerkleTree.Build([]));
        (MerkleTree tree, _) = BuildTree(8, 1);
        Assert.Throws<ArgumentException>(() => tree.OpenBatch([2, 2]));
        Assert.Throws<ArgumentException>(() => tree.OpenBatch([8]));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.Open(8));
        Assert.Throws<ArgumentException>(() => Digest256.FromBytes(new byte[31]));
    }
}
