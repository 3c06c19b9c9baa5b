using Thestage.Proofs.Hashing;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Training;

/// <summary>
/// Verifies the proofs of a whole training run against its <see cref="TrainingTranscript"/>, in either mode of
/// <see cref="TrainingProver"/>, under a <see cref="VerifierPolicy"/>.
/// </summary>
/// <remarks>
/// <para>
/// Both modes: an <see cref="InitialSnapshotProof"/> shows snapshot 0 is the configuration's public initial weights
/// (<see cref="InitialSnapshotArgument"/>), and the final snapshot always has a <see cref="SnapshotRangeProof"/>.
/// </para>
/// <para>
/// Every-step mode: each step <c>t ∈ [0, T)</c> has a <see cref="TrainingStepProof"/> and each snapshot a
/// <see cref="SnapshotRangeProof"/> (<c>W</c>-bit entries, zero padding). If all <c>2T + 2</c> proofs are accepted, the committed
/// snapshots are exactly the run of <see cref="FixedPointTrainer"/> from the seed's initial weights on the committed data,
/// with the committed hyperparameters, except with probability at most the largest error of one of the proofs
/// (<see cref="SoundnessBits"/>): the transcript fixes every statement (each snapshot decodes uniquely from its Ligero
/// commitment, or every opening of it fails) before any proof's challenges are drawn, so a false run contains a fixed false
/// statement, and the one proof of that statement must be accepted. A union bound over the proofs, which does not use that
/// the statements are fixed first, gives <c>log2(2T + 2)</c> bits less (<c>docs/training.md</c>). The final snapshot's
/// roots are then the model commitment a buyer can hold the model to.
/// </para>
/// <para>
/// Sampled mode: only <c>k</c> steps are proven, with range proofs of the snapshots they touch and of the final one. The
/// sample is the verifier's, never the prover's: <c>k</c> must be at least <see cref="VerifierPolicy.MinimumSampleSize"/> (or
/// <c>T</c>), and the steps are the first <c>k</c> of a Fiat–Shamir permutation of <c>[0, T)</c> drawn from the transcript's
/// digest (which binds every weight root) and <see cref="VerifierPolicy.ChallengeSeed"/> (<see cref="SampledSteps"/>); a
/// larger <c>k</c> only adds steps. If <c>m</c> of the <c>T</c> steps are not correct SGD steps, a fixed sample avoids all of
/// them with probability <c>C(T − m, k)/C(T, k) ≤ (1 − m/T)^k</c>. The case that matters is one bad step: it is caught with
/// probability only <c>k/T</c> (16 of 3,000: 0.5 %; the default 44: 1.5 %), so a sampled run proves nothing about any
/// particular step and does not prove the final model; it makes a trainer who corrupts a fraction <c>f</c> of the steps
/// pass with probability at most <c>(1 − f)^k</c>. Without a verifier seed the sample depends on the transcript alone, and a
/// trainer can re-commit a snapshot (one Ligero commitment per try) and look again: after <c>N</c> tries the bound is
/// <c>N·(1 − f)^k</c>. A seed the verifier issues after the transcript is published makes <c>N = 1</c>.
/// </para>
/// </remarks>
public static class TrainingVerifier
{
    /// <summary>Verifies a run's proofs under <see cref="VerifierPolicy.Default"/>.</summary>
    /// <param name="transcript">The public training transcript.</param>
    /// <param name="proofs">The proofs (may be malformed).</param>
    /// <returns><see langword="true"/> if accepted; never throws on malformed proofs.</returns>
    public static bool Verify(TrainingTranscript transcript, TrainingProofs? proofs) => Verify(transcript, proofs, VerifierPolicy.Default);

    /// <summary>
    /// Verifies a run's proofs under the default soundness, requiring at least <paramref name="minimumSteps"/> sampled steps and
    /// the sample of <paramref name="challengeSeed"/> (the same as a <see cref="VerifierPolicy"/> with those values).
    /// </summary>
    /// <param name="transcript">The public training transcript.</param>
    /// <param name="proofs">The proofs (may be malformed).</param>
    /// <param name="minimumSteps">The fewest proven steps accepted (at least 1; every-step proofs always qualify).</param>
    /// <param name="challengeSeed">The seed this verifier issued, or <see langword="null"/> for the sample of the transcript alone.</param>
    /// <returns><see langword="true"/> if accepted; never throws on malformed proofs.</returns>
    public static bool Verify(TrainingTranscript transcript, TrainingProofs? proofs, int minimumSteps, Digest256? challengeSeed) =>
        Verify(transcript, proofs, new VerifierPolicy { MinimumSampleSize = Math.Max(1, minimumSteps), ChallengeSeed = challengeSeed });

