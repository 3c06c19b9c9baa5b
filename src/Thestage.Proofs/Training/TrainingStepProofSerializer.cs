using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Sumcheck;

namespace Thestage.Proofs.Training;

/// <summary>
/// The versioned byte format <c>TSSP</c> of a <see cref="TrainingStepProof"/>; reading throws only
/// <see cref="ProofFormatException"/> on malformed bytes (consistency with a transcript is the verifier's job).
/// </summary>
/// <remarks>
/// Layout, little-endian: <c>"TSSP"</c>, <c>u16</c> version 1, <c>u32</c> step; the batch (<c>u32 B ∈ [1, 2^16]</c>,
/// <c>u32 d ∈ [1, 2^12]</c>, per sample <c>u32</c> label, <c>d × i32</c> features, the 16-byte salt, <c>u32</c> leaf index,
/// <c>u8</c> path length <c>≤ 24</c>, the sibling digests); the 32-byte witness root; the sumcheck list (shared encoding,
/// at most 2^16); <c>u32</c> value count <c>≤ 2^20</c> and that many extension elements; then three opening lists
/// (witness, snapshot before, snapshot after), each <c>u8</c> count <c>∈ [1, 2]</c> and per opening <c>u32</c> length and
/// <see cref="LigeroProofSerializer"/>'s bytes. Version 2 is the zero-knowledge proof of a hiding run: every sumcheck is
/// followed by its mask's sum and value, and the opening lists by the masking pool (as in <c>TSIP</c> v2). Plain proofs are
/// written as version 1, unchanged. Version 3 is a hiding run's proof (<c>TSTT</c> v5): as version 2 without the batch (the samples
/// are proven, not opened: nothing follows the step but the witness root), with a fourth opening list after the three — the
/// dataset commitment's, exactly one opening; its relations revealed their claims. Version 4 has version 3's fields and the relations of
/// <see cref="StepZeroKnowledge"/> (every relation one zero-check over masked witness segments, the zero-knowledge logUp): a hiding run's
/// proofs are written as version 4. Versions 2 (a hiding proof that opened its samples) and 3 (revealed claims) are refused. No trailing bytes.
/// </remarks>
public static class TrainingStepProofSerializer
{
    private const ushort Version = 1;
    private const ushort MaskedVersion = 2;
    private const ushort HiddenBatchVersion = 3;
    private const ushort HiddenClaimsVersion = 4;

    private static ReadOnlySpan<byte> Magic => "TSSP"u8;

    /// <summary>Serializes a proof.</summary>
    /// <param name="proof">The proof.</param>
    /// <returns>The bytes.</returns>
    public static byte[] Serialize(TrainingStepProof proof)
    {
        ArgumentNullException.ThrowIfNull(proof);
        var writer = new ProofWriter();
        bool hidden = proof.Batch is null;
        writer.WriteHeader(Magic, proof.HidesClaims ? HiddenClaimsVersion : hidden ? HiddenBatchVersion : proof.IsMasked ? MaskedVersion : Version);
        writer.WriteUInt32((uint)proof.Step);
        proof.Batch?.Write(writer);
        writer.WriteDigest(proof.WitnessRoot);
        ProofCodec.WriteSumchecks(writer, proof.Sumchecks, proof.IsMasked);
        writer.WriteUInt32((uint)proof.Values.Length);
        foreach (GoldilocksExt2 value in proof.Values)
        {
            writer.WriteElement(value);
        }

        LigeroOpeningProof<GoldilocksExt2>[][] lists = hidden
            ? [proof.WitnessOpening, proof.BeforeOpenings, proof.AfterOpenings, proof.DatasetOpening]
            : [proof.WitnessOpening, proof.BeforeOpenings, proof.AfterOpenings];
        foreach (LigeroOpeningProof<GoldilocksExt2>[] openings in lists)
        {
            writer.WriteBytes([(byte)openings.Length]);
            foreach (LigeroOpeningProof<GoldilocksExt2> opening in openings)
            {
                ProofCodec.WriteOpening(writer, opening);
            }
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
    public static TrainingStepProof Deserialize(ReadOnlySpan<byte> bytes)
    {
        var reader = new ProofReader(bytes);
        ushort version = reader.ReadHeader(Magic, Version, HiddenClaimsVersion);
        if (version == MaskedVersion)
        {
            throw new ProofFormatException("TSSP version 2 (a hiding run's step proof that opened its samples) is no longer accepted: re-record the run and prove it again (version 4 proves the samples without opening them and hides its claims).");
        }

        if (version == HiddenBatchVersion)
        {
            throw new ProofFormatException("TSSP version 3 (a hiding run's step proof whose relations reveal their claims) is no longer accepted: prove the step again (version 4 hides them).");
        }

        bool hidden = version == HiddenClaimsVersion;
        bool masked = hidden;
        uint step = reader.ReadUInt32();
        if (step >= TrainingTranscript.MaxSteps)
        {
            throw new ProofFormatException("The step index is out of range.");
        }

        BatchOpening? batch = hidden ? null : BatchOpening.Read(ref reader);
        var root = reader.ReadDigest();
        SumcheckProof<GoldilocksExt2>[] sumchecks = ProofCodec.ReadSumchecks(ref reader, 1 << 16, masked);
        int count = reader.ReadCount(0, 1 << 20, GoldilocksExt2.EncodedLength);
        var values = new GoldilocksExt2[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = reader.ReadElement<GoldilocksExt2>();
        }

        var openings = new LigeroOpeningProof<GoldilocksExt2>[hidden ? 4 : 3][];
        for (int group = 0; group < openings.Length; group++)
        {
            int n = reader.ReadBytes(1)[0];
            if (n is < 1 or > 2 || (group == 3 && n != 1))
            {
                throw new ProofFormatException("An opening list must hold one or two openings.");
            }

            openings[group] = new LigeroOpeningProof<GoldilocksExt2>[n];
            for (int i = 0; i < n; i++)
            {
                openings[group][i] = ProofCodec.ReadOpening(ref reader);
            }
        }

        (SumcheckMaskChunk[] Chunks, LigeroOpeningProof<GoldilocksExt2>[] Openings) pool = masked ? ProofCodec.ReadMaskPool(ref reader) : ([], []);
        reader.EnsureEnd();
        return new TrainingStepProof((int)step, batch, root, sumchecks, values, openings[0], openings[1], openings[2], pool.Chunks, pool.Openings, hidden ? openings[3] : null, hidden);
    }
}
