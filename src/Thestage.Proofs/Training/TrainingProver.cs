using Thestage.Proofs.Hashing;

namespace Thestage.Proofs.Training;

/// <summary>
/// Proves a recorded training run: every step (<see cref="ProveEveryStep"/>), or the <c>k</c> steps a verifier's sample
/// selects once all weight commitments are fixed (<see cref="ProveSampled"/>); guarantees on <see cref="TrainingVerifier"/>. Steps and snapshots are proven in parallel, one per core (each step proof of a
/// 784-64-10 MLP holds about 200 MB while it runs).
/// </summary>
public static class TrainingProver
{
    /// <summary>Proves every step of the run, with a range proof of every snapshot.</summary>
    /// <param name="run">The recorded run.</param>
    /// <param name="dataset">The training set the run committed to.</param>
    /// <returns>The proofs.</returns>
    /// <exception cref="ArgumentException">The dataset is not the one the run was trained on.</exception>
    public static TrainingProofs ProveEveryStep(TrainingRun run, TrainingDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(run);
        return Prove(run, dataset, false, 0, default, Enumerable.Range(0, run.Transcript.StepCount).ToArray());
    }

    /// <summary>
    /// Proves the <paramref name="k"/> steps <see cref="TrainingVerifier.SampledSteps"/> selects, with range proofs of the snapshots
    /// they touch and of the final one. A verifier accepts them only if <paramref name="k"/> meets its
    /// <see cref="VerifierPolicy.MinimumSampleSize"/> and <paramref name="challengeSeed"/> is its own <see cref="VerifierPolicy.ChallengeSeed"/>.
    /// </summary>
    /// <param name="run">The recorded run.</param>
    /// <param name="dataset">The training set the run committed to.</param>
    /// <param name="k">The number of steps to prove, in <c>[1, T]</c>.</param>
    /// <param name="challengeSeed">The seed the verifier issued after the transcript was published, or <see langword="null"/> (zero) for the sample of the transcript alone.</param>
    /// <returns>The proofs.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is out of range.</exception>
    /// <exception cref="ArgumentException">The dataset is not the one the run was trained on.</exception>
    public static TrainingProofs ProveSampled(TrainingRun run, TrainingDataset dataset, int k, Digest256? challengeSeed = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, run.Transcript.StepCount);
        Digest256 seed = challengeSeed ?? default;
        return Prove(run, dataset, true, k, seed, TrainingVerifier.SampledSteps(run.Transcript, k, seed));
    }

    private static TrainingProofs Prove(TrainingRun run, TrainingDataset dataset, bool sampled, int k, Digest256 seed, int[] steps)
    {
        ArgumentNullException.ThrowIfNull(dataset);

        // Steps and snapshots are proven independently (the run is only read), one per core, in snapshot order: a step and
        // the range proofs of its two snapshots run close together, so they share the run's recomputed snapshots and states.
        int[] snapshots = TrainingVerifier.CheckedSnapshots(steps, run.Transcript.StepCount);
        var proofs = new TrainingStepProof[steps.Length];
        var ranges = new SnapshotRangeProof[snapshots.Length];
        var work = new List<(int Snapshot, bool IsRange, int Slot)>(steps.Length + snapshots.Length);
        work.AddRange(steps.Select((t, slot) => (t, false, slot)));
        work.AddRange(snapshots.Select((s, slot) => (s, true, slot)));
        work.Sort((a, b) => a.Snapshot != b.Snapshot ? a.Snapshot.CompareTo(b.Snapshot) : a.IsRange.CompareTo(b.IsRange));
        Map(work.Count, i =>
        {
            (int index, bool isRange, int slot) = work[i];
            if (isRange)
            {
                ranges[slot] = SnapshotRangeArgument.Prove(run, index);
            }
            else
            {
                proofs[slot] = TrainingStepProver.Prove(run, dataset, index);
            }
        });
        return new TrainingProofs(sampled, k, seed, InitialSnapshotArgument.Prove(run), proofs, ranges);
    }

    /// <summary>Runs <paramref name="action"/> for <c>0 … count − 1</c> in parallel, roughly in order; the first exception is rethrown as itself, not wrapped.</summary>
    private static void Map(int count, Action<int> action)
    {
        try
        {
            Parallel.For(0, count, action);
        }
        catch (AggregateException e)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }
}
