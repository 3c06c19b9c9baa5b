using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Sumcheck;

namespace Thestage.Proofs.Inference;

/// <summary>
/// The versioned byte format of <see cref="InferenceProof"/>, little-endian:
/// <c>"TSIP" ‖ version u16 (=1) ‖ witness root (32) ‖ sumcheck count u32 ‖ per sumcheck: rounds u8, values per round u8,
/// factor count u8, round values, factor values (values per round is 2 when there are no rounds, so the encoding is canonical) ‖ value count u32 ‖ values ‖ witness opening (u32 length ‖ "TSLG" bytes)
/// ‖ weight opening count u8 ‖ per opening: u32 length ‖ "TSLG" bytes</c>; field elements are canonical 16-byte
/// <see cref="GoldilocksExt2"/> encodings. Version 2 is the zero-knowledge proof of a hiding commitment: every sumcheck is
/// followed by its mask's sum and value, and the weight openings by the masking pool (<c>chunk count u8 (1…8) ‖ per chunk:
/// root (32) ‖ log size u8 (4…16) ‖ u32 length ‖ "TSLG" opening</c>). Version 3 has the fields of version 2 and is the zero-knowledge
/// proof whose relations are zero-checks with masked claims (<see cref="InferenceProof"/>'s relations per <c>ZeroKnowledgeLayout</c>) and
/// whose lookup is the zero-knowledge logUp GKR (the multiplicities in the pool's first chunk, masked column claims, no root value);
/// the version is what tells the verifier which relations to run, and a verifier that requires version 3 refuses version 2.
/// Plain proofs are written as version 1, unchanged.
/// Bit 15 of the version (<c>0x8000</c>) marks a proof for a private input (<see cref="InferenceProver.ProvePrivateInput"/>): only
/// with version 2 (<c>0x8002</c>, its sumchecks are masked, its claims revealed) or 3 (<c>0x8003</c>, the zero-knowledge relations with the
/// input read through the input commitment's masks), and the weight openings are followed by the opening of the input
/// commitment (<c>u32 length ‖ "TSLG" bytes</c>) before the masking pool. The flag is a bit beside the version rather than a version of
/// its own so that it composes with later versions of the proof body.
/// </summary>
/// <remarks>
/// Every count is bounded (sumchecks ≤ 65536, rounds ≤ 64, values per round 2…64, factors 1…63, loose values ≤ 2^20,
/// weight openings ≤ 8) and checked against the remaining bytes before allocation; trailing bytes are rejected;
/// malformed input raises <see cref="ProofFormatException"/> only.
/// </remarks>
public static class InferenceProofSerializer
{
    /// <summary>The format version of plain proofs (zero-knowledge proofs are written as version 2).</summary>
    public const ushort Version = 1;

    private const ushort MaskedVersion = 2;

    private const ushort HidingClaimsVersion = 3;
    private const ushort PrivateInputFlag = 0x8000;

    private const int MaxSumchecks = 1 << 16;
    private const int MaxValues = 1 << 20;
    private const int MaxWeightOpenings = 8;

    private static ReadOnlySpan<byte> Magic => "TSIP"u8;

    /// <summary>Serializes a proof.</summary>
    /// <param name="proof">The proof.</param>
    /// <returns>The bytes.</returns>
    /// <exception cref="ArgumentException">The proof exceeds the bounds of the format.</exception>
    public static byte[] Serialize(InferenceProof proof)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (proof.Sumchecks.Count > MaxSumchecks || proof.Values.Length > MaxValues || proof.WeightOpenings.Count > MaxWeightOpenings)
        {
            throw new ArgumentException("The proof exceeds the bounds of the format.", nameof(proof));
        }

        var writer = new ProofWriter();
        if (proof.HasPrivateInput && !proof.IsMasked)
        {
            throw new ArgumentException("A proof for a private input has zero-knowledge sumchecks.", nameof(proof));
        }

        ushort version = proof.HidesClaims ? HidingClaimsVersion : proof.IsMasked ? MaskedVersion : Version;
        writer.WriteHeader(Magic, (ushort)(version | (proof.HasPrivateInput ? PrivateInputFlag : 0)));
        writer.WriteDigest(proof.AdviceRoot);
        ProofCodec.WriteSumchecks(writer, proof.Sumchecks, proof.IsMasked);
        writer.WriteElements(proof.Values);
        ProofCodec.WriteOpening(writer, proof.AdviceOpening);
        writer.WriteBytes([(byte)proof.WeightOpenings.Count]);
        foreach (LigeroOpeningProof<GoldilocksExt2> opening in proof.WeightOpenings)
        {
            ProofCodec.WriteOpening(writer, opening);
        }

        if (proof.InputOpening is not null)
        {
            ProofCodec.WriteOpening(writer, proof.InputOpening);
        }

        if (proof.IsMasked)
        {
            ProofCodec.WriteMaskPool(writer, proof.MaskChunks, proof.MaskOpenings);
        }

        return writer.ToArray();
    }

    /// <summary>Deserializes and validates a proof.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The proof.</returns>
    /// <exception cref="ProofFormatException">The bytes are malformed.</exception>
    public static InferenceProof Deserialize(ReadOnlySpan<byte> bytes)
    {
        var reader = new ProofReader(bytes);
        ushort version = reader.ReadHeader(Magic, Version, PrivateInputFlag | HidingClaimsVersion);
        if (version is not (Version or MaskedVersion or HidingClaimsVersion or (PrivateInputFlag | MaskedVersion) or (PrivateInputFlag | HidingClaimsVersion)))
        {
            throw new ProofFormatException($"Unsupported format version 0x{version:x4}; expected 1, 2, 3, 0x8002 or 0x8003 (a private-input proof).");
        }

        bool masked = (version & ~PrivateInputFlag) >= MaskedVersion;
        Digest256 root = reader.ReadDigest();
        SumcheckProof<GoldilocksExt2>[] sumchecks = ProofCodec.ReadSumchecks(ref reader, MaxSumchecks, masked);
        GoldilocksExt2[] values = reader.ReadElements<GoldilocksExt2>(0, MaxValues);
        LigeroOpeningProof<GoldilocksExt2> advice = ProofCodec.ReadOpening(ref reader);
        int openings = reader.ReadBytes(1)[0];
        if (openings > MaxWeightOpenings)
        {
            throw new ProofFormatException("Too many weight openings.");
        }

        var weightOpenings = new LigeroOpeningProof<GoldilocksExt2>[openings];
        for (int i = 0; i < openings; i++)
        {
            weightOpenings[i] = ProofCodec.ReadOpening(ref reader);
        }

        LigeroOpeningProof<GoldilocksExt2>? input = (version & PrivateInputFlag) != 0 ? ProofCodec.ReadOpening(ref reader) : null;
        if (masked)
        {
            (SumcheckMaskChunk[] chunks, LigeroOpeningProof<GoldilocksExt2>[] maskOpenings) = ProofCodec.ReadMaskPool(ref reader);
            reader.EnsureEnd();
            return input is null
                ? new InferenceProof(root, sumchecks, values, advice, weightOpenings, chunks, maskOpenings, version == HidingClaimsVersion)
                : new InferenceProof(root, sumchecks, values, advice, weightOpenings, input, chunks, maskOpenings, (version & ~PrivateInputFlag) == HidingClaimsVersion);
        }

        reader.EnsureEnd();
        return new InferenceProof(root, sumchecks, values, advice, weightOpenings);
    }

}
