using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Lookups;
using Thestage.Proofs.Transcripts;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Inference;

/// <summary>Proves and verifies <see cref="WeightRangeProof"/>: all committed weight matrices hold int8 values.</summary>
internal static class WeightRangeArgument
{
    private const ulong Offset = 128;

    public static WeightRangeProof Prove(ModelCommitment commitment, CircuitPlan plan, Goldilocks[][] segments, Goldilocks[][] polynomials, LigeroProverState[] states)
    {
        int[] columnSegments = ColumnSegments(plan);
        var columns = columnSegments.Select(s => (segments[s], 1UL)).ToList();
        ulong[] offsets = columnSegments.Select(_ => Offset).ToArray();
        Goldilocks[] multiplicities = LogUpArgument.Multiplicities(columns, CircuitPlan.TableBits, offsets);
        Transcript transcript = Begin(commitment, multiplicities);
        var builder = new ProofBuilder<E>();
        LogUpClaims<E> lookup = LogUpArgument.Prove(transcript, builder, columns, multiplicities, CircuitPlan.TableBits, offsets);
        List<SegmentClaim<E>> claims = Claims(columnSegments, lookup);
        LigeroOpeningProof<E>[] openings = ClaimBatcher.Prove(transcript, builder, plan.WeightLayout, polynomials, states, claims);
        return new WeightRangeProof(multiplicities, builder.Sumchecks, builder.Values.ToArray(), openings);
    }

    public static bool Verify(ModelCommitment commitment, WeightRangeProof? proof)
    {
        if (proof is null || proof.Multiplicities.Length != 1 << CircuitPlan.TableBits)
        {
            return false;
        }

        CircuitPlan plan;
        try
        {
            plan = CircuitPlan.Create(commitment.InputShape, commitment.Layers, 1);
        }
        catch (ArgumentException)
        {
            return false;
        }

        int[] columnSegments = ColumnSegments(plan);
        LookupColumnSpec[] specs = columnSegments.Select(s => new LookupColumnSpec(plan.WeightLogSizes[s], 1UL, Offset)).ToArray();
        Transcript transcript = Begin(commitment, proof.MultiplicityArray);
        var cursor = new ProofCursor<E>(proof.Sumchecks, proof.ValueArray);
        LogUpClaims<E>? lookup = LogUpArgument.Verify(transcript, cursor, specs, CircuitPlan.TableBits);
        return lookup is not null
            && Thestage.Proofs.Sumcheck.MatrixMultiplicationSumcheck.EvaluateMatrix(proof.MultiplicityArray, (ReadOnlySpan<E>)lookup.MultiplicityPoint) == lookup.MultiplicityValue
            && ClaimBatcher.Verify(
                transcript, cursor, plan.WeightLayout, commitment.WeightCommitmentArray, commitment.Parameters, Claims(columnSegments, lookup), proof.Openings)
            && cursor.IsExhausted;
    }

    private static int[] ColumnSegments(CircuitPlan plan) =>
        plan.WeightSegments.OrderBy(p => p.Key).Select(p => p.Value.Weights).ToArray();

    private static List<SegmentClaim<E>> Claims(int[] columnSegments, LogUpClaims<E> lookup) =>
        columnSegments.Select((s, j) => new SegmentClaim<E>(s, lookup.ColumnPoints[j], lookup.ColumnValues[j])).ToList();

    private static Transcript Begin(ModelCommitment commitment, Goldilocks[] multiplicities)
    {
        var transcript = new Transcript("thestage/weight-ranges/v1");
        transcript.AbsorbDigest("model/architecture", commitment.ArchitectureDigest);
        foreach (LigeroCommitment weights in commitment.WeightCommitmentArray)
        {
            transcript.AbsorbDigest("model/weights-root", weights.Root);
            transcript.AbsorbUInt64("model/weights-variables", (ulong)weights.NumVariables);
        }

        transcript.Absorb<Goldilocks>("weights/multiplicities", multiplicities);
        return transcript;
    }
}
