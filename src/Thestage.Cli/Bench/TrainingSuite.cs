using Thestage.Benchmarks.Proofs;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Training;

namespace Thestage.Cli.Bench;

/// <summary>The cost of proving one SGD step of a 784-h-10 MLP.</summary>
/// <param name="Width">The hidden width h.</param>
/// <param name="Batch">The SGD batch size.</param>
/// <param name="Record">Recording a 2-step run (training and a Ligero commitment of every snapshot).</param>
/// <param name="ProveStep">Proving one step, to the serialized step proof.</param>
/// <param name="StepProofBytes">The step proof.</param>
/// <param name="VerifyStep">Deserializing and verifying the step proof.</param>
/// <param name="ProveRange">The snapshot range proof every step adds in every-step mode.</param>
/// <param name="RangeProofBytes">The range proof.</param>
/// <param name="VerifyRange">Deserializing and verifying the range proof.</param>
internal sealed record TrainingRow(int Width, int Batch, Timing Record, Timing ProveStep, int StepProofBytes, Timing VerifyStep, Timing ProveRange, int RangeProofBytes, Timing VerifyRange)
{
    /// <summary>Gets the proving time of one step in every-step mode: the step proof and its snapshot's range proof (medians).</summary>
    public double ProvePerStepMs => ProveStep.MedianMs + ProveRange.MedianMs;

    /// <summary>Gets the proof bytes of one step in every-step mode.</summary>
    public int BytesPerStep => StepProofBytes + RangeProofBytes;
}

/// <summary>
/// The shape of <c>TrainingProofBenchmarks</c> over width and batch: the training configuration of
/// <see cref="TrainingWorkloads"/> (f = 16, W = 24, V = 28, learning rate 2^−5) with the hidden width varied, a
/// recorded 2-step run on its dataset (Fashion-MNIST training images when installed, else synthetic), then the proof
/// of step 1 and the range proof of its snapshot.
/// </summary>
internal static class TrainingSuite
{
    /// <summary>Measures one width and batch.</summary>
    public static TrainingRow Run(int width, int batch, BenchClock clock, Action<string> progress)
    {
        TrainingConfig config = TrainingWorkloads.Config(batch, width);
        TrainingDataset data = TrainingWorkloads.Dataset(config, Math.Max(1024, 2 * batch), out _);
        string name = $"784-{width}-10, batch {batch}";
        progress($"{name}: record 2 steps");
        Timing record = clock.Measure(() => TrainingRun.Record(config, data, 2, LigeroParameters.NonHidingForBenchmarks));
        TrainingRun run = TrainingRun.Record(config, data, 2, LigeroParameters.NonHidingForBenchmarks);
        byte[] step = TrainingStepProofSerializer.Serialize(TrainingStepProver.Prove(run, data, 1));
        byte[] range = SnapshotRangeProofSerializer.Serialize(SnapshotRangeArgument.Prove(run, 1));
        if (!TrainingStepVerifier.Verify(run.Transcript, TrainingStepProofSerializer.Deserialize(step))
            || !SnapshotRangeArgument.Verify(run.Transcript, SnapshotRangeProofSerializer.Deserialize(range)))
        {
            throw new InvalidOperationException($"The training proofs of {name} do not verify.");
        }

        progress($"{name}: prove step");
        Timing proveStep = clock.Measure(() => TrainingStepProofSerializer.Serialize(TrainingStepProver.Prove(run, data, 1)));
        progress($"{name}: verify step");
        Timing verifyStep = clock.Measure(() => TrainingStepVerifier.Verify(run.Transcript, TrainingStepProofSerializer.Deserialize(step)));
        progress($"{name}: prove range");
        Timing proveRange = clock.Measure(() => SnapshotRangeProofSerializer.Serialize(SnapshotRangeArgument.Prove(run, 1)));
        progress($"{name}: verify range");
        Timing verifyRange = clock.Measure(() => SnapshotRangeArgument.Verify(run.Transcript, SnapshotRangeProofSerializer.Deserialize(range)));
        return new TrainingRow(width, batch, record, proveStep, step.Length, verifyStep, proveRange, range.Length, verifyRange);
    }
}
