using Thestage.Models;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Lookups;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Tests.Quantization;

namespace Thestage.Proofs.Tests.Inference;

/// <summary>
/// Max pooling in the proof back-end: each output <c>m</c> is committed, every difference <c>d_j = m − x_j</c> to its window's
/// inputs is range-checked to 16 bits (so <c>m ≥ x_j</c>) and <c>Π_j d_j = 0</c> (so <c>m</c> is one of them): <c>m</c> is the maximum.
/// </summary>
public sealed class MaxPoolProofTests
{
    /// <summary>Conv2d(pad 1) → ReLU → MaxPool2d(k) → (ReLU) → Flatten → Dense, or MaxPool2d last (a public output).</summary>
    internal static (CommittedModel Model, List<int[]> Inputs) Model(int seed, int batch, int size, int window, bool reluAfter, bool poolLast = false, LigeroParameters? parameters = null)
    {
        var random = new Random(seed);
        var input = new Shape(1, size, size);
        var layers = new List<Layer>
        {
            Conv2d.FromFlatKernels(1, 2, 3, 3, 1, 1, TestModels.Gaussian(random, 18, 0.4), TestModels.Gaussian(random, 2, 0.1)),
            Activation.Exact(LayerKind.Relu),
            new MaxPool2d(window),
        };
        if (!poolLast)
        {
            if (reluAfter)
            {
                layers.RemoveAt(1);
                layers.Add(Activation.Exact(LayerKind.Relu));
            }

            layers.Add(new Flatten());
            Shape pooled = new Sequential(input, layers).OutputShape;
            layers.Add(Dense.FromOutputMajor(pooled.Size, 3, TestModels.Gaussian(random, pooled.Size * 3, 0.5), TestModels.Gaussian(random, 3, 0.1)));
        }

        (QuantizedModel model, List<int[]> inputs) = TestModels.Quantized(new Sequential(input, layers), random, batch);
        return (CommittedModel.Commit(model, parameters, new SeededSaltSource(seed)), inputs);
    }

    /// <summary>The default (hiding: <c>TSIP</c> v3) or the plain parameters (<c>TSIP</c> v1).</summary>
    internal static LigeroParameters Parameters(bool hiding) => hiding ? LigeroParameters.DefaultHiding : LigeroParameters.NonHidingForBenchmarks;

    [Fact]
    public void The_evaluator_takes_the_largest_value_of_each_window()
    {
        var model = new QuantizedModel(new Shape(1, 4, 4), 8, 0, 0, [QuantizedLayer.MaxPool2d(2, 2)]);
        int[] x = [1, -5, 7, 0, 3, 2, -8, -9, -1, -2, 4, 4, -3, -4, 4, 5];
        Assert.Equal([3, 7, -1, 5], IntegerEvaluator.Evaluate(model, x));
        var three = new QuantizedModel(new Shape(1, 3, 3), 8, 0, 0, [QuantizedLayer.MaxPool2d(3, 3)]);
        Assert.Equal([9], IntegerEvaluator.Evaluate(three, [1, 2, 3, 9, -4, 5, 6, 7, 8]));
        Assert.Throws<ArgumentException>(() => QuantizedLayer.MaxPool2d(5, 4));
    }

