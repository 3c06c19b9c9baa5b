using Thestage.Proofs.Hashing;

namespace Thestage.Proofs.Training;

/// <summary>
/// Proves a recorded training run: every step (<see cref="ProveEveryStep(TrainingRun, TrainingDataset)"/>), or the <c>k</c> steps a verifier's sample
/// selects once all weight commitments are fixed (<see cref="ProveSampled(TrainingRun, TrainingDataset, int, Digest256?)"/>); guarantees on <see cref="TrainingVerifier"/>. Steps and snapshots are proven in parallel, one per core (each step proof of a
/// 784-64-10 MLP holds about 200 MB while it runs).
/// </summary>
public static class TrainingProver
{
    /// <summary>Proves every step of the run, with a range proof of every snapshot.</summary>
    /// <param name="run">The recorded run.</param>
    /// <param name="dataset">The training set the run committed to.</param>
    /// <returns>The proofs.</returns>
    /// <exception cref="ArgumentException">The dataset is not the one the run was trained on.</exception>
    public static TrainingProofs ProveEveryStep(TrainingRun run, TrainingDataset dataset) => ProveEveryStep(run, dataset, null);

    /// <summary>
    /// Proves every step of the run, with a range proof of every snapshot, reporting each proof made and stopping when
    /// cancelled (the proofs under way finish; no new one starts).
    /// </summary>
    /// <param name="run">The recorded run.</param>
    /// <param name="dataset">The training set the run committed to.</param>
    /// <param name="progress">Told (proofs made, proofs to make) after each step, range and initial-snapshot proof, from the proving threads; null for no reports.</param>
    /// <param name="cancellationToken">Checked before each proof.</param>
    /// <returns>The proofs.</returns>
    /// <exception cref="ArgumentException">The dataset is not the one the run was trained on.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static TrainingProofs ProveEveryStep(TrainingRun run, TrainingDataset dataset, IProgress<(int Completed, int Total)>? progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        return Prove(run, dataset, TrainingProofPlan.EveryStep(run.Transcript), progress, cancellationToken);
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
    public static TrainingProofs ProveSampled(TrainingRun run, TrainingDataset dataset, int k, Digest256? challengeSeed = null) =>
        ProveSampled(run, dataset, k, challengeSeed, null);

    /// <summary>
    /// Proves the sample as <see cref="ProveSampled(TrainingRun, TrainingDataset, int, Digest256?)"/> does, reporting each
    /// proof made and stopping when cancelled (the proofs under way finish; no new one starts).
    /// </summary>
    /// <param name="run">The recorded run.</param>
    /// <param name="dataset">The training set the run committed to.</param>
    /// <param name="k">The number of steps to prove, in <c>[1, T]</c>.</param>
    /// <param name="challengeSeed">The seed the verifier issued after the transcript was published, or <see langword="null"/> (zero) for the sample of the transcript alone.</param>
    /// <param name="progress">Told (proofs made, proofs to make) after each step, range and initial-snapshot proof, from the proving threads; null for no reports.</param>
    /// <param name="cancellationToken">Checked before each proof.</param>
    /// <returns>The proofs.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is out of range.</exception>
    /// <exception cref="ArgumentException">The dataset is not the one the run was trained on.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static TrainingProofs ProveSampled(
        TrainingRun run, TrainingDataset dataset, int k, Digest256? challengeSeed, IProgress<(int Completed, int Total)>? progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, run.Transcript.StepCount);
        Digest256 seed = challengeSeed ?? default;
        return Prove(run, dataset, TrainingProofPlan.Sampled(run.Transcript, k, seed), progress, cancellationToken);
    }

    private static TrainingProofs Prove(
        TrainingRun run, TrainingDataset dataset, TrainingProofPlan plan, IProgress<(int Completed, int Total)>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataset);

        // Steps and snapshots are proven independently (the run is only read), one per core, in the plan's snapshot order.
        int done = 0;
        Map(plan.Count, cancellationToken, i =>
        {
            plan.ProveHere(i, run, dataset);
            progress?.Report((Interlocked.Increment(ref done), plan.Total));
        });
        cancellationToken.ThrowIfCancellationRequested();
        TrainingProofs proofs = plan.Finish(run);
        progress?.Report((plan.Total, plan.Total));
        return proofs;
    }

    /// <summary>
    /// Runs <paramref name="action"/> for <c>0 … count − 1</c> in parallel, roughly in order, starting none after the token is
    /// cancelled; the first exception is rethrown as itself, not wrapped.
    /// </summary>
    private static void Map(int count, CancellationToken cancellationToken, Action<int> action)
    {
        try
        {
            Parallel.For(0, count, new ParallelOptions { CancellationToken = cancellationToken }, action);
        }
        catch (AggregateException e)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }
}
