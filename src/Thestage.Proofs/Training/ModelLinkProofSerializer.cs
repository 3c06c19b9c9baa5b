using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Sumcheck;

namespace Thestage.Proofs.Training;

/// <summary>
/// The versioned byte format <c>TSML</c> of a <see cref="ModelLinkProof"/>; reading throws only
/// <see cref="ProofFormatException"/> on malformed bytes.
/// </summary>
/// <remarks>
/// Layout, little-endian: <c>"TSML"</c>, <c>u16</c> version 1, <c>u8</c> layer count in <c>[2, 16]</c>, per layer
/// <c>u8</c> weight shift <c>σ ∈ [0, 31]</c> and, when <c>σ &gt; 0</c>, the witness as <c>u32</c> index (below
/// <c>2^24</c>) and <c>i32</c> value (the witness is (0, 0) when <c>σ = 0</c>); the 32-byte limb root; <c>u32</c>
/// count <c>= 256</c> and the multiplicities (8-byte canonical Goldilocks); the sumcheck list (shared encoding, at most
/// 256); <c>u32</c> count and the field messages (16-byte extension elements, at most 4096); then three opening groups
/// (limbs, snapshot, model), each a <c>u8</c> count in <c>[1, 2]</c> and the openings (each <c>u32</c> length and
/// <see cref="LigeroProofSerializer"/>'s bytes). Version 4 is the zero-knowledge proof of a hiding run or model: it has no
/// witness fields (each layer is its shift alone: the minimality is proven from committed witnesses) and no multiplicities
/// field (they are committed in the masking pool's first chunk), every sumcheck is followed by its mask's sum and value, and
/// the opening groups by the masking pool (as in <c>TSIP</c> v2); plain proofs are written as version 1, unchanged. Version 5 has
/// version 4's layout and is the link of a hiding run, whose lookup is the zero-knowledge logUp GKR over masked limb columns (no layer
/// claim, root or leaf claim revealed); version 4 is kept for a plain run linked to a hiding model, and the verifier of a hiding run
/// refuses it (the revealing lookup). No
/// trailing bytes. The earlier zero-knowledge versions are refused with a message saying to prove the link again: version 2
/// published the multiplicities (the histogram of the limbs) and the witness weights, version 3 the witness weights.
/// </remarks>
public static class ModelLinkProofSerializer
{
    /// <summary>The format version of plain proofs (zero-knowledge ones are written as version 4, or 5 for a hiding run's).</summary>
    public const ushort Version = 1;

    private const ushort PublishedHistogramVersion = 2;
    private const ushort PublishedWitnessVersion = 3;
    private const ushort MaskedVersion = 4;
    private const ushort ZeroKnowledgeLookupVersion = 5;

    private const int MaxSumchecks = 256;
    private const int MaxValues = 4096;

    private static ReadOnlySpan<byte> Magic => "TSML"u8;

    /// <summary>Serializes a proof.</summary>
    /// <param name="proof">The proof.</param>
    /// <returns>The bytes.</returns>
    /// <exception cref="ArgumentException">The proof exceeds the bounds of the format.</exception>
    public static byte[] Serialize(ModelLinkProof proof)
    {
        ArgumentNullException.ThrowIfNull(proof);
        int layers = proof.WeightShiftArray.Length;
        bool witnesses = !proof.IsMasked;
        if (layers is < 2 or > TrainingConfig.MaxLayers || proof.WeightShiftArray.Any(s => s is < 0 or > 31)
            || proof.WitnessIndexArray.Length != (witnesses ? layers : 0) || proof.WitnessValueArray.Length != proof.WitnessIndexArray.Length
            || (!witnesses && proof.MultiplicityArray.Length != 0)
            || (witnesses && Enumerable.Range(0, layers).Any(l => proof.WitnessIndexArray[l] is < 0 or >= 1 << 24
                || (proof.WeightShiftArray[l] == 0 && (proof.WitnessIndexArray[l] != 0 || proof.WitnessValueArray[l] != 0)))))
        {
            throw new ArgumentException("The proof exceeds the bounds of the format.", nameof(proof));
        }

        var writer = new ProofWriter();
        if (proof.ZeroKnowledgeLookup && !proof.IsMasked)
        {
            throw new ArgumentException("A zero-knowledge lookup needs masked sumchecks.", nameof(proof));
        }

        writer.WriteHeader(Magic, proof.ZeroKnowledgeLookup ? ZeroKnowledgeLookupVersion : proof.IsMasked ? MaskedVersion : Version);
        writer.WriteBytes([(byte)layers]);
        for (int l = 0; l < layers; l++)
        {
            writer.WriteBytes([(byte)proof.WeightShiftArray[l]]);
            if (witnesses && proof.WeightShiftArray[l] > 0)
            {
                writer.WriteUInt32((uint)proof.WitnessIndexArray[l]);
                writer.WriteUInt32((uint)proof.WitnessValueArray[l]);
            }
        }

        writer.WriteDigest(proof.RemainderRoot);
        if (!proof.IsMasked)
        {
            writer.WriteElements<Goldilocks>(proof.MultiplicityArray);
        }

        ProofCodec.WriteSumchecks(writer, proof.Sumchecks, proof.IsMasked);
        writer.WriteElements<GoldilocksExt2>(proof.ValueArray);
        WriteOpenings(writer, proof.RemainderOpeningArray);
        WriteOpenings(writer, proof.TrainingOpeningArray);
        WriteOpenings(writer, proof.ModelOpeningArray);
        if (proof.IsMasked)
        {
            ProofCodec.WriteMaskPool(writer, proof.MaskChunks, proof.MaskOpenings);
        }

        return writer.ToArray();
    }