    [Theory]
    [InlineData(1, 6, 2, false)]
    [InlineData(3, 6, 2, false)]
    [InlineData(2, 6, 2, true)]
    [InlineData(1, 6, 3, false)]
    [InlineData(2, 7, 2, true)]
    [InlineData(1, 6, 2, false, true)]
    [InlineData(3, 6, 2, true, true)]
    [InlineData(2, 6, 3, false, true)]
    [InlineData(1, 8, 4, true, true)]
    public void Proofs_through_a_max_pooling_verify_and_match_the_evaluator(int batch, int size, int window, bool reluAfter, bool hiding = false)
    {
        (CommittedModel model, List<int[]> inputs) = Model(700 + (10 * batch) + size + window, batch, size, window, reluAfter, parameters: Parameters(hiding));
        Assert.Contains(model.Model.Layers, l => l.Kind == LayerKind.MaxPool2d);
        (int[][] outputs, InferenceProof proof) = InferenceTestKit.Prove(model, inputs);
        Assert.Equal(hiding, proof.HidesClaims);
        for (int b = 0; b < batch; b++)
        {
            Assert.Equal(IntegerEvaluator.Evaluate(model.Model, inputs[b]), outputs[b]);
        }

        Assert.True(InferenceVerifier.VerifyBatch(model.Commitment, inputs, outputs, proof));
        ModelCommitment read = ModelCommitmentSerializer.Deserialize(ModelCommitmentSerializer.Serialize(model.Commitment));
        Assert.True(InferenceVerifier.VerifyBatch(read, inputs, outputs, InferenceProofSerializer.Deserialize(InferenceProofSerializer.Serialize(proof))));
        Assert.True(InferenceVerifier.SoundnessBits(read, batch) >= VerifierPolicy.DefaultMinimumSoundnessBits);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_max_pooling_as_the_last_layer_proves_its_public_output(bool hiding)
    {
        (CommittedModel model, List<int[]> inputs) = Model(720, 2, 6, 2, reluAfter: false, poolLast: true, parameters: Parameters(hiding));
        (int[][] outputs, InferenceProof proof) = InferenceTestKit.Prove(model, inputs);
        Assert.Equal(hiding, proof.HidesClaims);
        Assert.True(InferenceVerifier.VerifyBatch(model.Commitment, inputs, outputs, proof));
        outputs[1][3] += 1;
        VerdictAssert.Rejected(InferenceVerifier.CheckBatch(model.Commitment, inputs, outputs, proof, VerifierPolicy.Default), RejectionReason.Lookup);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void OutputAboveEveryInputOfItsWindow_FailsTheProductCheck(bool hiding)
    {
        // m + 1: every difference stays in [0, 2^16), so only the vanishing product can catch it.
        (CommittedModel model, List<int[]> inputs, CircuitPlan plan, InferenceWitness witness, int last) = Cheat(721, hiding);
        int position = plan.Layouts[last].Feature(2) << plan.LogBatch;
        Tamper(plan, witness, last, position, witness.Tensors[last][position] + 1);
        Assert.False(Run(model, inputs, plan, witness));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void OutputBelowTheMaximum_FailsTheRangeOrTheGather(bool hiding)
    {
        // The second largest input of a window: one difference is negative. Written as 16-bit limbs it is 2^16 − k (the
        // gather then fails); written as field limbs of −k, the limbs leave [0, 2^8) (the range check fails).
        foreach (bool fieldLimbs in new[] { false, true })
        {
            (CommittedModel model, List<int[]> inputs, CircuitPlan plan, InferenceWitness witness, int last) = Cheat(722, hiding);
            int layer = last - 1;
            (int[] rows, int[] taps, _) = plan.Taps[layer];
            int window = plan.Layers[layer].Window;
            int o = Enumerable.Range(0, rows.Length / window).First(w =>
                Enumerable.Range(0, window).Select(j => witness.Tensors[layer][taps[(w * window) + j] << plan.LogBatch]).Distinct().Count() > 1);
            long secondLargest = Enumerable.Range(0, window).Select(j => witness.Tensors[layer][taps[(o * window) + j] << plan.LogBatch]).OrderDescending().Distinct().ElementAt(1);
            Tamper(plan, witness, last, rows[o * window] << plan.LogBatch, secondLargest, fieldLimbs);
            Assert.False(Run(model, inputs, plan, witness));
        }
    }

    [Fact]
    public void A_commitment_reader_refuses_windows_the_circuit_does_not_prove()
    {
        (CommittedModel model, _) = Model(723, 1, 6, 2, reluAfter: false);
        byte[] bytes = ModelCommitmentSerializer.Serialize(model.Commitment);
        // Layer 2 (the max pooling): kind, in, out, kernel height, kernel width, stride, padding, shift (u32 each) after the
        // 6-byte header and 7 u32s; a 5 × 4 window (area 20 > 16) breaks the layer rules before the digest is checked.
        int kernelHeight = 6 + 28 + (2 * 32) + 12;
        Assert.Equal((int)LayerKind.MaxPool2d, BitConverter.ToInt32(bytes, kernelHeight - 12));
        BitConverter.GetBytes(5).CopyTo(bytes, kernelHeight);
        BitConverter.GetBytes(4).CopyTo(bytes, kernelHeight + 4);
        BitConverter.GetBytes(5).CopyTo(bytes, kernelHeight + 8);
        Assert.Contains("rules of its kind", Assert.Throws<ProofFormatException>(() => ModelCommitmentSerializer.Deserialize(bytes)).Message);
    }

    private static (CommittedModel Model, List<int[]> Inputs, CircuitPlan Plan, InferenceWitness Witness, int Last) Cheat(int seed, bool hiding = false)
    {
        (CommittedModel model, List<int[]> inputs) = Model(seed, 1, 6, 2, reluAfter: false, poolLast: true, parameters: Parameters(hiding));
        CircuitPlan plan = CircuitPlan.Create(model.Commitment.InputShape, model.Commitment.Layers, 1);
        InferenceWitness witness = InferenceWitness.Build(plan, model.Model, inputs);
        Assert.True(Run(model, inputs, plan, witness));
        return (model, inputs, plan, witness, plan.Layers.Length);
    }

    private static bool Run(CommittedModel model, List<int[]> inputs, CircuitPlan plan, InferenceWitness witness)
    {
        InferenceProof proof = InferenceProver.ProveWithWitness(model, plan, inputs, witness, new SeededSaltSource(9));
        Assert.Equal(model.Commitment.Parameters.Hiding, proof.HidesClaims);
        return InferenceVerifier.VerifyBatch(model.Commitment, inputs, witness.Outputs, proof);
    }

    /// <summary>Sets one pooled output (the public output) and recomputes its differences' limbs and the multiplicities as a prover would.</summary>
    private static void Tamper(CircuitPlan plan, InferenceWitness witness, int last, int position, long value, bool fieldLimbs = false)
    {
        int layer = last - 1;
        witness.Tensors[last][position] = value;
        witness.FieldTensors[last][position] = CircuitPlan.Field(value);
        int feature = position >> plan.LogBatch;
        int logical = Enumerable.Range(0, plan.Shapes[last].Size).Single(i => plan.Layouts[last].Feature(i) == feature);
        witness.Outputs[position & ((1 << plan.LogBatch) - 1)][logical] = (int)value;
        (int[] rows, int[] taps, _) = plan.Taps[layer];
        (int L0, int L1)[] limbs = plan.Differences[layer];
        for (int t = 0; t < rows.Length; t++)
        {
            if (rows[t] << plan.LogBatch != position)
            {
                continue;
            }

            long d = value - witness.Tensors[layer][taps[t] << plan.LogBatch];
            Goldilocks field = CircuitPlan.Field(d);
            (int l0, int l1) = limbs[t % limbs.Length];
            witness.Advice[l0][position] = fieldLimbs && d < 0 ? new Goldilocks(field.Value & 255) : new Goldilocks((ulong)(d & 255));
            witness.Advice[l1][position] = fieldLimbs && d < 0 ? new Goldilocks(field.Value >> 8) : new Goldilocks((ulong)((d >> 8) & 255));
        }

        var columns = plan.LookupColumns.Select(c => (witness.Advice[c.Segment], c.Scale)).ToList();
        witness.Advice[plan.MultiplicitySegment] = LogUpArgument.Multiplicities(columns, CircuitPlan.TableBits);
    }
}
