using System.Buffers.Binary;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Sumcheck;

namespace Thestage.Proofs.Training;

/// <summary>
/// The versioned byte format <c>TSSR</c> of a <see cref="SnapshotRangeProof"/>; reading throws only
/// <see cref="ProofFormatException"/> on malformed bytes.
/// </summary>
/// <remarks>
/// <para>
/// Layout, little-endian: <c>"TSSR"</c>, <c>u16</c> version 3, <c>u32</c> snapshot index, the 32-byte limb root,
/// <c>u32</c> count <c>= 256</c> and the multiplicities (8-byte canonical Goldilocks), the sumcheck list (shared
/// encoding, at most 64), <c>u32</c> count and the field messages (16-byte extension elements, at most 1024),
/// <c>u8</c> limb-opening count in <c>[1, 2]</c> and the openings, then <c>u8</c> snapshot-opening count in <c>[1, 2]</c>
/// (one per weight polynomial) and those openings (each <c>u32</c> length and <see cref="LigeroProofSerializer"/>'s
/// bytes). Version 6 is the zero-knowledge proof of a hiding run: it has no multiplicities field (they are committed in the
/// masking pool's first chunk), every sumcheck is followed by its mask's sum and value, and the snapshot openings by the
/// masking pool (as in <c>TSIP</c> v2); its logUp is the zero-knowledge GKR (<c>FractionalSumcheck.ProveZeroKnowledge</c>: no root
/// message, a root sumcheck of one round of degree 4 with two final values, layer sumchecks of degree 5 with five final values)
/// and its lookup claims are on masked extensions. Plain proofs are written as version 3, unchanged. No trailing bytes.
/// </para>
/// <para>
/// History: version 1 had exactly one snapshot opening without a count (one weight polynomial); version 2 had
/// version 3's layout but no padding zero-check (its sumcheck list lacked one sumcheck per snapshot polynomial and
/// its field messages included <c>P̃_g(z_g)</c>). Both are rejected with a message saying why. Version 4 was the hiding
/// proof with the multiplicities (the limb histogram) published; it is rejected too, so a proof that reveals the histogram
/// is never taken for a version 5 one. Version 5 was the hiding proof whose logUp revealed every GKR layer's claims and the
/// lookup's leaf claims (partial fraction sums of the limbs: where which limb lies); it is rejected with a message to prove again.
/// </para>
/// </remarks>
public static class SnapshotRangeProofSerializer
{
    private const ushort Version = 3;
    private const ushort PublishedHistogramVersion = 4;
    private const ushort RevealedLayersVersion = 5;
    private const ushort MaskedVersion = 6;
    private const int MaxSumchecks = 64;
    private const int MaxValues = 1024;

    private static ReadOnlySpan<byte> Magic => "TSSR"u8;

    /// <summary>Serializes a proof.</summary>
    /// <param name="proof">The proof.</param>
    /// <returns>The bytes.</returns>
    /// <exception cref="ArgumentException">A zero-knowledge proof carries published multiplicities.</exception>
    public static byte[] Serialize(SnapshotRangeProof proof)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (proof.IsMasked && proof.MultiplicityArray.Length != 0)
        {
            throw new ArgumentException("A zero-knowledge proof commits its multiplicities; version 6 has no field for published ones.", nameof(proof));
        }

        var writer = new ProofWriter();
        writer.WriteHeader(Magic, proof.IsMasked ? MaskedVersion : Version);
        writer.WriteUInt32((uint)proof.Snapshot);
        writer.WriteDigest(proof.LimbRoot);
        if (!proof.IsMasked)
        {
            writer.WriteElements<Goldilocks>(proof.MultiplicityArray);
        }

        ProofCodec.WriteSumchecks(writer, proof.Sumchecks, proof.IsMasked);
        writer.WriteElements<GoldilocksExt2>(proof.ValueArray);
        writer.WriteBytes([(byte)proof.LimbOpenings.Count]);
        foreach (LigeroOpeningProof<GoldilocksExt2> opening in proof.LimbOpenings)
        {
            ProofCodec.WriteOpening(writer, opening);
        }

        writer.WriteBytes([(byte)proof.WeightOpenings.Count]);
        foreach (LigeroOpeningProof<GoldilocksExt2> opening in proof.WeightOpenings)
        {
            ProofCodec.WriteOpening(writer, opening);
        }

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
    public static SnapshotRangeProof Deserialize(ReadOnlySpan<byte> bytes)
    {
        ushort version = bytes.Length >= 6 && bytes[..4].SequenceEqual(Magic) ? BinaryPrimitives.ReadUInt16LittleEndian(bytes[4..]) : Version;
        if (version is 1 or 2)
        {
            throw new ProofFormatException(
                $"TSSR version {version} is no longer accepted: it did not prove that the padding entries of a snapshot are zero. Prove the snapshot again (version 3).");
        }

        if (version == PublishedHistogramVersion)
        {
            throw new ProofFormatException(
                "TSSR version 4 is no longer accepted: its hiding range proof publishes the histogram of the snapshot's limbs. Prove the snapshot again (version 5 commits it).");
        }

        if (version == RevealedLayersVersion)
        {
            throw new ProofFormatException(
                "TSSR version 5 is no longer accepted: its hiding range proof reveals the logUp's layer and leaf claims (partial sums over the snapshot's limbs). Prove the snapshot again (version 6 is zero-knowledge).");
        }

        var reader = new ProofReader(bytes);
        bool masked = reader.ReadHeader(Magic, Version, MaskedVersion) == MaskedVersion;
        uint snapshot = reader.ReadUInt32();
        if (snapshot > TrainingTranscript.MaxSteps)
        {
            throw new ProofFormatException("The snapshot index is out of range.");
        }

        Digest256 limbRoot = reader.ReadDigest();
        Goldilocks[] multiplicities = masked ? [] : reader.ReadElements<Goldilocks>(256, 256);
        SumcheckProof<GoldilocksExt2>[] sumchecks = ProofCodec.ReadSumchecks(ref reader, MaxSumchecks, masked);
        GoldilocksExt2[] values = reader.ReadElements<GoldilocksExt2>(0, MaxValues);
        int openingCount = reader.ReadBytes(1)[0];
        if (openingCount is < 1 or > 2)
        {
            throw new ProofFormatException("The limb-opening count is out of range.");
        }

        var limbOpenings = new LigeroOpeningProof<GoldilocksExt2>[openingCount];
        for (int i = 0; i < openingCount; i++)
        {
            limbOpenings[i] = ProofCodec.ReadOpening(ref reader);
        }

        int weightCount = reader.ReadBytes(1)[0];
        if (weightCount is < 1 or > 2)
        {
            throw new ProofFormatException("The snapshot-opening count is out of range.");
        }

        var weightOpenings = new LigeroOpeningProof<GoldilocksExt2>[weightCount];
        for (int i = 0; i < weightCount; i++)
        {
            weightOpenings[i] = ProofCodec.ReadOpening(ref reader);
        }

        (SumcheckMaskChunk[] Chunks, LigeroOpeningProof<GoldilocksExt2>[] Openings) pool = masked ? ProofCodec.ReadMaskPool(ref reader) : ([], []);
        reader.EnsureEnd();
        return new SnapshotRangeProof((int)snapshot, limbRoot, multiplicities, sumchecks, values, limbOpenings, weightOpenings, pool.Chunks, pool.Openings);
    }
}
