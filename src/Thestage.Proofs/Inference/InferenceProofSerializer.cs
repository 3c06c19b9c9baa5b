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
/// <see cref="GoldilocksExt2"/> encodings.
/// </summary>
/// <remarks>
/// Every count is bounded (sumchecks ≤ 65536, rounds ≤ 64, values per round 2…64, factors 1…63, loose values ≤ 2^20,
/// weight openings ≤ 8) and checked against the remaining bytes before allocation; trailing bytes are rejected;
/// malformed input raises <see cref="ProofFormatException"/> only.
/// </remarks>
public static class InferenceProofSerializer
{
    /// <summary>The current format version.</summary>
    public const ushort Version = 1;

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
        writer.WriteHeader(Magic, Version);
        writer.WriteDigest(proof.AdviceRoot);
        writer.WriteUInt32((uint)proof.Sumchecks.Count);
        foreach (SumcheckProof<GoldilocksExt2> sumcheck in proof.Sumchecks)
        {
            int perRound = sumcheck.RoundCount == 0 ? 2 : sumcheck.GetRoundPolynomial(0).Length;
            if (sumcheck.RoundCount > SumcheckVerifier.MaxVariables || perRound is < 2 or > SumcheckVerifier.MaxDegree + 1
                || sumcheck.FactorEvaluations.Length is 0 or > SumcheckVerifier.MaxDegree)
            {
                throw new ArgumentException("A sumcheck exceeds the bounds of the format.", nameof(proof));
            }

            writer.WriteBytes([(byte)sumcheck.RoundCount, (byte)perRound, (byte)sumcheck.FactorEvaluations.Length]);
            for (int round = 0; round < sumcheck.RoundCount; round++)
            {
                ReadOnlySpan<GoldilocksExt2> values = sumcheck.GetRoundPolynomial(round);
                if (values.Length != perRound)
                {
                    throw new ArgumentException("Round polynomials of one sumcheck must have equal lengths.", nameof(proof));
                }

                foreach (GoldilocksExt2 value in values)
                {
                    writer.WriteElement(value);
                }
            }

            foreach (GoldilocksExt2 value in sumcheck.FactorEvaluations)
            {
                writer.WriteElement(value);
            }
        }

        writer.WriteElements(proof.Values);
        WriteNested(writer, LigeroProofSerializer.Serialize(proof.AdviceOpening));
        writer.WriteBytes([(byte)proof.WeightOpenings.Count]);
        foreach (LigeroOpeningProof<GoldilocksExt2> opening in proof.WeightOpenings)
        {
            WriteNested(writer, LigeroProofSerializer.Serialize(opening));
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
        reader.ReadHeader(Magic, Version);
        Digest256 root = reader.ReadDigest();
        int count = reader.ReadCount(0, MaxSumchecks, 3);
        var sumchecks = new SumcheckProof<GoldilocksExt2>[count];
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> shape = reader.ReadBytes(3);
            int rounds = shape[0], perRound = shape[1], factors = shape[2];
            if (rounds > SumcheckVerifier.MaxVariables || perRound is < 2 or > SumcheckVerifier.MaxDegree + 1 || factors is 0 or > SumcheckVerifier.MaxDegree
                || (rounds == 0 && perRound != 2))
            {
                throw new ProofFormatException("A sumcheck shape is out of bounds.");
            }

            if ((long)((rounds * perRound) + factors) * GoldilocksExt2.EncodedLength > reader.Remaining)
            {
                throw new ProofFormatException("Declared length exceeds the remaining bytes.");
            }

            var roundValues = new GoldilocksExt2[rounds][];
            for (int r = 0; r < rounds; r++)
            {
                roundValues[r] = new GoldilocksExt2[perRound];
                for (int j = 0; j < perRound; j++)
                {
                    roundValues[r][j] = reader.ReadElement<GoldilocksExt2>();
                }
            }

            var evaluations = new GoldilocksExt2[factors];
            for (int j = 0; j < factors; j++)
            {
                evaluations[j] = reader.ReadElement<GoldilocksExt2>();
            }

            sumchecks[i] = new SumcheckProof<GoldilocksExt2>(roundValues, evaluations);
        }

        GoldilocksExt2[] values = reader.ReadElements<GoldilocksExt2>(0, MaxValues);
        LigeroOpeningProof<GoldilocksExt2> advice = ReadNested(ref reader);
        int openings = reader.ReadBytes(1)[0];
        if (openings > MaxWeightOpenings)
        {
            throw new ProofFormatException("Too many weight openings.");
        }

        var weightOpenings = new LigeroOpeningProof<GoldilocksExt2>[openings];
        for (int i = 0; i < openings; i++)
        {
            weightOpenings[i] = ReadNested(ref reader);
        }

        reader.EnsureEnd();
        return new InferenceProof(root, sumchecks, values, advice, weightOpenings);
    }

    private static void WriteNested(ProofWriter writer, byte[] bytes)
    {
        writer.WriteUInt32((uint)bytes.Length);
        writer.WriteBytes(bytes);
    }

    private static LigeroOpeningProof<GoldilocksExt2> ReadNested(ref ProofReader reader)
    {
        int length = reader.ReadCount(1, int.MaxValue, 1);
        return LigeroProofSerializer.Deserialize<GoldilocksExt2>(reader.ReadBytes(length));
    }
}
