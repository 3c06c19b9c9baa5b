using FsCheck.Xunit;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Training;

namespace Thestage.Proofs.Tests.Training;

/// <summary>Random small runs (widths, depth, batch, fixed point, learning rate): every step proves and verifies, and a tampered step does not.</summary>
public sealed class RandomTrainingRunTests
{
    [Property(Replay = "(811,2027)", MaxTest = 25)]
    public bool RandomRunsProveEveryStepAndRejectATamperedOne(int seed)
    {
        var random = new Random(seed);
        int depth = 2 + random.Next(2);
        int[] widths = Enumerable.Range(0, depth + 1).Select(_ => 1 + random.Next(9)).ToArray();
        widths[^1] = Math.Max(widths[^1], 2);
        int batch = 1 << random.Next(4);
        int f = 4 + random.Next(9);
        var config = new TrainingConfig(widths, batch, learningRateShift: 1 + random.Next(4), fractionalBits: f, weightBits: f + 6, valueBits: f + 8, seed: (ulong)seed);
        TrainingDataset data = SyntheticData.Blobs(config, 4 * batch, 1, 0.5, seed).Train;
        TrainingRun run;
        try
        {
            run = TrainingRun.Record(config, data, 2, LigeroParameters.DefaultHidingWithBudget(3), new SeededSaltSource(seed)); // three step proofs: two honest, one tampered
        }
        catch (TrainingOverflowException)
        {
            return true; // a diverging configuration: nothing to prove
        }

        TrainingProofs proofs = TrainingProver.ProveEveryStep(run, data);
        StepTrace trace = new FixedPointTrainer(config, data, run.Transcript.ScheduleKey).Trace(run.Snapshots[1], run.Transcript.Batch(1));
        long[] remainders = trace.R[random.Next(depth)];
        remainders[random.Next(remainders.Length)] += 1;
        TrainingStepProof tampered = TrainingStepProver.Prove(run, data, 1, trace, null);
        return TrainingVerifier.Verify(run.Transcript, proofs) && !TrainingStepVerifier.Verify(run.Transcript, tampered);
    }
}
