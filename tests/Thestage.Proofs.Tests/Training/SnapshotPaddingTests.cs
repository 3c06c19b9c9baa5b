using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Training;

namespace Thestage.Proofs.Tests.Training;

public sealed class SnapshotPaddingTests
{
    // 5-6-3 pads W_0 to 8 × 8 (its own polynomial), W_1 to 4 × 8, the biases to 8 and 4, and leaves 20 of the 64
    // entries of the second polynomial unused.
    private static readonly TrainingConfig Config =
        new([5, 6, 3], batchSize: 4, learningRateShift: 2, fractionalBits: 12, weightBits: 20, valueBits: 24, seed: 81);

    private static readonly Lazy<TrainingRun> SharedRun = new(() =>
        TrainingRun.Record(Config, SyntheticData.Blobs(Config, 32, 1, 0.4, 82).Train, 2, LigeroParameters.NonHidingForBenchmarks, new SeededSaltSource(83)));   // plain: the sumchecks are tampered unmasked

    public static TheoryData<int[]> Architectures => new()
    {
        new[] { 5, 6, 3 },
        new[] { 4, 8, 3 }, // one polynomial
        new[] { 784, 64, 10 },
        new[] { 3, 5, 7, 2 },
        new[] { 8, 4, 2 }, // no padding inside segments
    };

    [Theory]
    [MemberData(nameof(Architectures))]
    public void IndicatorMarksExactlyTheUnusedPositions(int[] sizes)
    {
        var config = new TrainingConfig(sizes, batchSize: 4, learningRateShift: 2, fractionalBits: 12, weightBits: 20, valueBits: 24, seed: 5);
        SegmentLayout layout = WeightCommitment.Layout(config);
        var random = new SeededWordSource(sizes.Sum());
        int parameters = 0;
        for (int g = 0; g < layout.NumVariables.Length; g++)
        {
            Goldilocks[] table = SnapshotPadding.Table<Goldilocks>(config, g);
            parameters += table.Count(x => x == Goldilocks.Zero);

            // Known answer: every parameter position (WeightCommitment's packing of all-ones parameters) is 0, all else 1.
            Goldilocks[] ones = WeightCommitment.Evaluations(AllOnes(config))[g];
            for (int x = 0; x < table.Length; x++)
            {
                Assert.Equal(ones[x] == Goldilocks.Zero ? Goldilocks.One : Goldilocks.Zero, table[x]);
            }

            // The verifier's O(segments·v) evaluation is the extension of that table.
            for (int trial = 0; trial < 3; trial++)
            {
                GoldilocksExt2[] point = random.NextArray<GoldilocksExt2>(layout.NumVariables[g]);
                Assert.Equal(MatrixMultiplicationSumcheck.EvaluateMatrix<GoldilocksExt2>(table, point), SnapshotPadding.Evaluate<GoldilocksExt2>(config, g, point));
            }
        }

        int expected = Enumerable.Range(0, config.LayerCount).Sum(l => config.LayerSizes[l + 1] * (config.LayerSizes[l] + 1));
        Assert.Equal(expected, parameters);
    }

