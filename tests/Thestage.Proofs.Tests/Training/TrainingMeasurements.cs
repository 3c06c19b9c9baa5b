using System.Diagnostics;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Training;
using Xunit.Abstractions;

namespace Thestage.Proofs.Tests.Training;

/// <summary>
/// One-shot timings and sizes at MNIST shape (784-128-10) for the README, written to the test output. Nothing here
/// asserts a time; the proofs are checked to verify.
/// </summary>
public sealed class TrainingMeasurements(ITestOutputHelper output)
{
    [Fact]
    public void MnistShapedFigures()
    {
        TrainingConfig config = Config(16);
        TrainingDataset data = SyntheticData.Blobs(config, 256, 1, 0.35, 21).Train;
        var clock = Stopwatch.StartNew();
        TrainingRun run = TrainingRun.Record(config, data, 2, salts: new SeededSaltSource(22));
        long record = clock.ElapsedMilliseconds;
        Assert.Equal([17, 12], run.Transcript.WeightVariables);

        var trainer = new FixedPointTrainer(config, data, run.Transcript.ScheduleKey);
        clock.Restart();
        trainer.Train(run.Snapshots[0], 10);
        long sgd = clock.ElapsedMilliseconds;

        clock.Restart();
        FirstLayerProductProof product = FirstLayerProductProver.Prove(run, data, 1);
        long productProve = clock.ElapsedMilliseconds;
        clock.Restart();
        Assert.True(FirstLayerProductVerifier.Verify(run.Transcript, product));
        long productVerify = clock.ElapsedMilliseconds;
        int productBytes = FirstLayerProductProofSerializer.Serialize(product).Length;

        clock.Restart();
        SnapshotRangeProof range = SnapshotRangeArgument.Prove(run, 1, new SeededSaltSource(23));
        long rangeProve = clock.ElapsedMilliseconds;
        clock.Restart();
        Assert.True(SnapshotRangeArgument.Verify(run.Transcript, range));
        long rangeVerify = clock.ElapsedMilliseconds;
        int rangeBytes = SnapshotRangeProofSerializer.Serialize(range).Length;

        TrainingConfig wide = Config(64);
        TrainingDataset wideData = SyntheticData.Blobs(wide, 256, 1, 0.35, 21).Train;
        TrainingRun wideRun = TrainingRun.Record(wide, wideData, 1, salts: new SeededSaltSource(24));
        FirstLayerProductProof wideProduct = FirstLayerProductProver.Prove(wideRun, wideData, 0);
        Assert.True(FirstLayerProductVerifier.Verify(wideRun.Transcript, wideProduct));
        int wideBytes = FirstLayerProductProofSerializer.Serialize(wideProduct).Length;

        output.WriteLine($"784-128-10, B = 16, f = 16, W = 24, V = 28; weight polynomials 2^{run.Transcript.WeightVariables[0]} + 2^{run.Transcript.WeightVariables[1]}");
        output.WriteLine($"10 SGD steps: {sgd} ms; record 2 steps (dataset + 3 snapshots): {record} ms");
        output.WriteLine($"first-layer proof: prove {productProve} ms, verify {productVerify} ms, {productBytes / 1024} KB (B = 64: {wideBytes / 1024} KB)");
        output.WriteLine($"snapshot range proof: prove {rangeProve} ms, verify {rangeVerify} ms, {rangeBytes / 1024} KB");
    }

    private static TrainingConfig Config(int batch) =>
        new([784, 128, 10], batchSize: batch, learningRateShift: 4, fractionalBits: 16, weightBits: 24, valueBits: 28, seed: 20);
}
