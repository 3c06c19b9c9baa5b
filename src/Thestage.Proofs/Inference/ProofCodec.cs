using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Sumcheck;

namespace Thestage.Proofs.Inference;

/// <summary>Byte encodings shared by the inference and model-commitment formats: sumcheck lists and nested Ligero openings.</summary>
internal static class ProofCodec
{
    /// <summary>Writes <c>count u32 ‖ per sumcheck: rounds u8, values per round u8, factors u8, round values, factor values</c>.</summary>
    public static void WriteSumchecks(ProofWriter writer, IReadOnlyList<SumcheckProof<GoldilocksExt2>> sumchecks)
    {
        writer.WriteUInt32((uint)sumchecks.Count);
        foreach (SumcheckProof<GoldilocksExt2> sumcheck in sumchecks)
        {
            int perRound = sumcheck.RoundCount == 0 ? 2 : sumcheck.GetRoundPolynomial(0).Length;
            if (sumcheck.RoundCount > SumcheckVerifier.MaxVariables || perRound is < 2 or > SumcheckVerifier.MaxDegree + 1
                || sumcheck.FactorEvaluations.Length is 0 or > SumcheckVerifier.MaxDegree)
            {
                throw new ArgumentException("A sumcheck exceeds the bounds of the format.", nameof(sumchecks));
            }

            writer.WriteBytes([(byte)sumcheck.RoundCount, (byte)perRound, (byte)sumcheck.FactorEvaluations.Length]);
            for (int round = 0; round < sumcheck.RoundCount; round++)
            {
                ReadOnlySpan<GoldilocksExt2> values = sumcheck.GetRoundPolynomial(round);
                if (values.Length != perRound)
                {
                    throw new ArgumentException("Round polynomials of one sumcheck must have equal lengths.", nameof(sumchecks));
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
    }

    /// <summary>Reads a sumcheck list; values per round must be 2 when there are no rounds (canonical encoding).</summary>
    public static SumcheckProof<GoldilocksExt2>[] ReadSumchecks(ref ProofReader reader, int maxCount)
    {
        int count = reader.ReadCount(0, maxCount, 3);
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

        return sumchecks;
    }

    public static void WriteOpening(ProofWriter writer, LigeroOpeningProof<GoldilocksExt2> opening)
    {
        byte[] bytes = LigeroProofSerializer.Serialize(opening);
        writer.WriteUInt32((uint)bytes.Length);
        writer.WriteBytes(bytes);
    }

    public static LigeroOpeningProof<GoldilocksExt2> ReadOpening(ref ProofReader reader)
    {
        int length = reader.ReadCount(1, int.MaxValue, 1);
        return LigeroProofSerializer.Deserialize<GoldilocksExt2>(reader.ReadBytes(length));
    }
}