    /// <summary>
    /// Verifies a run's proofs: every step, or the verifier's sample (see remarks). The transcript is refused when its proofs
    /// are weaker than <see cref="VerifierPolicy.MinimumSoundnessBits"/> (<see cref="SoundnessBits"/>); sampled proofs are refused
    /// when they prove fewer than <c>min(MinimumSampleSize, T)</c> steps or were drawn from another seed than the policy's.
    /// </summary>
    /// <param name="transcript">The public training transcript.</param>
    /// <param name="proofs">The proofs (may be malformed).</param>
    /// <param name="policy">The verifier's policy.</param>
    /// <returns><see langword="true"/> if accepted; never throws on malformed proofs.</returns>
    public static bool Verify(TrainingTranscript transcript, TrainingProofs? proofs, VerifierPolicy policy) => Verify(transcript, proofs, policy, null);

    /// <summary>
    /// Verifies a run's proofs as <see cref="Verify(TrainingTranscript, TrainingProofs?, VerifierPolicy)"/> does, reporting each
    /// proof checked and stopping when cancelled.
    /// </summary>
    /// <param name="transcript">The public training transcript.</param>
    /// <param name="proofs">The proofs (may be malformed).</param>
    /// <param name="policy">The verifier's policy.</param>
    /// <param name="progress">Told (proofs checked, proofs to check) after each accepted proof, from the verifying threads; null for no reports.</param>
    /// <param name="cancellationToken">Checked before each proof.</param>
    /// <returns><see langword="true"/> if accepted; never throws on malformed proofs.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled before a verdict.</exception>
    public static bool Verify(
        TrainingTranscript transcript, TrainingProofs? proofs, VerifierPolicy policy, IProgress<(int Completed, int Total)>? progress, CancellationToken cancellationToken = default) =>
        Check(transcript, proofs, policy, progress, cancellationToken).IsAccepted;

    /// <summary>
    /// Checks a run's proofs as <see cref="Verify(TrainingTranscript, TrainingProofs?, VerifierPolicy, IProgress{ValueTuple{int, int}}?, CancellationToken)"/>
    /// does, saying why they are rejected: <see cref="RejectionReason.SoundnessPolicy"/> (too weak, too small a sample, another
    /// seed), <see cref="RejectionReason.Format"/> (missing proofs, wrong counts), <see cref="RejectionReason.Statement"/> (an empty run,
    /// a proof of another step or snapshot than expected), or the verdict of the first rejected proof, located in it:
    /// <c>"initial snapshot: …"</c>, <c>"snapshot 3: …"</c>, <c>"step 5: forward, layer 0"</c>. The proofs are checked in parallel,
    /// so when several are wrong, which one is reported may vary between calls.
    /// </summary>
    /// <param name="transcript">The public training transcript.</param>
    /// <param name="proofs">The proofs (may be malformed).</param>
    /// <param name="policy">The verifier's policy.</param>
    /// <param name="progress">Told (proofs checked, proofs to check) after each accepted proof, from the verifying threads; null for no reports.</param>
    /// <param name="cancellationToken">Checked before each proof.</param>
    /// <returns>The verdict; never throws on malformed proofs.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled before a verdict.</exception>
    public static ProofVerdict Check(
        TrainingTranscript transcript, TrainingProofs? proofs, VerifierPolicy policy, IProgress<(int Completed, int Total)>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ArgumentNullException.ThrowIfNull(policy);
        int stepCount = transcript.StepCount;
        if (stepCount == 0)
        {
            return ProofVerdict.Reject(RejectionReason.Statement);
        }

        if (policy.RefusesPlain(transcript.Parameters))
        {
            return ProofVerdict.Reject(RejectionReason.NotZeroKnowledge);
        }

        if (SoundnessBits(transcript) < policy.MinimumSoundnessBits)
        {
            return ProofVerdict.Reject(RejectionReason.SoundnessPolicy);
        }

        if (proofs is null)
        {
            return ProofVerdict.Reject(RejectionReason.Format);
        }

        int[] steps;
        if (proofs.IsSampled)
        {
            if (proofs.SampleSize < Math.Min(policy.MinimumSampleSize, stepCount) || proofs.SampleSize > stepCount || proofs.ChallengeSeed != policy.Seed)
            {
                return ProofVerdict.Reject(RejectionReason.SoundnessPolicy, "sample");
            }

            steps = SampledSteps(transcript, proofs.SampleSize, policy.Seed);
        }
        else
        {
            steps = Enumerable.Range(0, stepCount).ToArray();
        }

        int[] snapshots = CheckedSnapshots(steps, stepCount);
        if (proofs.Steps.Count != steps.Length || proofs.Ranges.Count != snapshots.Length)
        {
            return ProofVerdict.Reject(RejectionReason.Format);
        }

        int total = snapshots.Length + steps.Length + 1, done = 0;
        cancellationToken.ThrowIfCancellationRequested();
        ProofVerdict initial = InitialSnapshotArgument.CheckProof(transcript, proofs.Initial);
        if (!initial.IsAccepted)
        {
            return initial.Within("initial snapshot");
        }

        progress?.Report((++done, total));

        // Each proof is checked on its own, in parallel; the first rejection stops the rest.
        ProofVerdict? rejection = null;
        bool Counted(ProofVerdict verdict)
        {
            if (verdict.IsAccepted)
            {
                progress?.Report((Interlocked.Increment(ref done), total));
                return true;
            }

            Interlocked.CompareExchange(ref rejection, verdict, null);
            return false;
        }

        ProofVerdict CheckRange(int i) => proofs.Ranges[i] switch
        {
            null => ProofVerdict.Reject(RejectionReason.Format),
            { } range when range.Snapshot != snapshots[i] => ProofVerdict.Reject(RejectionReason.Statement),
            { } range => SnapshotRangeArgument.CheckProof(transcript, range),
        };

        ProofVerdict CheckStep(int i) => proofs.Steps[i] switch
        {
            null => ProofVerdict.Reject(RejectionReason.Format),
            { } step when step.Step != steps[i] => ProofVerdict.Reject(RejectionReason.Statement),
            { } step => TrainingStepVerifier.CheckProof(transcript, step),
        };

        bool accepted = All(snapshots.Length, cancellationToken, i => Counted(CheckRange(i).Within($"snapshot {snapshots[i]}")))
            && All(steps.Length, cancellationToken, i => Counted(CheckStep(i).Within($"step {steps[i]}")));
        return accepted ? ProofVerdict.Accepted : rejection!;
    }