    [Fact]
    public void NonzeroPaddingIsRejected()
    {
        TrainingRun run = SharedRun.Value;
        SegmentLayout layout = WeightCommitment.Layout(Config);
        Assert.Equal([6, 6], layout.NumVariables);
        Goldilocks[][] tables = WeightCommitment.Evaluations(run.Snapshots[1]);
        (int Polynomial, int Index, string What)[] positions =
        [
            (0, (6 * 8) + 0, "W_0 row 6 ≥ out"),
            (0, (7 * 8) + 7, "W_0 last padded entry"),
            (0, (0 * 8) + 5, "W_0 column 5 ≥ in"),
            (1, layout.OffsetOf(1) + 6, "b_0 entry 6 ≥ out"),
            (1, layout.OffsetOf(2) + 6, "W_1 column 6 ≥ in"),
            (1, layout.OffsetOf(2) + (3 * 8) + 1, "W_1 row 3 ≥ out"),
            (1, layout.OffsetOf(3) + 3, "b_1 entry 3 ≥ out"),
            (1, 63, "space after the last segment"),
        ];
        Assert.All(positions, p => Assert.Equal(Goldilocks.One, SnapshotPadding.Table<Goldilocks>(Config, p.Polynomial)[p.Index]));
        foreach ((int g, int index, string what) in positions)
        {
            foreach (long value in new long[] { 1, -1, (1L << 19) - 1 })
            {
                // In range, so only the padding check can object; the prover follows the protocol.
                Goldilocks[][] forged = Forge(tables, g, index, value);
                (TrainingTranscript transcript, LigeroProverState[] states) = Recommit(run.Transcript, 1, forged, 710);
                SnapshotRangeProof proof = SnapshotRangeArgument.Prove(transcript, 1, states, forged, new SeededSaltSource(711));
                Assert.False(SnapshotRangeArgument.Verify(transcript, proof), $"{value} at {what}");
                VerdictAssert.Rejected(SnapshotRangeArgument.Check(transcript, proof, VerifierPolicy.Default), RejectionReason.Relation, $"padding of polynomial {g}");
            }
        }

        // Control: the same change at a parameter position (W_0[5, 4], b_1[2]) is accepted.
        foreach ((int g, int index) in new[] { (0, (5 * 8) + 4), (1, layout.OffsetOf(3) + 2) })
        {
            Goldilocks[][] forged = Forge(tables, g, index, 12345);
            (TrainingTranscript transcript, LigeroProverState[] states) = Recommit(run.Transcript, 1, forged, 712);
            Assert.True(SnapshotRangeArgument.Verify(transcript, SnapshotRangeArgument.Prove(transcript, 1, states, forged, null)));
        }
    }

    [Fact]
    public void ProversCheatingInTheZeroCheckAreRejected()
    {
        // Snapshot 2 commits to a table with W_0[6, 0] = 7 (padding). Each cheat makes Σ eq·Pad·P = 0 hold for the
        // factors the prover uses, so every sumcheck round is consistent; the verifier's own eq(r, s) or P̃ad(s), or
        // the opening of P̃(s), disagrees with the claimed factor.
        TrainingRun run = SharedRun.Value;
        Goldilocks[][] forged = Forge(WeightCommitment.Evaluations(run.Snapshots[2]), 0, 6 * 8, 7);
        (TrainingTranscript transcript, LigeroProverState[] states) = Recommit(run.Transcript, 2, forged, 713);
        // The failed check: the verifier's P̃ad(s), its eq(r, s), or the limbs (of the committed table) recomposing P̃(s).
        var cheats = new Dictionary<string, (Func<GoldilocksExt2[][], GoldilocksExt2[][]> Cheat, string Relation)>
        {
            ["indicator 0 at the entry"] = (f => [f[0], Set(f[1], 6 * 8, GoldilocksExt2.Zero), f[2]], "padding of polynomial 0"),
            ["eq 0 at the entry"] = (f => [Set(f[0], 6 * 8, GoldilocksExt2.Zero), f[1], f[2]], "padding of polynomial 0"),
            ["P with the entry zeroed"] = (f => [f[0], f[1], Set(f[2], 6 * 8, GoldilocksExt2.Zero)], "recomposition of polynomial 0"),
        };
        foreach ((string what, (Func<GoldilocksExt2[][], GoldilocksExt2[][]> cheat, string relation)) in cheats)
        {
            SnapshotRangeProof proof = SnapshotRangeArgument.Prove(transcript, 2, states, forged, null, (g, f) => g == 0 ? cheat(f) : f);
            Assert.False(SnapshotRangeArgument.Verify(transcript, proof), what);
            VerdictAssert.Rejected(SnapshotRangeArgument.Check(transcript, proof, VerifierPolicy.Default), RejectionReason.Relation, relation);
        }

        // The hook itself leaves the honest prover intact.
        Goldilocks[][] honest = WeightCommitment.Evaluations(run.Snapshots[2]);
        Assert.True(SnapshotRangeArgument.Verify(run.Transcript, SnapshotRangeArgument.Prove(run.Transcript, 2, run.WeightStates(2), honest, null, (_, f) => f)));
    }

    private static GoldilocksExt2[] Set(GoldilocksExt2[] table, int index, GoldilocksExt2 value)
    {
        GoldilocksExt2[] copy = (GoldilocksExt2[])table.Clone();
        copy[index] = value;
        return copy;
    }

