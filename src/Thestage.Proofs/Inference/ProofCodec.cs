using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Sumcheck;

namespace Thestage.Proofs.Inference;

/// <summary>Byte encodings shared by the inference and model-commitment formats: sumcheck lists and nested Ligero openings.</summary>
internal static class ProofCodec
{
    /// <summary>
    /// Writes <c>count u32 ‖ per sumcheck: rounds u8, values per round u8, factors u8, round values, factor values</c>, and for
    /// <paramref name="masked"/> lists (every sumcheck zero-knowledge) the mask's sum and value after each sumcheck's factor values.
    /// </summary>
    public static void WriteSumchecks(ProofWriter writer, IReadOnlyList<SumcheckProof<GoldilocksExt2>> sumchecks, bool masked = false)
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

            if (sumcheck.IsMasked != masked)
            {
                throw new ArgumentException("Either every sumcheck of a proof is zero-knowledge or none is.", nameof(sumchecks));
            }

            if (masked)
            {
                writer.WriteElement(sumcheck.MaskSum);
                writer.WriteElement(sumcheck.MaskValue);
            }
        }
    }

    /// <summary>Writes <c>chunk count u8 ‖ per chunk: root (32) ‖ log size u8 ‖ opening (u32 length ‖ "TSLG" bytes)</c>.</summary>
    public static void WriteMaskPool(ProofWriter writer, IReadOnlyList<SumcheckMaskChunk> chunks, IReadOnlyList<LigeroOpeningProof<GoldilocksExt2>> openings)
    {
        if (chunks.Count > SumcheckMaskChunk.MaxChunks || openings.Count != chunks.Count)
        {
            throw new ArgumentException("The masking pool exceeds the bounds of the format.", nameof(chunks));
        }

        writer.WriteBytes([(byte)chunks.Count]);
        for (int c = 0; c < chunks.Count; c++)
        {
            writer.WriteDigest(chunks[c].Root);
            writer.WriteBytes([(byte)chunks[c].LogSize]);
            WriteOpening(writer, openings[c]);
        }
    }

    /// <summary>Reads what <see cref="WriteMaskPool"/> wrote; chunk sizes must lie in the bounds of <see cref="SumcheckMaskChunk"/>.</summary>
    public static (SumcheckMaskChunk[] Chunks, LigeroOpeningProof<GoldilocksExt2>[] Openings) ReadMaskPool(ref ProofReader reader)
    {
        int count = reader.ReadBytes(1)[0];
        if (count is 0 or > SumcheckMaskChunk.MaxChunks)
        {
            throw new ProofFormatException("The number of masking chunks is out of range.");
        }

        var chunks = new SumcheckMaskChunk[count];
        var openings = new LigeroOpeningProof<GoldilocksExt2>[count];
        for (int c = 0; c < count; c++)
        {
            Hashing.Digest256 root = reader.ReadDigest();
            int logSize = reader.ReadBytes(1)[0];
            if (logSize is < SumcheckMaskChunk.MinLogSize or > SumcheckMaskChunk.MaxLogSize)
            {
                throw new ProofFormatException("A masking chunk's size is out of range.");
            }

            chunks[c] = new SumcheckMaskChunk(root, logSize);
            openings[c] = ReadOpening(ref reader);
        }

        return (chunks, openings);
    }

    /// <summary>Reads a sumcheck list; values per round must be 2 when there are no rounds (canonical encoding).</summary>
    public static SumcheckProof<GoldilocksExt2>[] ReadSumchecks(ref ProofReader reader, int maxCount, bool masked = false)
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

            if ((long)((rounds * perRound) + factors + (masked ? 2 : 0)) * GoldilocksExt2.EncodedLength > reader.Remaining)
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

            sumchecks[i] = masked
                ? new SumcheckProof<GoldilocksExt2>(roundValues, evaluations, reader.ReadElement<GoldilocksExt2>(), reader.ReadElement<GoldilocksExt2>())
                : new SumcheckProof<GoldilocksExt2>(roundValues, evaluations);
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