    /// <summary>Reads a proof, checking the bounds listed in the remarks.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The proof.</returns>
    /// <exception cref="ProofFormatException">The bytes are malformed.</exception>
    public static ModelLinkProof Deserialize(ReadOnlySpan<byte> bytes)
    {
        ushort version = bytes.Length >= 6 && bytes[..4].SequenceEqual(Magic) ? System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(bytes[4..]) : Version;
        if (version is PublishedHistogramVersion or PublishedWitnessVersion)
        {
            throw new ProofFormatException(
                $"TSML version {version} is no longer accepted: its zero-knowledge proof publishes {(version == PublishedHistogramVersion ? "the histogram of the limbs and " : string.Empty)}one weight per layer. Prove the link again (version 4 commits them).");
        }

        var reader = new ProofReader(bytes);
        ushort read = reader.ReadHeader(Magic, Version, ZeroKnowledgeLookupVersion);
        bool masked = read >= MaskedVersion;
        int layers = reader.ReadBytes(1)[0];
        if (layers is < 2 or > TrainingConfig.MaxLayers)
        {
            throw new ProofFormatException("The layer count is out of range.");
        }

        var sigma = new int[layers];
        var indices = new int[masked ? 0 : layers];
        var values = new int[masked ? 0 : layers];
        for (int l = 0; l < layers; l++)
        {
            sigma[l] = reader.ReadBytes(1)[0];
            if (sigma[l] > 31)
            {
                throw new ProofFormatException("A weight shift is out of range.");
            }

            if (!masked && sigma[l] > 0)
            {
                uint index = reader.ReadUInt32();
                if (index >= 1u << 24)
                {
                    throw new ProofFormatException("A witness index is out of range.");
                }

                indices[l] = (int)index;
                values[l] = (int)reader.ReadUInt32();
            }
        }

        Digest256 root = reader.ReadDigest();
        Goldilocks[] multiplicities = masked ? [] : reader.ReadElements<Goldilocks>(256, 256);
        SumcheckProof<GoldilocksExt2>[] sumchecks = ProofCodec.ReadSumchecks(ref reader, MaxSumchecks, masked);
        GoldilocksExt2[] messages = reader.ReadElements<GoldilocksExt2>(0, MaxValues);
        LigeroOpeningProof<GoldilocksExt2>[] limbOpenings = ReadOpenings(ref reader, "limb");
        LigeroOpeningProof<GoldilocksExt2>[] trainingOpenings = ReadOpenings(ref reader, "snapshot");
        LigeroOpeningProof<GoldilocksExt2>[] modelOpenings = ReadOpenings(ref reader, "model");
        (SumcheckMaskChunk[] Chunks, LigeroOpeningProof<GoldilocksExt2>[] Openings) pool = masked ? ProofCodec.ReadMaskPool(ref reader) : ([], []);
        reader.EnsureEnd();
        return new ModelLinkProof(
            sigma, indices, values, root, multiplicities, sumchecks, messages, limbOpenings, trainingOpenings, modelOpenings, pool.Chunks, pool.Openings, read == ZeroKnowledgeLookupVersion);
    }

    private static void WriteOpenings(ProofWriter writer, LigeroOpeningProof<GoldilocksExt2>[] openings)
    {
        if (openings.Length is < 1 or > 2)
        {
            throw new ArgumentException("An opening group must hold one or two openings.", nameof(openings));
        }

        writer.WriteBytes([(byte)openings.Length]);
        foreach (LigeroOpeningProof<GoldilocksExt2> opening in openings)
        {
            ProofCodec.WriteOpening(writer, opening);
        }
    }

    private static LigeroOpeningProof<GoldilocksExt2>[] ReadOpenings(ref ProofReader reader, string group)
    {
        int count = reader.ReadBytes(1)[0];
        if (count is < 1 or > 2)
        {
            throw new ProofFormatException($"The {group}-opening count is out of range.");
        }

        var openings = new LigeroOpeningProof<GoldilocksExt2>[count];
        for (int i = 0; i < count; i++)
        {
            openings[i] = ProofCodec.ReadOpening(ref reader);
        }

        return openings;
    }
}
