using System.Collections;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Hashing;

namespace Thestage.Proofs.Training;

/// <summary>
/// The trainer's side of a recorded run: the steps of <see cref="FixedPointTrainer"/>, the commitments with their
/// openings material (dataset salts and tree, the means to rebuild the Ligero prover states), and the public
/// <see cref="TrainingTranscript"/>.
/// </summary>
/// <remarks>
/// <para>
/// Memory. A run keeps what verification needs (the transcript's roots) and as little as proving needs: the parameters at
/// every <see cref="CheckpointInterval"/>-th step, the loss statistics of every step, and one 32-byte salt seed per
/// snapshot. A snapshot between checkpoints is recomputed by replaying the deterministic trainer from the checkpoint before
/// it, and a snapshot's Ligero prover state (encoded matrix, salts, Merkle tree) by committing it again with the salts its
/// seed expands to (<see cref="DerivedSaltSource"/>), which gives the recorded root again; both are cached for the few
/// snapshots in use (a step proof needs two, its range proofs the same two). So a run of <c>T</c> steps holds
/// <c>O(T / CheckpointInterval)</c> parameter sets instead of <c>T + 1</c> snapshots with their commitments (3,001 Ligero states
/// of 784-32-10 took 15.7 GB).
/// </para>
/// <para>
/// The salts of the weight commitments are therefore pseudorandom (keyed BLAKE2s of a secret CSPRNG seed) rather than drawn
/// one by one; the seeds are as secret as the salts were. Every recomputed root is checked against the transcript.
/// </para>
/// </remarks>
public sealed class TrainingRun
{
    /// <summary>The number of steps between stored parameter snapshots (the others are replayed).</summary>
    public const int CheckpointInterval = 16;

    private const int CacheCapacity = 8;

    private readonly TrainingDataset _dataset;
    private readonly Func<FixedPointTrainer, FixedPointWeights, int, TrainingStepResult> _step;
    private readonly FixedPointWeights[] _checkpoints;
    private readonly (Int128 SquaredErrorSum, int Correct)[] _statistics;
    private readonly byte[] _saltSeeds;
    private readonly RecentCache<FixedPointWeights> _snapshots = new(CacheCapacity);
    private readonly RecentCache<LigeroProverState[]> _states = new(CacheCapacity);

    private TrainingRun(
        TrainingTranscript transcript,
        DatasetCommitment dataset,
        TrainingDataset samples,
        Func<FixedPointTrainer, FixedPointWeights, int, TrainingStepResult> step,
        FixedPointWeights[] checkpoints,
        (Int128, int)[] statistics,
        byte[] saltSeeds)
    {
        Transcript = transcript;
        Dataset = dataset;
        _dataset = samples;
        _step = step;
        _checkpoints = checkpoints;
        _statistics = statistics;
        _saltSeeds = saltSeeds;
        Steps = new StepList(this);
        Snapshots = new SnapshotList(this);
    }

    /// <summary>Gets the public transcript.</summary>
    public TrainingTranscript Transcript { get; }

    /// <summary>Gets the dataset commitment (with the salts needed to open samples).</summary>
    public DatasetCommitment Dataset { get; }

    /// <summary>Gets the result of every step, in order (the parameters of each are recomputed on access, see remarks).</summary>
    public IReadOnlyList<TrainingStepResult> Steps { get; }

    /// <summary>Gets the parameter snapshots: initial, then after each step (recomputed on access from the nearest checkpoint).</summary>
    public IReadOnlyList<FixedPointWeights> Snapshots { get; }

