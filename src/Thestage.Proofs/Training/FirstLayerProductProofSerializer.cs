using System.Buffers.Binary;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Sumcheck;

namespace Thestage.Proofs.Training;

/// <summary>
/// The versioned byte format <c>TSFL</c> of a <see cref="FirstLayerProductProof"/>; reading throws only
/// <see cref="ProofFormatException"/> on malformed bytes (consistency with a transcript is the verifier's job).
/// </summary>
/// <remarks>
/// Layout, little-endian: <c>"TSFL"</c>, <c>u16</c> version 1, <c>u32</c> step, <c>u32</c> batch size
/// <c>B ∈ [1, 2^15]</c>, <c>u32</c> input width <c>d ∈ [1, 2^12]</c>; per sample: <c>u32</c> label, <c>d × i32</c>
/// features, the 16-byte salt, <c>u32</c> leaf index, <c>u8</c> path length <c>≤ 24</c> and the sibling digests;
/// <c>u32</c> accumulator count <c>≤ 2^12·B</c> and that many <c>i64</c>; one sumcheck in the shared sumcheck-list
/// encoding; the Ligero opening (<c>u32</c> length, then <see cref="LigeroProofSerializer"/>'s bytes). No trailing bytes.
/// </remarks>
public static class FirstLayerProductProofSerializer
{
    private const ushort Version = 1;
    private const int MaxPathLength = 24;

    private static ReadOnlySpan<byte> Magic => "TSFL"u8;

    /// <summary>Serializes a proof.</summary>
    /// <param name="proof">The proof.</param>
    /// <returns>The bytes.</returns>
    public static byte[] Serialize(FirstLayerProductProof proof)
    {
        ArgumentNullException.ThrowIfNull(proof);
        var writer = new ProofWriter();
        writer.WriteHeader(Magic, Version);
        int batch = proof.Features.Count;
        int width = batch == 0 ? 0 : proof.Features[0].Length;
        writer.WriteUInt32((uint)proof.Step);
        writer.WriteUInt32((uint)batch);
        writer.WriteUInt32((uint)width);
        Span<byte> scratch = stackalloc byte[8];
        for (int b = 0; b < batch; b++)
        {
            writer.WriteUInt32((uint)proof.Labels[b]);
            foreach (int v in proof.Features[b])
            {
                BinaryPrimitives.WriteInt32LittleEndian(scratch, v);
                writer.WriteBytes(scratch[..4]);
            }

            writer.WriteBytes(proof.Salts[b]);
            MerklePath path = proof.Paths[b];
            writer.WriteUInt32((uint)path.LeafIndex);
            writer.WriteBytes([(byte)path.Siblings.Length]);
            foreach (Digest256 sibling in path.Siblings)
            {
                writer.WriteDigest(sibling);
            }
        }

        writer.WriteUInt32((uint)proof.Accumulators.Count);
        foreach (long acc in proof.Accumulators)
        {
            BinaryPrimitives.WriteInt64LittleEndian(scratch, acc);
            writer.WriteBytes(scratch);
        }

        ProofCodec.WriteSumchecks(writer, [proof.Sumcheck]);
        ProofCodec.WriteOpening(writer, proof.Opening);
        return writer.ToArray();
    }

    /// <summary>Reads a proof, checking the bounds listed in the remarks.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The proof.</returns>
    /// <exception cref="ProofFormatException">The bytes are malformed.</exception>
    public static FirstLayerProductProof Deserialize(ReadOnlySpan<byte> bytes)
    {
        var reader = new ProofReader(bytes);
        reader.ReadHeader(Magic, Version);
        int step = Bounded(reader.ReadUInt32(), TrainingTranscript.MaxSteps);
        int batch = Bounded(reader.ReadUInt32(), FirstLayerProductProtocol.MaxBatchSize, min: 1);
        int width = Bounded(reader.ReadUInt32(), TrainingConfig.MaxWidth, min: 1);
        if ((long)batch * (8 + (4L * width) + MerkleHasher.SaltLength + 1) > reader.Remaining)
        {
            throw new ProofFormatException("Declared batch exceeds the remaining bytes.");
        }

        var features = new int[batch][];
        var labels = new int[batch];
        var salts = new byte[batch][];
        var paths = new MerklePath[batch];
        for (int b = 0; b < batch; b++)
        {
            labels[b] = Bounded(reader.ReadUInt32(), int.MaxValue);
            features[b] = new int[width];
            ReadOnlySpan<byte> raw = reader.ReadBytes(4 * width);
            for (int i = 0; i < width; i++)
            {
                features[b][i] = BinaryPrimitives.ReadInt32LittleEndian(raw[(4 * i)..]);
            }

            salts[b] = reader.ReadBytes(MerkleHasher.SaltLength).ToArray();
            int leaf = Bounded(reader.ReadUInt32(), TrainingDataset.MaxSamples - 1);
            int length = reader.ReadBytes(1)[0];
            if (length > MaxPathLength)
            {
                throw new ProofFormatException("A Merkle path is too long.");
            }

            var siblings = new Digest256[length];
            for (int k = 0; k < length; k++)
            {
                siblings[k] = reader.ReadDigest();
            }

            paths[b] = new MerklePath(leaf, siblings);
        }

        int count = reader.ReadCount(0, TrainingConfig.MaxWidth * batch, 8);
        var accumulators = new long[count];
        for (int i = 0; i < count; i++)
        {
            accumulators[i] = BinaryPrimitives.ReadInt64LittleEndian(reader.ReadBytes(8));
        }

        SumcheckProof<GoldilocksExt2>[] sumchecks = ProofCodec.ReadSumchecks(ref reader, 1);
        if (sumchecks.Length != 1)
        {
            throw new ProofFormatException("Exactly one sumcheck is expected.");
        }

        LigeroOpeningProof<GoldilocksExt2> opening = ProofCodec.ReadOpening(ref reader);
        reader.EnsureEnd();
        return new FirstLayerProductProof(step, features, labels, salts, paths, accumulators, sumchecks[0], opening);
    }

    private static int Bounded(uint value, int max, int min = 0)
    {
        if (value < (uint)min || value > (uint)max)
        {
            throw new ProofFormatException($"Value {value} is outside [{min}, {max}].");
        }

        return (int)value;
    }
}
