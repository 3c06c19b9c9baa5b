using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Tests.Quantization;
using Thestage.Proofs.Tests.Statistics;
using Xunit.Abstractions;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Tests.Inference;

/// <summary>
/// What the input commitment's opening reveals in a private-input proof is independent of the input: for two inputs with one
/// output, the revealed rows and a column of the opening and the batched value it proves are indistinguishable (χ²), while the same
/// proof over a plain (non-hiding) input commitment tells the inputs apart, so the test can fail.
/// </summary>
public sealed class PrivateInputHidingTests(ITestOutputHelper output)
{
    /// <summary>
    /// An MLP 16-6-3 whose first layer ignores features 8–15 (their weight columns are zero), and two inputs that differ exactly
    /// there: zero in the first, random int8 values in the second, so both give one output.
    /// </summary>
    private static (CommittedModel Model, int[] First, int[] Second) TwoInputsWithOneOutput(int seed)
    {
        var random = new Random(seed);
        (QuantizedModel source, List<int[]> inputs) = TestModels.Quantized(TestModels.Mlp(random, [16, 6, 3]), random, 1);
        QuantizedLayer dense = source.Layers[0];
        int[] weights = dense.Weights.ToArray();
        for (int o = 0; o < dense.OutFeatures; o++)
        {
            Array.Clear(weights, (o * dense.InFeatures) + 8, 8);
        }

        var layers = source.Layers.ToList();
        layers[0] = QuantizedLayer.Dense(dense.InFeatures, dense.OutFeatures, weights, dense.Bias, dense.Shift);
        var model = new QuantizedModel(source.InputShape, source.InputBits, source.InputFractionBits, source.OutputFractionBits, layers);
        int[] first = (int[])inputs[0].Clone(), second = (int[])inputs[0].Clone();
        for (int i = 8; i < 16; i++)
        {
            first[i] = 0;
            second[i] = random.Next(-128, 128);
        }

        Assert.Equal(IntegerEvaluator.Evaluate(model, first), IntegerEvaluator.Evaluate(model, second));
        return (CommittedModel.Commit(model, LigeroParameters.DefaultHiding, new SeededSaltSource(seed)), first, second);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void WhatTheInputOpeningRevealsOfTwoInputsWithOneOutputIsIndistinguishableOnlyWhenHiding(bool hiding)
    {
        const int Proofs = 60;
        (CommittedModel model, int[] first, int[] second) = TwoInputsWithOneOutput(9300);
        LigeroParameters parameters = hiding ? LigeroParameters.DefaultHidingWithBudget(1) : LigeroParameters.NonHidingForBenchmarks;
        var test = new TwoSampleChiSquare();
        for (int s = 0; s < Proofs; s++)
        {
            foreach ((int[] x, bool isFirst) in new[] { (first, true), (second, false) })
            {
                int seed = 9400 + (4 * s) + (isFirst ? 0 : 2);
                CommittedInput input = CommittedInput.CommitUnchecked(model.Commitment, [x], parameters, new SeededSaltSource(seed), null, new SeededSaltSource(seed + 1));
                (int[] y, InferenceProof proof) = InferenceProver.ProvePrivateInput(model, input, new SeededSaltSource(seed + 100_000));
                if (hiding && s == 0)
                {
                    Assert.True(InferenceVerifier.VerifyPrivateInput(model.Commitment, input.Commitment, y, proof));
                }

                AddRevealed(test, isFirst, proof);
            }
        }

        output.WriteLine($"χ² = {test.Statistic():F1} over {test.Counts} values");
        Assert.True(hiding != test.Distinguishes, $"χ² = {test.Statistic():F1} over {test.Counts} values");
    }

    /// <summary>
    /// The input opening's first proximity and evaluation row elements, its first opened column, and the batched value <c>P̃(s)</c> it
    /// proves (the last factor evaluation of the input's batching sumcheck, the proof's last sumcheck).
    /// </summary>
    private static void AddRevealed(TwoSampleChiSquare test, bool first, InferenceProof proof)
    {
        LigeroOpeningProof<E> opening = proof.InputOpening!;
        foreach (E x in opening.ProximityRow[..Math.Min(8, opening.ProximityRow.Length)])
        {
            test.Add(first, x);
        }

        foreach (E x in opening.EvaluationRow[..Math.Min(8, opening.EvaluationRow.Length)])
        {
            test.Add(first, x);
        }

        foreach (Goldilocks x in opening.GetColumn(0))
        {
            if (first)
            {
                test.AddFirst(x);
            }
            else
            {
                test.AddSecond(x);
            }
        }

        test.Add(first, proof.Sumchecks[^1].FactorEvaluations[0]);
    }
}
