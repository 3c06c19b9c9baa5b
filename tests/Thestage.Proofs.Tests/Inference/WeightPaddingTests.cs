using System.Buffers.Binary;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Sumcheck;
using Thestage.Models;

namespace Thestage.Proofs.Tests.Inference;

/// <summary>The weight range proof's padding zero-check (issue 10, item 10) on a model with every kind of padding.</summary>
public sealed class WeightPaddingTests
{
    // Conv2d 2→3 3×3 (columns 18 of 32, rows 3 of 4), then Dense 75→3 after Flatten: its columns follow the conv output's
    // padded layout, channels 3 of 4 and spatial positions 25 of 32, so the real columns are not a prefix.
    private static readonly QuantizedModel Model = new(
        new Shape(2, 5, 5),
        8,
        4,
        0,
        [
            QuantizedLayer.Conv2d(2, 3, 3, 3, 1, 1, Enumerable.Repeat(1, 54).ToArray(), [1, 1, 1], 6),
            QuantizedLayer.ReLU(),
            QuantizedLayer.Flatten(),
            QuantizedLayer.Dense(75, 3, Enumerable.Repeat(1, 225).ToArray(), [1, 1, 1], 10),
        ]);

    private static CircuitPlan Plan => CircuitPlan.Create(Model.InputShape, Model.Layers.Select(CircuitLayer.From).ToArray(), 1);

    [Fact]
    public void BoxesMarkExactlyTheRealEntries()
    {
        CircuitPlan plan = Plan;
        Goldilocks[][] segments = plan.BuildWeightSegments(Model); // all-ones parameters: non-zero exactly at real entries
        Assert.Equal(4, plan.WeightBoxes.Count);
        var random = new SeededWordSource(1020);
        for (int s = 0; s < segments.Length; s++)
        {
            var box = new Goldilocks[segments[s].Length];
            BoxIndicator.Add<Goldilocks>(box, plan.WeightBoxes[s], Goldilocks.One);
            Assert.Equal(segments[s].Select(x => x == Goldilocks.Zero ? Goldilocks.Zero : Goldilocks.One), box);
            GoldilocksExt2[] point = random.NextArray<GoldilocksExt2>(plan.WeightLogSizes[s]);
            Assert.Equal(MatrixMultiplicationSumcheck.EvaluateMatrix<GoldilocksExt2>(box, point), BoxIndicator.Evaluate<GoldilocksExt2>(point, plan.WeightBoxes[s]));
        }

        Assert.Equal([54, 3, 225, 3], segments.Select(x => x.Count(v => v != Goldilocks.Zero)));
    }

    [Fact]
    public void NonzeroPaddingOfEveryKindIsRejected()
    {
        CircuitPlan plan = Plan;
        Assert.True(CommittedModel.CommitSegments(Model, plan, plan.BuildWeightSegments(Model), null, new SeededSaltSource(1021)).Commitment.VerifyWeightRanges());
        (int Segment, int Index, string What)[] positions =
        [
            (0, (3 << 5) + 0, "conv row 3 ≥ out"),
            (0, 18, "conv column 18 ≥ in·kh·kw"),
            (1, 3, "conv bias 3 ≥ out"),
            (2, (0 << 7) + (3 << 5) + 0, "dense column of input channel 3 ≥ C"),
            (2, (1 << 7) + (0 << 5) + 25, "dense column of spatial position 25 ≥ S"),
            (2, (3 << 7) + 0, "dense row 3 ≥ out"),
            (3, 3, "dense bias 3 ≥ out"),
        ];
        foreach ((int segment, int index, string what) in positions)
        {
            Goldilocks[][] segments = plan.BuildWeightSegments(Model);
            Assert.Equal(Goldilocks.Zero, segments[segment][index]);
            segments[segment][index] = Goldilocks.One;
            ModelCommitment commitment = CommittedModel.CommitSegments(Model, plan, segments, null, new SeededSaltSource(1022)).Commitment;
            Assert.False(commitment.VerifyWeightRanges(), what);
            VerdictAssert.Rejected(commitment.CheckWeightRanges(), RejectionReason.Relation, $"padding of segment {segment}");
        }
    }

    [Fact]
    public void Version1CommitmentsAreRefusedWithTheReason()
    {
        byte[] bytes = ModelCommitmentSerializer.Serialize(CommittedModel.Commit(Model, LigeroParameters.NonHidingForBenchmarks, new SeededSaltSource(1023)).Commitment);   // plain TSMC v3, relabelled v1
        Assert.Equal(3, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), 1);
        ProofFormatException e = Assert.Throws<ProofFormatException>(() => ModelCommitmentSerializer.Deserialize(bytes));
        Assert.Contains("padding", e.Message);
    }
}
