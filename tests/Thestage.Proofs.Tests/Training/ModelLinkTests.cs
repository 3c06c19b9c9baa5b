using System.Numerics;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Training;
using Xunit.Abstractions;

namespace Thestage.Proofs.Tests.Training;

public sealed class ModelLinkTests(ITestOutputHelper output)
{
    private const int InputBits = 12;
    private const int InputFractionBits = 8;

    [Fact]
    public void QuantizationFollowsTheDocumentedMapComputedIndependently()
    {
        TrainingRun run = Run();
        FixedPointWeights final = run.Snapshots[^1];
        TrainingConfig config = final.Config;
        QuantizedModel model = ModelLinkArgument.Quantize(final, InputBits, InputFractionBits);
        Assert.Equal(2 * config.LayerCount - 1, model.Layers.Count);
        Assert.Equal(InputFractionBits, model.InputFractionBits);
        int a = InputFractionBits;
        for (int l = 0; l < config.LayerCount; l++)
        {
            QuantizedLayer dense = model.Layers[2 * l];
            int[] w = final.GetWeights(l);
            // σ by brute force over real division (BigInteger floor), the smallest with every rounded weight an int8.
            int sigma = Enumerable.Range(0, config.WeightBits + 1).First(s => w.All(v => RoundHalfUp(v, s) is >= -128 and <= 127));
            Assert.Equal(w.Select(v => (int)RoundHalfUp(v, sigma)).ToArray(), dense.Weights.ToArray());
            Assert.Contains(w, v => sigma == 0 || RoundHalfUp(v, sigma - 1) is < -128 or > 127);

            int c = a + config.FractionalBits - sigma;
            int tau = config.FractionalBits - c;
            int[] b = final.GetBiases(l);
            int[] expected = b.Select(v => (int)(tau >= 0 ? RoundHalfUp(v, tau) : (BigInteger)v * BigInteger.Pow(2, -tau))).ToArray();
            Assert.Equal(expected, dense.Bias.ToArray());
            if (l + 1 < config.LayerCount)
            {
                Assert.Equal(LayerKind.ReLU, model.Layers[(2 * l) + 1].Kind);
            }

            // The shift is the smallest the interval analysis accepts (one less is rejected by QuantizedModel, or by the next layer).
            if (dense.Shift > 0)
            {
                QuantizedLayer[] layers = [.. model.Layers];
                layers[2 * l] = QuantizedLayer.Dense(dense.InFeatures, dense.OutFeatures, dense.Weights, dense.Bias, dense.Shift - 1);
                Assert.ThrowsAny<ArgumentException>(() => new QuantizedModel(model.InputShape, InputBits, InputFractionBits, model.OutputFractionBits, layers));
            }

            a = c - dense.Shift;
        }

        Assert.Equal(a, model.OutputFractionBits);
        Assert.Equal(model.Layers.Select(LayerSpec.From), ModelLinkArgument.Quantize(final, InputBits, InputFractionBits).Layers.Select(LayerSpec.From));
    }

    [Fact]
    public void LinkVerifiesAndTheLinkedModelsInferenceProofsVerify()
    {
        (TrainingRun run, TrainingDataset data) = RunWithData();
        QuantizedModel model = ModelLinkArgument.Quantize(run.Snapshots[^1], InputBits, InputFractionBits);
        CommittedModel committed = CommittedModel.Commit(model, salts: new SeededSaltSource(901));
        ModelLinkProof proof = ModelLinkArgument.Prove(run, committed, new SeededSaltSource(902));
        Assert.True(ModelLinkArgument.Verify(run.Transcript, committed.Commitment, proof));
        double bits = ModelLinkArgument.SoundnessBits(run.Transcript, committed.Commitment, proof);
        output.WriteLine($"soundness {bits:F2} bits, σ = [{string.Join(", ", proof.WeightShifts)}]");
        Assert.InRange(bits, 100.0, 104.0);

        // The same check on the published bytes of both sides.
        ModelCommitment published = ModelCommitmentSerializer.Deserialize(ModelCommitmentSerializer.Serialize(committed.Commitment));
        ModelLinkProof copy = ModelLinkProofSerializer.Deserialize(ModelLinkProofSerializer.Serialize(proof));
        Assert.True(ModelLinkArgument.Verify(run.Transcript, published, copy));

        // Chain end to end: an inference proof against the linked commitment, on a training sample.
        TrainingConfig config = run.Transcript.Config;
        int[] input = model.QuantizeInput(data.GetFeatures(0).Select(v => Math.ScaleB(v, -config.FractionalBits)).ToArray());
        (int[] result, InferenceProof inference) = InferenceProver.Prove(committed, input, new SeededSaltSource(903));
        Assert.Equal(IntegerEvaluator.Evaluate(model, input), result);
        Assert.True(InferenceVerifier.Verify(published, input, result, inference));
    }

    /// <summary><c>⌊(v + 2^(s−1))/2^s⌋</c> over BigInteger (independent of <c>FixedPoint</c>'s shifts).</summary>
    private static long RoundHalfUp(long value, int shift)
    {
        BigInteger d = BigInteger.Pow(2, shift);
        BigInteger n = value + (shift == 0 ? BigInteger.Zero : d / 2);
        BigInteger m = ((n % d) + d) % d; // the non-negative remainder, so (n − m)/d is the floor
        return (long)((n - m) / d);
    }

    private static TrainingRun Run() => RunWithData().Run;

    private static (TrainingRun Run, TrainingDataset Data) RunWithData()
    {
        var config = new TrainingConfig([5, 6, 3], batchSize: 4, learningRateShift: 2, fractionalBits: 12, weightBits: 20, valueBits: 24, seed: 91);
        TrainingDataset data = SyntheticData.Blobs(config, 32, 1, 0.4, 92).Train;
        return (TrainingRun.Record(config, data, 3, salts: new SeededSaltSource(93)), data);
    }
}
