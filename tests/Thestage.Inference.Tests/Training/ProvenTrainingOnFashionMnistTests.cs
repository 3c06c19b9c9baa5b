using System.Diagnostics;
using Thestage.Inference.Data;
using Thestage.Proofs.Training;
using Xunit.Abstractions;

namespace Thestage.Inference.Tests.Training;

/// <summary>
/// A real proven training run (issue 6): a 784-32-10 ReLU MLP trained by <see cref="FixedPointTrainer"/> on a
/// Fashion-MNIST subset, its transcript recorded, sampled steps proven and the whole run verified. The short
/// version for CI; <c>thestage train</c> runs the long one.
/// </summary>
public sealed class ProvenTrainingOnFashionMnistTests(ITestOutputHelper output)
{
    private const int Steps = 200;

    [Fact]
    public void AShortRunLearnsAndItsSampledProofsVerify()
    {
        var config = new TrainingConfig([784, 32, 10], batchSize: 16, learningRateShift: 5, fractionalBits: 16, weightBits: 24, valueBits: 28, seed: 2026);
        FashionMnistSet trainSet = FashionMnist.Load(FashionMnistSplit.Train, limit: 4096), testSet = FashionMnist.Load(FashionMnistSplit.Test, limit: 1000);
        TrainingDataset train = TrainingDataset.FromReal(config, trainSet.Images, trainSet.Labels);
        TrainingDataset test = TrainingDataset.FromReal(config, testSet.Images, testSet.Labels);

        var clock = Stopwatch.StartNew();
        // Recorded with the default parameters, which are hiding (each snapshot commitment about 8× the plain one's work): 200 steps.
        TrainingRun run = TrainingRun.Record(config, train, Steps, salts: new SeededSalts(7));
        long record = clock.ElapsedMilliseconds;
        var trainer = new FixedPointTrainer(config, train, run.Transcript.ScheduleKey);
        int before = trainer.CountCorrect(run.Snapshots[0], test);
        int after = trainer.CountCorrect(run.Snapshots[^1], test);

        clock.Restart();
        TrainingProofs proofs = TrainingProver.ProveSampled(run, train, 3);
        long prove = clock.ElapsedMilliseconds;
        // Three steps keep CI short; a verifier must ask for so few explicitly (the default policy wants 44).
        Assert.False(TrainingVerifier.Verify(run.Transcript, proofs));
        clock.Restart();
        Assert.True(TrainingVerifier.Verify(run.Transcript, proofs, new Thestage.Proofs.VerifierPolicy { MinimumSampleSize = 3 }));
        long verify = clock.ElapsedMilliseconds;
        Assert.True(run.Transcript.Parameters.Hiding);
        output.WriteLine($"784-32-10, B = 16, lr 1/32, {Steps} steps on 4096 images: test accuracy {before / 10.0:F1} % → {after / 10.0:F1} % (1000 images)");
        output.WriteLine($"record {record} ms; sampled steps [{string.Join(", ", proofs.Steps.Select(s => s.Step))}]: prove {prove} ms, verify {verify} ms, {TrainingProofsSerializer.Serialize(proofs).Length / 1024} KB");

        // Measured with these salts, hiding: 5.5 % → 49.6 % after 200 steps on TSTT v5, 43.0 % on v6 (the snapshot's random segments
        // change the initial root, hence the schedule) (the plain run of 500 steps before hiding became the default: 65.1 %). The
        // batches follow the transcript, so the figure depends on the salts: the bound asks for learning (well above the start's
        // 5.5 %), not a figure. Plain schedules of 500 steps gave 61.0–67.4 % at lr 1/32 (1/16: 51.0 %, 1/64: 65.2 %, 1/8: 23.7 %,
        // ReLUs die); 1000 steps 73.6 %.
        Assert.InRange(before, 0, 300);
        Assert.True(after >= 400, $"accuracy after {Steps} steps: {after} / 1000");
    }

    /// <summary>Deterministic salts, for a reproducible schedule in this test only (they void the hiding of the commitments).</summary>
    private sealed class SeededSalts(int seed) : Thestage.Proofs.Hashing.ISaltSource
    {
        private readonly Random _random = new(seed);

        public void Fill(Span<byte> salt) => _random.NextBytes(salt);
    }
}