    /// <summary>
    /// Commits to the dataset and to <see cref="FixedPointTrainer.InitialWeights"/>, derives the batch schedule from those
    /// commitments (<see cref="BatchSchedule.Key"/>), then trains for <paramref name="steps"/> steps and commits to every snapshot.
    /// </summary>
    /// <param name="config">The configuration.</param>
    /// <param name="dataset">The training set (kept by the run: snapshots are recomputed from it).</param>
    /// <param name="steps">The number of steps, in <c>[0, TrainingTranscript.MaxSteps]</c>.</param>
    /// <param name="parameters">
    /// The Ligero parameters (<see cref="LigeroParameters.Default"/> if null, which is hiding; <see cref="LigeroParameters.NonHidingForBenchmarks"/>
    /// for measurements only). Hiding parameters record a hiding run: the samples are committed with hiding Ligero and proven, never opened, by its step proofs, each of which opens
    /// the dataset commitment once — so the dataset is committed with an opening budget: the parameters' <see cref="LigeroParameters.OpeningBudget"/>
    /// (<see cref="LigeroParameters.DefaultHidingWithBudget"/>), or without one <c>min(max(steps, 1), VerifierPolicy.DefaultMaximumOpeningBudget)</c>;
    /// a step proof beyond the budget is refused (<see cref="OpeningBudgetExhaustedException"/>). The snapshots carry no budget.
    /// </param>
    /// <param name="salts">The salt source of all commitments (random if null; seeded only in tests): the dataset's salts and one seed per snapshot.</param>
    /// <returns>The recorded run.</returns>
    /// <exception cref="ArgumentException">A hiding run's dataset is larger than a hiding dataset commitment holds (4,096 samples of 784 features).</exception>
    public static TrainingRun Record(
        TrainingConfig config,
        TrainingDataset dataset,
        int steps,
        LigeroParameters? parameters = null,
        ISaltSource? salts = null) =>
        RecordWith(config, dataset, steps, parameters, salts, (trainer, weights, t) => trainer.Step(weights, t));

    /// <summary>
    /// Records a run as <see cref="Record(TrainingConfig, TrainingDataset, int, LigeroParameters?, ISaltSource?)"/> does,
    /// reporting each step trained and committed and stopping between steps when cancelled; with <see cref="LigeroParameters.Default"/>
    /// (hiding).
    /// </summary>
    /// <param name="config">The configuration.</param>
    /// <param name="dataset">The training set (kept by the run: snapshots are recomputed from it).</param>
    /// <param name="steps">The number of steps, in <c>[0, TrainingTranscript.MaxSteps]</c>.</param>
    /// <param name="progress">Told (steps done, steps) after each step; null for no reports.</param>
    /// <param name="cancellationToken">Checked before each step.</param>
    /// <returns>The recorded run.</returns>
    /// <exception cref="ArgumentException">A hiding run's dataset is larger than a hiding dataset commitment holds (4,096 samples of 784 features).</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled; nothing is returned.</exception>
    public static TrainingRun Record(
        TrainingConfig config,
        TrainingDataset dataset,
        int steps,
        IProgress<(int Completed, int Total)>? progress,
        CancellationToken cancellationToken = default) =>
        RecordWith(config, dataset, steps, null, null, (trainer, weights, t) => trainer.Step(weights, t), progress, cancellationToken);

    /// <summary>
    /// Records a run as <see cref="Record(TrainingConfig, TrainingDataset, int, IProgress{ValueTuple{int, int}}?, CancellationToken)"/>
    /// does, under <paramref name="parameters"/> (e.g. <see cref="LigeroParameters.NonHidingForBenchmarks"/> to measure what hiding costs).
    /// </summary>
    /// <param name="config">The configuration.</param>
    /// <param name="dataset">The training set (kept by the run: snapshots are recomputed from it).</param>
    /// <param name="steps">The number of steps, in <c>[0, TrainingTranscript.MaxSteps]</c>.</param>
    /// <param name="parameters">The Ligero parameters (hiding ones record a hiding run, whose dataset carries an opening budget: see the first overload).</param>
    /// <param name="progress">Told (steps done, steps) after each step; null for no reports.</param>
    /// <param name="cancellationToken">Checked before each step.</param>
    /// <returns>The recorded run.</returns>
    /// <exception cref="ArgumentException">A hiding run's dataset is larger than a hiding dataset commitment holds (4,096 samples of 784 features).</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled; nothing is returned.</exception>
    public static TrainingRun Record(
        TrainingConfig config,
        TrainingDataset dataset,
        int steps,
        LigeroParameters parameters,
        IProgress<(int Completed, int Total)>? progress,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return RecordWith(config, dataset, steps, parameters, null, (trainer, weights, t) => trainer.Step(weights, t), progress, cancellationToken);
    }

    /// <summary>
    /// The largest hiding dataset polynomial a run commits, <c>2^23</c> entries (4,096 samples of 784 features): with an opening budget of
    /// 64 its hiding Ligero commitment already keeps about 190 MB of coefficient rows, and Fashion-MNIST's 60,000 samples (<c>2^27</c>
    /// entries) would need gigabytes (docs/training.md, "One step of a hiding run").
    /// </summary>
    internal const int MaxHidingDatasetVariables = 23;

