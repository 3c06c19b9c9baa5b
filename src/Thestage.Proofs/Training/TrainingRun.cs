using Thestage.Proofs.Commitments;
using Thestage.Proofs.Hashing;

namespace Thestage.Proofs.Training;

/// <summary>
/// The trainer's side of a recorded run: the steps of <see cref="FixedPointTrainer"/>, the commitments with their
/// openings material (dataset salts and tree, Ligero prover states), and the public <see cref="TrainingTranscript"/>.
/// </summary>
public sealed class TrainingRun
{
    private readonly LigeroProverState[][] _weightStates;
    private readonly FixedPointWeights[] _snapshots;

    private TrainingRun(
        TrainingTranscript transcript,
        DatasetCommitment dataset,
        FixedPointWeights[] snapshots,
        TrainingStepResult[] steps,
        LigeroProverState[][] weightStates)
    {
        Transcript = transcript;
        Dataset = dataset;
        _snapshots = snapshots;
        Steps = steps;
        _weightStates = weightStates;
    }

    /// <summary>Gets the public transcript.</summary>
    public TrainingTranscript Transcript { get; }

    /// <summary>Gets the dataset commitment (with the salts needed to open samples).</summary>
    public DatasetCommitment Dataset { get; }

    /// <summary>Gets the result of every step, in order.</summary>
    public IReadOnlyList<TrainingStepResult> Steps { get; }

    /// <summary>Gets the parameter snapshots: initial, then after each step.</summary>
    public IReadOnlyList<FixedPointWeights> Snapshots => _snapshots;

    /// <summary>
    /// Commits to the dataset and to <see cref="FixedPointTrainer.InitialWeights"/>, derives the batch schedule from those
    /// commitments (<see cref="BatchSchedule.Key"/>), then trains for <paramref name="steps"/> steps and commits to every snapshot.
    /// </summary>
    /// <param name="config">The configuration.</param>
    /// <param name="dataset">The training set.</param>
    /// <param name="steps">The number of steps, in <c>[0, TrainingTranscript.MaxSteps]</c>.</param>
    /// <param name="parameters">The Ligero parameters (<see cref="LigeroParameters.Default"/> if null).</param>
    /// <param name="salts">The salt source of all commitments (random if null; seeded only in tests).</param>
    /// <returns>The recorded run.</returns>
    public static TrainingRun Record(
        TrainingConfig config,
        TrainingDataset dataset,
        int steps,
        LigeroParameters? parameters = null,
        ISaltSource? salts = null) =>
        RecordWith(config, dataset, steps, parameters, salts, (trainer, weights, t) => trainer.Step(weights, t));

    /// <summary>Records a run whose steps come from <paramref name="step"/> (tests pass a cheating trainer).</summary>
    internal static TrainingRun RecordWith(
        TrainingConfig config,
        TrainingDataset dataset,
        int steps,
        LigeroParameters? parameters,
        ISaltSource? salts,
        Func<FixedPointTrainer, FixedPointWeights, int, TrainingStepResult> step)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(steps, TrainingTranscript.MaxSteps);
        parameters ??= LigeroParameters.Default;
        // Commit to the data and the initial parameters first: the batch schedule is derived from these commitments.
        DatasetCommitment datasetCommitment = DatasetCommitment.Commit(dataset, salts);
        var snapshots = new FixedPointWeights[steps + 1];
        var states = new LigeroProverState[steps + 1][];
        snapshots[0] = FixedPointTrainer.InitialWeights(config);
        states[0] = WeightCommitment.Commit(snapshots[0], parameters, salts);
        int polynomials = states[0].Length;
        var roots = new Digest256[(steps + 1) * polynomials];
        CopyRoots(states[0], roots, 0);
        Digest256 scheduleKey = BatchSchedule.Key(
            TrainingTranscript.ComputeConfigDigest(config, parameters), dataset.Count, datasetCommitment.Root, roots[..polynomials]);
        var trainer = new FixedPointTrainer(config, dataset, scheduleKey);
        var results = new TrainingStepResult[steps];
        for (int t = 0; t < steps; t++)
        {
            results[t] = step(trainer, snapshots[t], t);
            snapshots[t + 1] = results[t].Weights;
            states[t + 1] = WeightCommitment.Commit(snapshots[t + 1], parameters, salts);
            CopyRoots(states[t + 1], roots, (t + 1) * polynomials);
        }

        var transcript = new TrainingTranscript(config, parameters, dataset.Count, datasetCommitment.Root, roots);
        return new TrainingRun(transcript, datasetCommitment, snapshots, results, states);
    }

    /// <summary>Gets the Ligero prover states of snapshot <paramref name="index"/> (one per weight polynomial), for openings in step proofs.</summary>
    internal LigeroProverState[] WeightStates(int index) => _weightStates[index];

    private static void CopyRoots(LigeroProverState[] states, Digest256[] roots, int offset)
    {
        for (int g = 0; g < states.Length; g++)
        {
            roots[offset + g] = states[g].Commitment.Root;
        }
    }
}