    /// <summary>
    /// Computes the soundness of a run's proofs for this transcript: the smallest of <see cref="InitialSnapshotArgument.SoundnessBits"/>,
    /// <see cref="TrainingStepVerifier.SoundnessBits"/> and <see cref="SnapshotRangeArgument.SoundnessBits"/>, since every
    /// statement is fixed by the transcript before any challenge (remarks). In sampled mode this is the soundness of the proven
    /// steps; what the sample says about the others is a probability over the sample (remarks), not a number of bits.
    /// </summary>
    /// <param name="transcript">The training transcript.</param>
    /// <returns>The bits.</returns>
    public static double SoundnessBits(TrainingTranscript transcript)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        return Math.Min(
            InitialSnapshotArgument.SoundnessBits(transcript),
            Math.Min(TrainingStepVerifier.SoundnessBits(transcript), SnapshotRangeArgument.SoundnessBits(transcript)));
    }

    /// <summary>
    /// Derives the <paramref name="k"/> distinct steps of sampled mode, in increasing order: the first <paramref name="k"/>
    /// indices of a permutation of <c>[0, T)</c> drawn by a BLAKE2s transcript over the training transcript's digest (which
    /// binds every weight commitment) and the challenge seed (<see cref="Transcript.ChallengeDistinctIndices"/>). The sample
    /// for <c>k + 1</c> contains the sample for <c>k</c>, so the sample size selects nothing.
    /// </summary>
    /// <param name="transcript">The training transcript.</param>
    /// <param name="k">The sample size, in <c>[1, T]</c>.</param>
    /// <param name="challengeSeed">The challenge seed (zero for the sample of the transcript alone).</param>
    /// <returns>The sampled steps.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is out of range.</exception>
    public static int[] SampledSteps(TrainingTranscript transcript, int k, Digest256 challengeSeed)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, transcript.StepCount);
        var fs = new Transcript("thestage.training.sampled-steps.v2");
        fs.AbsorbDigest("training", transcript.Digest);
        fs.AbsorbDigest("seed", challengeSeed);
        int[] steps = fs.ChallengeDistinctIndices("steps", transcript.StepCount, k);
        Array.Sort(steps);
        return steps;
    }

    private static bool All(int count, CancellationToken cancellationToken, Func<int, bool> check) =>
        Parallel.For(0, count, new ParallelOptions { CancellationToken = cancellationToken }, (i, loop) =>
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