    /// <summary>Records a run whose steps come from <paramref name="step"/> (tests pass a cheating trainer; it must be deterministic, as snapshots are replayed with it).</summary>
    internal static TrainingRun RecordWith(
        TrainingConfig config,
        TrainingDataset dataset,
        int steps,
        LigeroParameters? parameters,
        ISaltSource? salts,
        Func<FixedPointTrainer, FixedPointWeights, int, TrainingStepResult> step,
        IProgress<(int Completed, int Total)>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(steps, TrainingTranscript.MaxSteps);
        parameters ??= LigeroParameters.Default;
        int datasetBudget = !parameters.Hiding ? 0
            : parameters.OpeningBudget > 0 ? parameters.OpeningBudget
            : Math.Min(Math.Max(steps, 1), VerifierPolicy.DefaultMaximumOpeningBudget);
        parameters = parameters.WithOpeningBudget(0);
        salts ??= RandomSaltSource.Instance;
        if (parameters.Hiding && new DatasetPolynomial(config, dataset.Count).NumVariables > MaxHidingDatasetVariables)
        {
            throw new ArgumentException(
                $"A hiding run commits its dataset as one hiding Ligero polynomial of at most 2^{MaxHidingDatasetVariables} entries (4,096 samples of 784 features); "
                + $"{dataset.Count} samples of {config.InputSize} features need more. Record fewer samples, or LigeroParameters.NonHidingForBenchmarks (not zero-knowledge).",
                nameof(dataset));
        }

        // Commit to the data and the initial parameters first: the batch schedule is derived from these commitments.
        DatasetCommitment datasetCommitment = parameters.Hiding
            ? DatasetCommitment.CommitHiding(config, dataset, parameters.WithOpeningBudget(datasetBudget), salts)
            : DatasetCommitment.Commit(dataset, salts);
        var seeds = new byte[(steps + 1) * DerivedSaltSource.SeedLength];
        salts.Fill(seeds);
        FixedPointWeights weights = FixedPointTrainer.InitialWeights(config);
        Digest256[] initial = Roots(weights, parameters, seeds, 0);
        int polynomials = initial.Length;
        var roots = new Digest256[(steps + 1) * polynomials];
        initial.CopyTo(roots, 0);
        Digest256 scheduleKey = BatchSchedule.Key(
            TrainingTranscript.ComputeConfigDigest(config, parameters), dataset.Count, datasetCommitment.Root, roots[..polynomials]);
        var trainer = new FixedPointTrainer(config, dataset, scheduleKey);
        var checkpoints = new FixedPointWeights[(steps / CheckpointInterval) + 1];
        var statistics = new (Int128, int)[steps];
        checkpoints[0] = weights;
        for (int t = 0; t < steps; t++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            TrainingStepResult result = step(trainer, weights, t);
            statistics[t] = (result.SquaredErrorSum, result.Correct);
            weights = result.Weights;
            if ((t + 1) % CheckpointInterval == 0)
            {
                checkpoints[(t + 1) / CheckpointInterval] = weights;
            }

            Roots(weights, parameters, seeds, t + 1).CopyTo(roots, (t + 1) * polynomials);
            progress?.Report((t + 1, steps));
        }

        var transcript = new TrainingTranscript(config, parameters, dataset.Count, datasetCommitment.Root, roots, datasetBudget);
        return new TrainingRun(transcript, datasetCommitment, dataset, step, checkpoints, statistics, seeds);
    }

