using Thestage.Proofs.Hashing;
using Thestage.Proofs.Training;

namespace Thestage.Proofs.Tests.Training;

/// <summary>
/// Progress and cancellation of recording, proving and verifying a training run: every step or proof is reported once,
/// the last report is (total, total), a cancelled token stops the work with <see cref="OperationCanceledException"/>, and
/// the proofs made with progress are the same as without (they verify, and tampered ones still do not).
/// </summary>
public sealed class TrainingProgressTests
{
    private static readonly TrainingConfig Config =
        new([5, 6, 3], batchSize: 4, learningRateShift: 2, fractionalBits: 12, weightBits: 20, valueBits: 24, seed: 41);

    private static readonly TrainingDataset Data = SyntheticData.Blobs(Config, 40, 1, 0.4, 42).Train;

    [Fact]
    public void Recording_reports_each_step_and_gives_the_run_of_the_plain_overload()
    {
        var reports = new List<(int Completed, int Total)>();
        TrainingRun run = TrainingRun.Record(Config, Data, 3, new Recorder(reports.Add));
        Assert.Equal([(1, 3), (2, 3), (3, 3)], reports);

        // The recorded snapshots are the trainer's steps on the run's own batch schedule (which depends on the salted commitments).
        var trainer = new FixedPointTrainer(Config, Data, run.Transcript.ScheduleKey);
        FixedPointWeights weights = FixedPointTrainer.InitialWeights(Config);
        for (int t = 0; t < 3; t++)
        {
            weights = trainer.Step(weights, t).Weights;
            Assert.True(weights.ContentEquals(run.Snapshots[t + 1]));
        }

        Assert.True(TrainingVerifier.Verify(run.Transcript, TrainingProver.ProveEveryStep(run, Data)));
    }

    [Fact]
    public void Recording_cancelled_after_the_second_step_trains_no_third()
    {
        using var cancel = new CancellationTokenSource();
        var reports = new List<(int Completed, int Total)>();
        Assert.Throws<OperationCanceledException>(() => TrainingRun.Record(Config, Data, 5, new Recorder(r =>
        {
            reports.Add(r);
            if (r.Completed == 2)
            {
                cancel.Cancel();
            }
        }), cancel.Token));
        Assert.Equal([(1, 5), (2, 5)], reports);
    }

    [Fact]
    public void Proving_and_verifying_report_every_proof_and_the_proofs_verify()
    {
        TrainingRun run = TrainingRun.Record(Config, Data, 3, salts: new SeededSaltSource(43));
        var proved = new System.Collections.Concurrent.ConcurrentBag<(int Completed, int Total)>();
        TrainingProofs proofs = TrainingProver.ProveEveryStep(run, Data, new Recorder(proved.Add));

        // 3 steps, snapshots 0–3 and the initial-snapshot proof: 8 proofs, each counted once.
        Assert.Equal(Enumerable.Range(1, 8), proved.Select(r => r.Completed).Order());
        Assert.All(proved, r => Assert.Equal(8, r.Total));

        var verified = new System.Collections.Concurrent.ConcurrentBag<(int Completed, int Total)>();
        Assert.True(TrainingVerifier.Verify(run.Transcript, proofs, VerifierPolicy.Default, new Recorder(verified.Add)));
        Assert.Equal(Enumerable.Range(1, 8), verified.Select(r => r.Completed).Order());

        // A proof of another step in place of step 1: rejected with progress too, and never reported complete.
        var tampered = new TrainingProofs(false, 0, default, proofs.Initial, [proofs.Steps[0], proofs.Steps[2], proofs.Steps[2]], [.. proofs.Ranges]);
        var partial = new System.Collections.Concurrent.ConcurrentBag<(int Completed, int Total)>();
        VerdictAssert.Rejected(TrainingVerifier.Check(run.Transcript, tampered, VerifierPolicy.Default, new Recorder(partial.Add)), RejectionReason.Statement, "step 1");
        Assert.DoesNotContain(partial, r => r.Completed == r.Total);
    }

    [Fact]
    public void Proving_and_verifying_with_a_cancelled_token_throw()
    {
        TrainingRun run = TrainingRun.Record(Config, Data, 2, salts: new SeededSaltSource(44));
        var cancelled = new CancellationToken(canceled: true);
        Assert.Throws<OperationCanceledException>(() => TrainingProver.ProveEveryStep(run, Data, null, cancelled));
        Assert.Throws<OperationCanceledException>(() => TrainingProver.ProveSampled(run, Data, 1, null, null, cancelled));

        TrainingProofs proofs = TrainingProver.ProveEveryStep(run, Data);
        Assert.Throws<OperationCanceledException>(() => TrainingVerifier.Verify(run.Transcript, proofs, VerifierPolicy.Default, null, cancelled));
    }

    private sealed class Recorder(Action<(int Completed, int Total)> report) : IProgress<(int Completed, int Total)>
    {
        public void Report((int Completed, int Total) value) => report(value);
    }
}