    [Fact]
    public void ZeroCheckSumchecksAreBoundToTheProof()
    {
        TrainingRun run = SharedRun.Value;
        SnapshotRangeProof proof = SnapshotRangeArgument.Prove(run, 1, new SeededSaltSource(714));
        Assert.True(SnapshotRangeArgument.Verify(run.Transcript, proof));
        SumcheckProof<GoldilocksExt2>[] sumchecks = [.. proof.Sumchecks];

        // Sumchecks in order: the logUp layers, two zero-checks (degree 3), the claim batching (degree 2).
        int first = Array.FindIndex(sumchecks, s => s.FactorEvaluations.Length == 3);
        Assert.True(first > 0);
        Assert.Equal(3, sumchecks[first + 1].FactorEvaluations.Length);
        Assert.Equal(6, sumchecks[first].RoundCount);

        // Dropping a zero-check, swapping the two, or changing its claimed P̃(s) (with the eq factor adjusted so the
        // product still matches) is rejected.
        VerdictAssert.Rejected(SnapshotRangeArgument.Check(run.Transcript, With(proof, [.. sumchecks.Where((_, i) => i != first)]), VerifierPolicy.Default), RejectionReason.Relation, "padding of polynomial 0");
        SumcheckProof<GoldilocksExt2>[] swapped = [.. sumchecks];
        (swapped[first], swapped[first + 1]) = (swapped[first + 1], swapped[first]);
        VerdictAssert.Rejected(SnapshotRangeArgument.Check(run.Transcript, With(proof, swapped), VerifierPolicy.Default), RejectionReason.Relation, "padding of polynomial 0");
        SumcheckProof<GoldilocksExt2>[] scaled = [.. sumchecks];
        SumcheckProof<GoldilocksExt2> zero = sumchecks[first];
        GoldilocksExt2 two = GoldilocksExt2.FromUInt64(2);
        GoldilocksExt2[] factors = [zero.FactorEvaluations[0] * GoldilocksExt2.Invert(two), zero.FactorEvaluations[1], zero.FactorEvaluations[2] * two];
        scaled[first] = new SumcheckProof<GoldilocksExt2>(Enumerable.Range(0, zero.RoundCount).Select(r => zero.GetRoundPolynomial(r).ToArray()).ToArray(), factors);
        VerdictAssert.Rejected(SnapshotRangeArgument.Check(run.Transcript, With(proof, scaled), VerifierPolicy.Default), RejectionReason.Relation, "padding of polynomial 0");
    }

    private static SnapshotRangeProof With(SnapshotRangeProof proof, SumcheckProof<GoldilocksExt2>[] sumchecks) =>
        new(proof.Snapshot, proof.LimbRoot, [.. proof.Multiplicities], sumchecks, [.. proof.Values], [.. proof.LimbOpenings], [.. proof.WeightOpenings]);

    private static Goldilocks[][] Forge(Goldilocks[][] tables, int polynomial, int index, long value)
    {
        Goldilocks[][] forged = tables.Select(t => (Goldilocks[])t.Clone()).ToArray();
        forged[polynomial][index] = WeightCommitment.Embed(value);
        return forged;
    }

    private static FixedPointWeights AllOnes(TrainingConfig config) => FixedPointWeights.Create(
        config,
        Enumerable.Range(0, config.LayerCount).Select(l => Enumerable.Repeat(1, config.LayerSizes[l] * config.LayerSizes[l + 1]).ToArray()).ToArray(),
        Enumerable.Range(0, config.LayerCount).Select(l => Enumerable.Repeat(1, config.LayerSizes[l + 1]).ToArray()).ToArray());

    /// <summary>A transcript equal to <paramref name="honest"/> except that snapshot <paramref name="snapshot"/> commits to <paramref name="tables"/>.</summary>
    internal static (TrainingTranscript Transcript, LigeroProverState[] States) Recommit(TrainingTranscript honest, int snapshot, Goldilocks[][] tables, int salt)
    {
        var salts = new SeededSaltSource(salt);
        Goldilocks[][] committed = honest.Parameters.Hiding ? SnapshotMaskLayout.Create(honest.Config).Polynomials(tables, salts) : tables;
        LigeroProverState[] states = committed.Select(t => LigeroProver.Commit(t, honest.Parameters, salts)).ToArray();
        Digest256[] roots = [.. honest.WeightRoots];
        for (int g = 0; g < states.Length; g++)
        {
            roots[(snapshot * states.Length) + g] = states[g].Commitment.Root;
        }

        return (new TrainingTranscript(honest.Config, honest.Parameters, honest.SampleCount, honest.DatasetRoot, roots, honest.DatasetOpeningBudget), states);
    }
}