    /// <summary>
    /// Gets the Ligero prover states of snapshot <paramref name="index"/> (one per weight polynomial), for openings in step proofs:
    /// committed again from the snapshot and its salt seed (cached for the snapshots in use).
    /// </summary>
    /// <exception cref="InvalidOperationException">The recommitted roots differ from the transcript's (the run's trainer is not deterministic).</exception>
    internal LigeroProverState[] WeightStates(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, Transcript.StepCount);
        return _states.GetOrAdd(index, () =>
            CommitSnapshot(Transcript, Snapshot(index), SaltSeed(index), index)
            ?? throw new InvalidOperationException($"Snapshot {index} does not commit to its recorded root again: the run's steps are not deterministic."));
    }

    /// <summary>The secret salt seed of snapshot <paramref name="index"/>'s commitment (<see cref="DerivedSaltSource"/>).</summary>
    internal ReadOnlySpan<byte> SaltSeed(int index) => _saltSeeds.AsSpan(index * DerivedSaltSource.SeedLength, DerivedSaltSource.SeedLength);

    /// <summary>
    /// Commits <paramref name="weights"/> with the salts <paramref name="seed"/> expands to: the Ligero prover states of
    /// snapshot <paramref name="index"/> when their roots are the transcript's, null otherwise.
    /// </summary>
    internal static LigeroProverState[]? CommitSnapshot(TrainingTranscript transcript, FixedPointWeights weights, ReadOnlySpan<byte> seed, int index)
    {
        LigeroProverState[] states = WeightCommitment.Commit(weights, transcript.Parameters, new DerivedSaltSource(seed));
        return states.Select(s => s.Commitment.Root).SequenceEqual(transcript.WeightRootsOf(index)) ? states : null;
    }

    /// <summary>The parameters after <paramref name="index"/> steps: replayed from the checkpoint before them (cached).</summary>
    private FixedPointWeights Snapshot(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, Transcript.StepCount);
        return _snapshots.GetOrAdd(index, () =>
        {
            int start = index / CheckpointInterval * CheckpointInterval;
            FixedPointWeights weights = _checkpoints[start / CheckpointInterval];
            FixedPointTrainer trainer = Trainer();
            for (int t = start; t < index; t++)
            {
                weights = _step(trainer, weights, t).Weights;
            }

            return weights;
        });
    }

    private FixedPointTrainer Trainer() => new(Transcript.Config, _dataset, Transcript.ScheduleKey);

    private static Digest256[] Roots(FixedPointWeights weights, LigeroParameters parameters, byte[] seeds, int index) =>
        WeightCommitment.Roots(weights, parameters, new DerivedSaltSource(seeds.AsSpan(index * DerivedSaltSource.SeedLength, DerivedSaltSource.SeedLength)));

    /// <summary>Replays the run from the start, yielding the snapshots and step results in order (no checkpoint lookups).</summary>
    private IEnumerable<(FixedPointWeights Weights, TrainingStepResult? Result)> Replay()
    {
        FixedPointWeights weights = _checkpoints[0];
        yield return (weights, null);
        FixedPointTrainer trainer = Trainer();
        for (int t = 0; t < _statistics.Length; t++)
        {
            TrainingStepResult result = _step(trainer, weights, t);
            weights = result.Weights;
            yield return (weights, result);
        }
    }

    /// <summary>A small cache of recently used values by index, safe for concurrent use; each value is computed once.</summary>
    private sealed class RecentCache<T>(int capacity)
        where T : class
    {
        private readonly LinkedList<(int Index, Lazy<T> Value)> _entries = [];

        public T GetOrAdd(int index, Func<T> compute)
        {
            Lazy<T> value;
            lock (_entries)
            {
                LinkedListNode<(int Index, Lazy<T> Value)>? node = _entries.First;
                while (node is not null && node.Value.Index != index)
                {
                    node = node.Next;
                }

                if (node is null)
                {
                    node = new LinkedListNode<(int, Lazy<T>)>((index, new Lazy<T>(compute, LazyThreadSafetyMode.ExecutionAndPublication)));
                    if (_entries.Count == capacity)
                    {
                        _entries.RemoveLast();
                    }
                }
                else
                {
                    _entries.Remove(node);
                }

                _entries.AddFirst(node);
                value = node.Value.Value;
            }

            return value.Value;
        }
    }

    private sealed class SnapshotList(TrainingRun run) : IReadOnlyList<FixedPointWeights>
    {
        public int Count => run.Transcript.StepCount + 1;

        public FixedPointWeights this[int index] => run.Snapshot(index);

        public IEnumerator<FixedPointWeights> GetEnumerator() => run.Replay().Select(r => r.Weights).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private sealed class StepList(TrainingRun run) : IReadOnlyList<TrainingStepResult>
    {
        public int Count => run._statistics.Length;

        public TrainingStepResult this[int index]
        {
            get
            {
                ArgumentOutOfRangeException.ThrowIfNegative(index);
                ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
                (Int128 error, int correct) = run._statistics[index];
                return new TrainingStepResult(run.Snapshot(index + 1), error, correct);
            }
        }

        public IEnumerator<TrainingStepResult> GetEnumerator() => run.Replay().Skip(1).Select(r => r.Result!).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
