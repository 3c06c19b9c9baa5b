using System.Diagnostics;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Training;
using Xunit.Abstractions;

namespace Thestage.Proofs.Tests.Training;

/// <summary>
/// One-shot timings and sizes at MNIST shape (784-64-10, the benchmark shape) for the README, written to the test output. Nothing here
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

        var trainer = new FixedPointTrainer(config, data, run.Transcript.ScheduleKey);
        clock.Restart();
        trainer.Train(run.Snapshots[0], 10);
        long sgd = clock.ElapsedMilliseconds;

        clock.Restart();
        SnapshotRangeProof range = SnapshotRangeArgument.Prove(run, 1, new SeededSaltSource(23));
        long rangeProve = clock.ElapsedMilliseconds;
        clock.Restart();
        Assert.True(SnapshotRangeArgument.Verify(run.Transcript, range));
        long rangeVerify = clock.ElapsedMilliseconds;
        int rangeBytes = SnapshotRangeProofSerializer.Serialize(range).Length;

        output.WriteLine($"784-64-10, f = 16, W = 24, V = 28, k = 4; weight polynomials 2^{run.Transcript.WeightVariables[0]} + 2^{run.Transcript.WeightVariables[1]}");
        output.WriteLine($"B = 16: 10 SGD steps {sgd} ms; record 2 steps (dataset + 3 snapshots) {record} ms");
        output.WriteLine($"snapshot range proof: prove {rangeProve} ms, verify {rangeVerify} ms, {rangeBytes / 1024} KB");
        foreach (int batch in new[] { 16, 64 })
        {
            TrainingConfig c = Config(batch);
            TrainingDataset d = SyntheticData.Blobs(c, 256, 1, 0.35, 21).Train;
            TrainingRun r = TrainingRun.Record(c, d, 2, salts: new SeededSaltSource(24));
            for (int step = 0; step < 2; step++)
            {
                clock.Restart();
                TrainingStepProof proof = TrainingStepProver.Prove(r, d, step);
                long prove = clock.ElapsedMilliseconds;
                clock.Restart();
                Assert.True(TrainingStepVerifier.Verify(r.Transcript, proof));
                long verify = clock.ElapsedMilliseconds;
                int bytes = TrainingStepProofSerializer.Serialize(proof).Length;
                output.WriteLine($"B = {batch}, step {step}: prove {prove} ms, verify {verify} ms, {bytes / 1024} KB (batch samples {batch * ((4 * 784) + 16 + 4 + 4 + 1 + (32 * 8)) / 1024} KB of it)");
            }
        }
    }

    private static TrainingConfig Config(int batch) =>
        new([784, 64, 10], batchSize: batch, learningRateShift: 4, fractionalBits: 16, weightBits: 24, valueBits: 28, seed: 20);
}
