using Thestage.Models;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Tests.Quantization;

namespace Thestage.Proofs.Tests.Inference;

/// <summary>
/// LeNet-5 as zkCNN proves it (issue 13): the IR model, its quantization and one proven and verified inference, with max
/// pooling (zkCNN's LeNet-5) and with average pooling (its alternative). One sample per variant keeps the cost modest.
/// </summary>
public sealed class LeNet5ProofTests
{
    /// <summary>LeNet-5's 61,706 parameters: conv 6·25 + 6, conv 16·150 + 16, dense 400·120 + 120, 120·84 + 84, 84·10 + 10.</summary>
    public const int Parameters = 61_706;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void LeNet5_is_proven_and_verified_and_its_output_equals_the_evaluator(bool maxPooling)
    {
        LeNet5Proof lenet = maxPooling ? LeNet5Proof.MaxPooling.Value : LeNet5Proof.AveragePooling.Value;
        QuantizedModel model = lenet.Model.Model;
        Assert.Equal(Parameters, model.Layers.Sum(l => l.Weights.Length + l.Bias.Length));
        Assert.Equal(maxPooling ? 2 : 0, model.Layers.Count(l => l.Kind == LayerKind.MaxPool2d));
        Assert.Equal(maxPooling ? 0 : 2, model.Layers.Count(l => l.Kind == LayerKind.AvgPool2d));
        Assert.Equal(new Shape(6, 14, 14), model.ShapeAt(3));
        Assert.Equal(new Shape(16, 5, 5), model.ShapeAt(6));
        Assert.Equal(Shape.Vector(10), model.OutputShape);

        Assert.Equal(IntegerEvaluator.Evaluate(model, lenet.Input), lenet.Output);
        Assert.Contains(lenet.Output, v => Math.Abs(v) > 1 << 10);
        Assert.True(InferenceVerifier.Verify(lenet.Model.Commitment, lenet.Input, lenet.Output, lenet.Proof));
        ModelCommitment read = ModelCommitmentSerializer.Deserialize(ModelCommitmentSerializer.Serialize(lenet.Model.Commitment));
        InferenceProof proof = InferenceProofSerializer.Deserialize(InferenceProofSerializer.Serialize(lenet.Proof));
        Assert.True(InferenceVerifier.Verify(read, lenet.Input, lenet.Output, proof));
        Assert.True(InferenceVerifier.SoundnessBits(read, 1) >= VerifierPolicy.DefaultMinimumSoundnessBits);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void LeNet5_hiding_proofs_are_version_3_and_verify(bool maxPooling)
    {
        LeNet5Proof lenet = maxPooling ? LeNet5Proof.MaxPooling.Value : LeNet5Proof.AveragePooling.Value;
        Assert.True(lenet.Model.Commitment.Parameters.Hiding); // the default parameters
        ZeroKnowledgeLayout layout = lenet.Model.Commitment.Plan(1).ZeroKnowledge!;
        Assert.Equal(2, layout.Gathered.Count);
        Assert.Equal(maxPooling ? 2 : 0, layout.Differences.Count);
        Assert.True(lenet.Proof.HidesClaims);
        byte[] bytes = InferenceProofSerializer.Serialize(lenet.Proof);
        Assert.Equal(3, ZeroKnowledgeClaimsInferenceTests.Version(bytes));
        Assert.Equal(IntegerEvaluator.Evaluate(lenet.Model.Model, lenet.Input), lenet.Output);
        ModelCommitment read = ModelCommitmentSerializer.Deserialize(ModelCommitmentSerializer.Serialize(lenet.Model.Commitment));
        VerdictAssert.Accepted(InferenceVerifier.Check(read, lenet.Input, lenet.Output, InferenceProofSerializer.Deserialize(bytes), VerifierPolicy.Default));
        Assert.True(InferenceVerifier.SoundnessBits(read, 1) >= VerifierPolicy.DefaultMinimumSoundnessBits);
        int[] wrong = (int[])lenet.Output.Clone();
        wrong[3] -= 1;
        Assert.False(InferenceVerifier.Verify(read, lenet.Input, wrong, lenet.Proof));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Calibrated_ranges_keep_LeNet5_close_to_its_float_model(bool maxPooling)
    {
        // Shifts made for the worst case over all inputs compound over five weighted layers and leave the outputs near zero;
        // the quantizer follows the calibrated ranges instead (the model is then not total: see QuantizedModel.IsTotal).
        LeNet5Proof lenet = maxPooling ? LeNet5Proof.MaxPooling.Value : LeNet5Proof.AveragePooling.Value;
        AgreementReport calibrated = Quantizer.Compare(lenet.Source, lenet.Model.Model, lenet.Calibration);
        Assert.False(lenet.Model.Model.IsTotal);
        Assert.True(calibrated.ArgmaxAgreement >= 0.875, $"argmax agreement {calibrated.ArgmaxAgreement}");
        Assert.True(calibrated.MaxAbsoluteError < 0.05 * calibrated.MaxAbsoluteOutput, calibrated.ToString());
    }

    [Fact]
    public void A_calibrated_model_refuses_an_input_that_leaves_its_int16_range()
    {
        // The evaluator (and so the prover) refuses, rather than saturates, an input beyond the calibration's headroom.
        LeNet5Proof lenet = LeNet5Proof.MaxPooling.Value;
        QuantizedModel model = lenet.Model.Model;
        int bound = (1 << (model.InputBits - 1)) - 1;
        QuantizedLayer conv = model.Layers[0];
        int[] extreme = new int[model.InputShape.Size];
        for (int i = 0; i < extreme.Length; i++)
        {
            // Every window position sees the sign pattern of output channel 0's kernel as closely as a fixed image can.
            int y = i / 32, x = i % 32;
            extreme[i] = conv.Weights[((y % 5) * 5) + (x % 5)] >= 0 ? bound : -bound;
        }

        Assert.Throws<ArgumentException>(() => IntegerEvaluator.Evaluate(model, extreme));
        Assert.Throws<ArgumentException>(() => InferenceProver.Prove(lenet.Model, extreme, new SeededSaltSource(1306)));
    }

    [Fact]
    public void The_two_orders_of_ReLU_and_max_pooling_agree()
    {
        // The circuit proves max pooling before ReLU (cheaper: the pooling reads the committed convolution output); ReLU
        // before pooling, as zkCNN's AVG variant orders it, gives the same integers because max and ReLU commute.
        QuantizedModel poolFirst = LeNet5Proof.MaxPooling.Value.Model.Model;
        var swapped = poolFirst.Layers.ToList();
        foreach (int pool in new[] { 1, 4 })
        {
            Assert.Equal(LayerKind.MaxPool2d, swapped[pool].Kind);
            Assert.Equal(LayerKind.Relu, swapped[pool + 1].Kind);
            (swapped[pool], swapped[pool + 1]) = (swapped[pool + 1], swapped[pool]);
        }

        var reluFirst = new QuantizedModel(poolFirst.InputShape, poolFirst.InputBits, poolFirst.InputFractionBits, poolFirst.OutputFractionBits, swapped);
        var random = new Random(1305);
        foreach (double[] x in TestModels.Inputs(random, poolFirst.InputShape, 4))
        {
            int[] input = poolFirst.QuantizeInput(x);
            Assert.Equal(IntegerEvaluator.Evaluate(poolFirst, input), IntegerEvaluator.Evaluate(reluFirst, input));
        }
    }
}

/// <summary>A committed LeNet-5, one quantized sample, its output and proof (built once per variant, shared by the tests).</summary>
internal sealed record LeNet5Proof(CommittedModel Model, int[] Input, int[] Output, InferenceProof Proof, Sequential Source, List<double[]> Calibration)
{
    public static readonly Lazy<LeNet5Proof> MaxPooling = new(() => Build(1300, maxPooling: true));

    public static readonly Lazy<LeNet5Proof> AveragePooling = new(() => Build(1301, maxPooling: false));

    private static LeNet5Proof Build(int seed, bool maxPooling)
    {
        var random = new Random(seed);
        Sequential source = TestModels.LeNet5(random, maxPooling);
        List<double[]> calibration = TestModels.Inputs(random, source.InputShape, 8);
        QuantizedModel model = Quantizer.Quantize(source, calibration, 8);
        int[] input = model.QuantizeInput(calibration[0]);
        CommittedModel committed = CommittedModel.Commit(model, salts: new SeededSaltSource(seed));
        (int[] output, InferenceProof proof) = InferenceProver.Prove(committed, input, new SeededSaltSource(seed + 1));
        return new LeNet5Proof(committed, input, output, proof, source, calibration);
    }
}
