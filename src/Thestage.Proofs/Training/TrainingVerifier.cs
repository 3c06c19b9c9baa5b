using Thestage.Proofs.Hashing;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Training;

/// <summary>
/// Verifies the proofs of a whole training run against its <see cref="TrainingTranscript"/>, in either mode of
/// <see cref="TrainingProver"/>.
/// </summary>
/// <remarks>
/// <para>
/// Both modes: an <see cref="InitialSnapshotProof"/> shows snapshot 0 is the configuration's public initial weights
/// (about 102 bits, <see cref="InitialSnapshotArgument"/>). Every-step mode: each step <c>t ∈ [0, T)</c> has a
/// <see cref="TrainingStepProof"/> and each snapshot a <see cref="SnapshotRangeProof"/> (<c>W</c>-bit entries, zero
/// padding); then, up to the soundness error of the components (each step proof about 100 bits,
/// <see cref="TrainingStepProver"/>; each range proof about 101.5 bits, <see cref="SnapshotRangeArgument"/>; a union
/// bound over the <c>2T + 2</c> proofs costs <c>log2(2T + 2)</c> bits), the committed snapshots are exactly the run of
/// <see cref="FixedPointTrainer"/> from the seed's initial weights on the committed data, with the committed hyperparameters.
/// The final snapshot's roots are then the model commitment a buyer can hold the model to.
/// </para>
/// <para>
/// Sampled mode: after the transcript fixes every weight commitment, <c>k</c> distinct steps are drawn by a BLAKE2s
/// transcript over the training transcript's digest, <c>k</c> and the challenge seed (<see cref="SampledSteps"/>), and
/// only those steps are proven, with range proofs of the snapshots they touch and of the final one. If a fraction <c>f</c> of the <c>T</c> steps are not
/// correct SGD steps, a fixed sample avoids all of them with probability <c>C((1−f)T, k)/C(T, k) ≤ (1 − f)^k</c>
/// (sampling without replacement). With the default zero seed the sample is pure Fiat–Shamir: a trainer can
/// re-commit a snapshot (one Ligero commitment each) and look again, so after <c>N</c> tries the bound is
/// <c>N·(1 − f)^k</c> — choose <c>k</c> with <c>k·log2(1/(1 − f))</c> well above the re-commitments one could afford, or have
/// the verifier issue the seed after the transcript is published, which makes <c>N = 1</c>. Example: <c>f = 0.05</c>,
/// <c>k = 100</c> gives <c>0.95^100 ≈ 2^−7.4</c> per try.
/// </para>
/// </remarks>
public static class TrainingVerifier
{
    /// <summary>Verifies a run's proofs: every step, or the Fiat–Shamir sample of <c>proofs.SampleSize</c> steps.</summary>
    /// <param name="transcript">The public training transcript.</param>
    /// <param name="proofs">The proofs (may be malformed).</param>
    /// <returns><see langword="true"/> if accepted; never throws on malformed proofs.</returns>
    public static bool Verify(TrainingTranscript transcript, TrainingProofs? proofs)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        if (proofs is null || transcript.StepCount == 0)
        {
            return false;
        }

        int[] steps;
        if (proofs.IsSampled)
        {
            if (proofs.SampleSize < 1 || proofs.SampleSize > transcript.StepCount)
            {
                return false;
            }

            steps = SampledSteps(transcript, proofs.SampleSize, proofs.ChallengeSeed);
        }
        else
        {
            steps = Enumerable.Range(0, transcript.StepCount).ToArray();
        }

        int[] snapshots = CheckedSnapshots(steps, transcript.StepCount);
        if (proofs.Steps.Count != steps.Length || proofs.Ranges.Count != snapshots.Length || !InitialSnapshotArgument.Verify(transcript, proofs.Initial))
        {
            return false;
        }

        // Each proof is checked on its own, in parallel; the first rejection stops the rest.
        return All(snapshots.Length, i => proofs.Ranges[i] is { } range && range.Snapshot == snapshots[i] && SnapshotRangeArgument.Verify(transcript, range))
            && All(steps.Length, i => proofs.Steps[i] is { } step && step.Step == steps[i] && TrainingStepVerifier.Verify(transcript, step));
    }

    /// <summary>Verifies sampled proofs and additionally requires at least <paramref name="minimumSteps"/> sampled steps and, if given, the verifier's own challenge seed.</summary>
    /// <param name="transcript">The public training transcript.</param>
    /// <param name="proofs">The proofs (may be malformed).</param>
    /// <param name="minimumSteps">The fewest proven steps accepted (every-step proofs always qualify).</param>
    /// <param name="challengeSeed">The seed this verifier issued, or <see langword="null"/> to accept the zero seed only.</param>
    /// <returns><see langword="true"/> if accepted; never throws on malformed proofs.</returns>
    public static bool Verify(TrainingTranscript transcript, TrainingProofs? proofs, int minimumSteps, Digest256? challengeSeed)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        return proofs is not null
            && (!proofs.IsSampled || (proofs.SampleSize >= minimumSteps && proofs.ChallengeSeed == (challengeSeed ?? default)))
            && Verify(transcript, proofs);
    }

    /// <summary>
    /// Derives the <paramref name="k"/> distinct steps of sampled mode, in increasing order, from the transcript's digest
    /// (which binds every weight commitment), <paramref name="k"/> and the challenge seed.
    /// </summary>
    /// <param name="transcript">The training transcript.</param>
    /// <param name="k">The sample size, in <c>[1, T]</c>.</param>
    /// <param name="challengeSeed">The challenge seed (zero for pure Fiat–Shamir).</param>
    /// <returns>The sampled steps.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is out of range.</exception>
    public static int[] SampledSteps(TrainingTranscript transcript, int k, Digest256 challengeSeed)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, transcript.StepCount);
        if (k == transcript.StepCount)
        {
            return Enumerable.Range(0, k).ToArray();
        }

        var fs = new Transcript("thestage.training.sampled-steps.v1");
        fs.AbsorbDigest("training", transcript.Digest);
        fs.AbsorbUInt64("k", (ulong)k);
        fs.AbsorbDigest("seed", challengeSeed);
        var chosen = new SortedSet<int>();
        while (chosen.Count < k)
        {
            chosen.Add(fs.ChallengeIndex("step", transcript.StepCount));
        }

        return [.. chosen];
    }

    private static bool All(int count, Func<int, bool> check) =>
        Parallel.For(0, count, (i, loop) =>
        {
            if (!check(i))
            {
                loop.Stop();
            }
        }).IsCompleted;

    /// <summary>
    /// The snapshots whose range proofs a run's proofs carry, in increasing order: <c>t</c> and <c>t + 1</c> for every
    /// proven step, and always the final snapshot <c>T</c> (the model a <see cref="ModelLinkProof"/> links to inference).
    /// </summary>
    internal static int[] CheckedSnapshots(IEnumerable<int> steps, int stepCount) =>
        steps.SelectMany(t => new[] { t, t + 1 }).Append(stepCount).Distinct().Order().ToArray();
}
