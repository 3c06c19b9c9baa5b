using System.Buffers.Binary;
using System.Numerics;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Hashing;

namespace Thestage.Proofs.Training;

/// <summary>
/// A Merkle commitment to a training set: one salted BLAKE2s leaf per sample (<see cref="MerkleHasher.HashLeaf"/>),
/// padded to a power of two, published as the root together with the sample count.
/// </summary>
/// <remarks>
/// The leaf payload of sample <c>i</c> is <c>u32 i ‖ u32 label ‖ i32 features…</c> (little-endian), so a leaf binds its
/// position; padding leaves (positions <c>N … 2^⌈log2 N⌉ − 1</c>) carry only <c>u32 i</c>, a payload length no sample has.
/// Every leaf has its own 16-byte salt, so the root and unopened paths reveal nothing about unopened samples; the
/// holder keeps the salts to open the samples of a batch later (<see cref="Open"/>, <see cref="VerifySample"/>).
/// <para>
/// A hiding run (<c>TrainingRun.Record</c> with hiding Ligero parameters) commits its samples instead as one polynomial with
/// hiding Ligero and an opening budget (<c>DatasetPolynomial</c>): its <see cref="Root"/> is that commitment's root, and step
/// proofs prove claims on the batch's samples through one hiding opening each instead of opening them, so such a commitment
/// has no <see cref="Open"/>.
/// </para>
/// </remarks>
public sealed class DatasetCommitment
{
    private readonly MerkleTree? _tree;
    private readonly byte[]? _salts;

    private DatasetCommitment(MerkleTree tree, byte[] salts, int sampleCount)
    {
        _tree = tree;
        _salts = salts;
        SampleCount = sampleCount;
    }

    private DatasetCommitment(DatasetPolynomial polynomial, LigeroProverState state, int sampleCount)
    {
        Polynomial = polynomial;
        State = state;
        SampleCount = sampleCount;
    }

    /// <summary>Gets the Merkle root, or for a hiding run the root of the hiding Ligero commitment to the samples.</summary>
    public Digest256 Root => _tree?.Root ?? State!.Commitment.Root;

    /// <summary>The layout of a hiding commitment's polynomial; null for a Merkle commitment.</summary>
    internal DatasetPolynomial? Polynomial { get; }

    /// <summary>The Ligero prover state of a hiding commitment (its evaluations are the table of <see cref="Polynomial"/>); null for a Merkle commitment.</summary>
    internal LigeroProverState? State { get; }

    /// <summary>Whether the samples are committed with hiding Ligero (and are proven, never opened).</summary>
    internal bool IsHiding => State is not null;

    /// <summary>Gets the number of samples <c>N</c>.</summary>
    public int SampleCount { get; }

    /// <summary>Commits to a dataset.</summary>
    /// <param name="dataset">The samples.</param>
    /// <param name="salts">The salt source (random by default; seeded only in tests).</param>
    /// <returns>The commitment, holding the tree and salts for later openings.</returns>
    public static DatasetCommitment Commit(TrainingDataset dataset, ISaltSource? salts = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        salts ??= RandomSaltSource.Instance;
        int leaves = (int)BitOperations.RoundUpToPowerOf2((uint)dataset.Count);
        var saltBytes = new byte[leaves * MerkleHasher.SaltLength];
        var digests = new Digest256[leaves];
        for (int i = 0; i < leaves; i++)
        {
            Span<byte> salt = saltBytes.AsSpan(i * MerkleHasher.SaltLength, MerkleHasher.SaltLength);
            salts.Fill(salt);
            digests[i] = i < dataset.Count
                ? MerkleHasher.HashLeaf(salt, Payload(i, dataset.FeaturesOf(i), dataset.GetLabel(i)))
                : MerkleHasher.HashLeaf(salt, Payload(i, [], -1));
        }

        return new DatasetCommitment(MerkleTree.Build(digests), saltBytes, dataset.Count);
    }

    /// <summary>
    /// Commits to a dataset as the hiding polynomial of a hiding run (<see cref="DatasetPolynomial"/>) with hiding Ligero
    /// <paramref name="parameters"/> carrying the opening budget: one opening per step proof.
    /// </summary>
    internal static DatasetCommitment CommitHiding(TrainingConfig config, TrainingDataset dataset, LigeroParameters parameters, ISaltSource salts)
    {
        var polynomial = new DatasetPolynomial(config, dataset.Count);
        LigeroProverState state = LigeroProver.Commit(polynomial.Table(dataset), parameters, salts);
        return new DatasetCommitment(polynomial, state, dataset.Count);
    }

    /// <summary>Checks an opened sample against a published root.</summary>
    /// <param name="root">The dataset root.</param>
    /// <param name="sampleCount">The published sample count.</param>
    /// <param name="index">The sample index, in <c>[0, N)</c>.</param>
    /// <param name="features">The claimed features.</param>
    /// <param name="label">The claimed label.</param>
    /// <param name="salt">The leaf salt (16 bytes).</param>
    /// <param name="path">The authentication path.</param>
    /// <returns><see langword="true"/> if the sample is the committed one; never throws on malformed input.</returns>
    public static bool VerifySample(Digest256 root, int sampleCount, int index, ReadOnlySpan<int> features, int label, ReadOnlySpan<byte> salt, MerklePath? path)
    {
        if (sampleCount < 1 || sampleCount > TrainingDataset.MaxSamples || index < 0 || index >= sampleCount || label < 0
            || salt.Length != MerkleHasher.SaltLength || path is null || path.LeafIndex != index)
        {
            return false;
        }

        int leaves = (int)BitOperations.RoundUpToPowerOf2((uint)sampleCount);
        return MerkleTree.VerifyPath(root, leaves, MerkleHasher.HashLeaf(salt, Payload(index, features, label)), path);
    }

    /// <summary>Opens one sample: its salt and authentication path.</summary>
    /// <param name="index">The sample index.</param>
    /// <param name="salt">The leaf salt.</param>
    /// <returns>The path.</returns>
    /// <exception cref="InvalidOperationException">The commitment is a hiding run's, whose samples are proven, never opened.</exception>
    public MerklePath Open(int index, out byte[] salt)
    {
        if (_tree is null || _salts is null)
        {
            throw new InvalidOperationException("A hiding run's dataset commitment is never opened: its step proofs prove claims on the samples instead.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, SampleCount);
        salt = _salts.AsSpan(index * MerkleHasher.SaltLength, MerkleHasher.SaltLength).ToArray();
        return _tree.Open(index);
    }

    private static byte[] Payload(int index, ReadOnlySpan<int> features, int label)
    {
        if (label < 0)
        {
            var padding = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(padding, (uint)index);
            return padding;
        }

        var payload = new byte[8 + (4 * features.Length)];
        BinaryPrimitives.WriteUInt32LittleEndian(payload, (uint)index);
        BinaryPrimitives.WriteUInt32LittleEndian(payload.AsSpan(4), (uint)label);
        for (int i = 0; i < features.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(8 + (4 * i)), features[i]);
        }

        return payload;
    }
}
