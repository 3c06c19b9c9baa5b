using System.Diagnostics;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Training;
using Xunit.Abstractions;
using Thestage.Models;

namespace Thestage.Proofs.Tests.Training;

/// <summary>
/// One-shot timings and sizes of the training-to-inference link at 784-64-10, written to the test output. Nothing here
/// asserts a time; the proofs are checked to verify.
/// </summary>
public sealed class ModelLinkMeasurements(ITestOutputHelper output)
{
    [Fact]
    public void MnistShapedLinkFigures()
    {
        var config = new TrainingConfig([784, 64, 10], batchSize: 16, learningRateShift: 4, fractionalBits: 16, weightBits: 24, valueBits: 28, seed: 20);
        TrainingDataset data = SyntheticData.Blobs(config, 256, 1, 0.35, 21).Train;
        TrainingRun run = TrainingRun.Record(config, data, 2, salts: new SeededSaltSource(22));

        var clock = Stopwatch.StartNew();
        QuantizedModel model = ModelLinkArgument.Quantize(run.Snapshots[^1], inputBits: 15, inputFractionBits: 12);
        long quantize = clock.ElapsedMilliseconds;
        clock.Restart();
        CommittedModel committed = CommittedModel.Commit(model, salts: new SeededSaltSource(23));
        long commit = clock.ElapsedMilliseconds;
        clock.Restart();
        Assert.True(committed.Commitment.VerifyWeightRanges());
        long ranges = clock.ElapsedMilliseconds;

        var prove = new long[2];
        var verify = new long[2];
        var sizes = new int[2];
        var proveCpu = new double[2];
        var verifyCpu = new double[2];
        ModelLinkProof? proof = null;
        for (int run2 = 0; run2 < 2; run2++)
        {
            clock.Restart();
            double cpu = ThreadCpu.Milliseconds();
            proof = ModelLinkArgument.Prove(run, committed, new SeededSaltSource(24 + run2));
            byte[] bytes = ModelLinkProofSerializer.Serialize(proof);
            proveCpu[run2] = ThreadCpu.Milliseconds() - cpu;
            prove[run2] = clock.ElapsedMilliseconds;
            sizes[run2] = bytes.Length;
            clock.Restart();
            cpu = ThreadCpu.Milliseconds();
            Assert.True(ModelLinkArgument.Verify(run.Transcript, committed.Commitment, ModelLinkProofSerializer.Deserialize(bytes)));
            verifyCpu[run2] = ThreadCpu.Milliseconds() - cpu;
            verify[run2] = clock.ElapsedMilliseconds;
        }

        double bits = ModelLinkArgument.SoundnessBits(run.Transcript, committed.Commitment, proof!);
        int[] input = model.QuantizeInput(data.GetFeatures(0).Select(v => Math.ScaleB(v, -config.FractionalBits)).ToArray());
        (int[] result, InferenceProof inference) = InferenceProver.Prove(committed, input, new SeededSaltSource(30));
        Assert.True(InferenceVerifier.Verify(committed.Commitment, input, result, inference));

        output.WriteLine($"784-64-10, B = 16, f = 16, W = 24, V = 28, 2 steps; inference input 15-bit at 2^−12; snapshot polynomials 2^{run.Transcript.WeightVariables[0]} + 2^{run.Transcript.WeightVariables[1]}");
        output.WriteLine($"σ = [{string.Join(", ", proof!.WeightShifts)}], shifts [{string.Join(", ", model.Layers.Where(l => l.Kind == LayerKind.Dense).Select(l => l.Shift))}], output 2^−{model.OutputFractionBits}");
        output.WriteLine($"quantize {quantize} ms; model commitment incl. int8 range proof {commit} ms; range check {ranges} ms");
        static int Bytes(IReadOnlyList<LigeroOpeningProof<GoldilocksExt2>> openings) => openings.Sum(o => LigeroProofSerializer.Serialize(o).Length);
        int[] shifts = model.Layers.Where(l => l.Kind == LayerKind.Dense).Select(l => l.Shift).ToArray();
        ModelLinkLayout layout = ModelLinkLayout.TryCreate(config, proof.WeightShifts, model.InputFractionBits, shifts, model.OutputFractionBits)!;
        output.WriteLine($"openings: limbs {Bytes(proof.RemainderOpenings)} bytes (2^{layout.Layout.NumVariables[0]} entries), "
            + $"snapshot {Bytes(proof.TrainingOpenings)} bytes, model {Bytes(proof.ModelOpenings)} bytes; {proof.Sumchecks.Count} sumchecks, {proof.Values.Count} values");
        output.WriteLine($"link proof: prove {prove[0]} / {prove[1]} ms (incl. serialization), verify {verify[0]} / {verify[1]} ms (incl. deserialization), {sizes[0]} / {sizes[1]} bytes, {bits:F2} bits; thread CPU prove {proveCpu[0]:F0} / {proveCpu[1]:F0} ms, verify {verifyCpu[0]:F0} / {verifyCpu[1]:F0} ms");
    }
}
