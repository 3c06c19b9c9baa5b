using System.Diagnostics;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Tests.Quantization;
using Xunit.Abstractions;
using Thestage.Models;

namespace Thestage.Proofs.Tests.Inference;

/// <summary>Reports prover/verifier time, proof size and soundness for the 784-128-10 MLP (figures in the test output; no timed asserts).</summary>
public sealed class InferenceMeasurementTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    public void Mlp784x128x10(int batch)
    {
        var random = new Random(800);
        Sequential source = TestModels.Mlp(random, 784, 128, 10);
        List<double[]> calibration = TestModels.Inputs(random, source.InputShape, 16);
        QuantizedModel model = Quantizer.Quantize(source, calibration);
        AgreementReport report = Quantizer.Compare(source, model, calibration);
        var watch = Stopwatch.StartNew();
        CommittedModel committed = CommittedModel.Commit(model, salts: new SeededSaltSource(800));
        long commitMs = watch.ElapsedMilliseconds;
        List<int[]> inputs = calibration.Take(batch).Select(x => model.QuantizeInput(x)).ToList();

        // Warm-up run (JIT), then the measured run.
        InferenceProver.ProveBatch(committed, inputs, new SeededSaltSource(801));
        watch.Restart();
        (int[][] outputs, InferenceProof proof) = InferenceProver.ProveBatch(committed, inputs, new SeededSaltSource(802));
        long proveMs = watch.ElapsedMilliseconds;
        byte[] bytes = InferenceProofSerializer.Serialize(proof);
        InferenceVerifier.VerifyBatch(committed.Commitment, inputs, outputs, InferenceProofSerializer.Deserialize(bytes));
        const int runs = 5;
        bool valid = true;
        watch.Restart();
        for (int run = 0; run < runs; run++)
        {
            valid &= InferenceVerifier.VerifyBatch(committed.Commitment, inputs, outputs, InferenceProofSerializer.Deserialize(bytes));
        }

        double verifyMs = watch.Elapsed.TotalMilliseconds / runs;

        byte[] published = ModelCommitmentSerializer.Serialize(committed.Commitment);
        watch.Restart();
        bool ranges = ModelCommitmentSerializer.Deserialize(published).VerifyWeightRanges();
        long rangeMs = watch.ElapsedMilliseconds;

        Assert.True(valid);
        Assert.True(ranges);
        double bits = InferenceVerifier.SoundnessBits(committed.Commitment, batch);
        Assert.True(bits >= 100, $"{bits} bits");
        output.WriteLine(
            $"784-128-10 MLP, batch {batch}: commit {commitMs} ms and published commitment {published.Length} bytes with int8 range proof verified in {rangeMs} ms (once per model), prove {proveMs} ms, verify {verifyMs:F1} ms (mean of {runs}, including deserialization), "
            + $"proof {bytes.Length} bytes (witness opening {Opening(proof.AdviceOpening)}, weight openings {string.Join("+", proof.WeightOpenings.Select(Opening))}, "
            + $"{proof.Sumchecks.Count} sumchecks, {proof.Values.Length} values), soundness {bits:F1} bits; quantization {report}");
    }

    private static int Opening(Thestage.Proofs.Commitments.LigeroOpeningProof<Thestage.Proofs.Fields.GoldilocksExt2> opening) =>
        Thestage.Proofs.Commitments.LigeroProofSerializer.Serialize(opening).Length;

    [Fact]
    public void SmallCnnOnMnistSizedInput()
    {
        var random = new Random(810);
        var input = new Shape(1, 28, 28);
        var layers = new List<Layer>
        {
            Conv2d.FromFlatKernels(1, 4, 5, 5, 1, 0, TestModels.Gaussian(random, 100, 0.2), TestModels.Gaussian(random, 4, 0.1)),
            Activation.Exact(LayerKind.Relu),
            new AvgPool2d(2),
            new Flatten(),
            Dense.FromOutputMajor(576, 10, TestModels.Gaussian(random, 5760, 1.0 / 24), TestModels.Gaussian(random, 10, 0.1)),
        };
        var source = new Sequential(input, layers);
        List<double[]> calibration = TestModels.Inputs(random, input, 8);
        QuantizedModel model = Quantizer.Quantize(source, calibration);
        CommittedModel committed = CommittedModel.Commit(model, salts: new SeededSaltSource(810));
        List<int[]> inputs = calibration.Take(2).Select(x => model.QuantizeInput(x)).ToList();
        InferenceProver.ProveBatch(committed, inputs, new SeededSaltSource(811));
        var watch = Stopwatch.StartNew();
        (int[][] outputs, InferenceProof proof) = InferenceProver.ProveBatch(committed, inputs, new SeededSaltSource(812));
        long proveMs = watch.ElapsedMilliseconds;
        byte[] bytes = InferenceProofSerializer.Serialize(proof);
        Assert.True(InferenceVerifier.VerifyBatch(committed.Commitment, inputs, outputs, InferenceProofSerializer.Deserialize(bytes)));
        watch.Restart();
        bool valid = InferenceVerifier.VerifyBatch(committed.Commitment, inputs, outputs, InferenceProofSerializer.Deserialize(bytes));
        double verifyMs = watch.Elapsed.TotalMilliseconds;
        Assert.True(valid);
        double bits = InferenceVerifier.SoundnessBits(committed.Commitment, inputs.Count);
        Assert.True(bits >= 100);
        output.WriteLine(
            $"CNN conv5x5x4-ReLU-avgpool2-dense576x10 on 1x28x28, batch 2: prove {proveMs} ms, verify {verifyMs:F1} ms, proof {bytes.Length} bytes, "
            + $"soundness {bits:F1} bits; quantization {Quantizer.Compare(source, model, calibration)}");
    }
}
