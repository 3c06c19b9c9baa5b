using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Transcripts;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Training;

/// <summary>
/// Proves and verifies <see cref="InitialSnapshotProof"/>: the polynomials committed as snapshot 0 of a
/// <see cref="TrainingTranscript"/> are exactly <c>WeightCommitment</c>'s packing of
/// <see cref="FixedPointTrainer.InitialWeights"/> for the transcript's configuration (public, fixed by the seed) —
/// every weight, every zero bias and every zero padding entry.
/// </summary>
/// <remarks>
/// <para>
/// A Fiat–Shamir transcript absorbs the training transcript's <see cref="TrainingTranscript.Digest"/> and snapshot 0's
/// roots and variable counts; for each snapshot polynomial <c>g</c> it draws <c>z_g ∈ E^(v_g)</c>, the prover opens
/// <c>P̃_g(z_g)</c> (Ligero), and the verifier checks the opening against <c>Ĩ_g(z_g)</c>, which it computes from the
/// public initial weights in <c>O(2^(v_g))</c>. No value is sent: the verifier supplies the expected one. A hiding run commits
/// <see cref="SnapshotMaskLayout"/>'s polynomials, which hold <c>P_g</c> as segment <c>g</c>: the opening is at that segment's Boolean
/// prefix followed by <c>z_g</c> (<see cref="WeightCommitment.OpeningPoint"/>), which reads <c>P_g</c> only; the Ligero error is that of
/// the committed polynomial (one more variable).
/// </para>
/// <para>
/// Soundness: if <c>P_g ≠ I_g</c>, the difference is a non-zero multilinear polynomial in <c>v_g</c> variables fixed
/// before <c>z_g</c> is drawn (the roots are absorbed first), so <c>P̃_g(z_g) = Ĩ_g(z_g)</c> with probability at most
/// <c>v_g/|E|</c> (Schwartz–Zippel); a false opening is accepted with probability at most <c>ε_Ligero ≈ 2^−103.07</c>
/// (<see cref="LigeroParameters"/>). With <c>k ∈ {1, 2}</c> polynomials, <c>ε ≤ Σ_g v_g/|E| + k·ε_Ligero</c>: for
/// 784-64-10 (<c>v = 16, 11</c>) <c>27·2^−128 + 2·2^−103.07</c>, i.e. 102.07 bits (103.07 for one polynomial).
/// </para>
/// </remarks>
public static class InitialSnapshotArgument
{
    internal const string PointLabel = "initial/z";

    /// <summary>Proves that snapshot 0 of a recorded run is the configuration's initial weights.</summary>
    /// <param name="run">The recorded run.</param>
    /// <returns>The proof.</returns>
    public static InitialSnapshotProof Prove(TrainingRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return Prove(run.Transcript, run.WeightStates(0));
    }

    /// <summary>Verifies an initial-snapshot proof under <see cref="VerifierPolicy.Default"/>.</summary>
    /// <param name="training">The training transcript.</param>
    /// <param name="proof">The proof (may be malformed).</param>
    /// <returns><see langword="true"/> if accepted; never throws on a malformed proof.</returns>
    public static bool Verify(TrainingTranscript training, InitialSnapshotProof? proof) => Verify(training, proof, VerifierPolicy.Default);

    /// <summary>
    /// Verifies that snapshot 0 of <paramref name="training"/> commits to <see cref="FixedPointTrainer.InitialWeights"/>, refusing
    /// a transcript whose proof would be weaker than <paramref name="policy"/> (<see cref="SoundnessBits"/>).
    /// </summary>
    /// <param name="training">The training transcript.</param>
    /// <param name="proof">The proof (may be malformed).</param>
    /// <param name="policy">The verifier's policy.</param>
    /// <returns><see langword="true"/> if accepted; never throws on a malformed proof.</returns>
    public static bool Verify(TrainingTranscript training, InitialSnapshotProof? proof, VerifierPolicy policy) => Check(training, proof, policy).IsAccepted;

    /// <summary>
    /// Checks an initial-snapshot proof as <see cref="Verify(TrainingTranscript, InitialSnapshotProof?, VerifierPolicy)"/> does,
    /// saying why it is rejected: <see cref="RejectionReason.SoundnessPolicy"/>, <see cref="RejectionReason.Format"/>, or
    /// <see cref="RejectionReason.Opening"/> (<c>"opening of snapshot polynomial g"</c>: snapshot 0 is not the public initial weights).
    /// </summary>
    /// <param name="training">The training transcript.</param>
    /// <param name="proof">The proof (may be malformed).</param>
    /// <param name="policy">The verifier's policy.</param>
    /// <returns>The verdict; never throws on a malformed proof.</returns>
    public static ProofVerdict Check(TrainingTranscript training, InitialSnapshotProof? proof, VerifierPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(policy);
        return policy.RefusesPlain(training.Parameters) ? ProofVerdict.Reject(RejectionReason.NotZeroKnowledge)
            : SoundnessBits(training) < policy.MinimumSoundnessBits ? ProofVerdict.Reject(RejectionReason.SoundnessPolicy)
            : CheckProof(training, proof);
    }

    /// <summary>Computes the soundness <c>−log2(Σ_g v_g/|E| + Σ_g ε_Ligero(v_g))</c> of the proof for this transcript (remarks).</summary>
    /// <param name="training">The training transcript.</param>
    /// <returns>The bits.</returns>
    public static double SoundnessBits(TrainingTranscript training)
    {
        ArgumentNullException.ThrowIfNull(training);
        double field = E.Log2Size;
        int[] plain = WeightCommitment.NumVariables(training.Config);
        return -Math.Log2(plain.Select((v, g) => (v / Math.Pow(2.0, field)) + Math.Pow(2.0, -training.Parameters.SoundnessBits(training.WeightVariables[g], field))).Sum());
    }

    /// <summary>The protocol checks of <see cref="Check"/>, without the policy.</summary>
    internal static ProofVerdict CheckProof(TrainingTranscript training, InitialSnapshotProof? proof)
    {
        LigeroCommitment[] commitments = training.WeightCommitmentsAt(0);
        if (proof?.OpeningArray is null || proof.OpeningArray.Length != commitments.Length || proof.OpeningArray.Any(o => o is null))
        {
            return ProofVerdict.Reject(RejectionReason.Format);
        }

        Goldilocks[][] expected = WeightCommitment.Evaluations(FixedPointTrainer.InitialWeights(training.Config));
        Transcript transcript = Begin(training);
        return ProofVerdict.Of(() =>
        {
            for (int g = 0; g < commitments.Length; g++)
            {
                E[] z = transcript.Challenges<E>(PointLabel, WeightCommitment.NumVariables(training.Config)[g]);
                E value = MatrixMultiplicationSumcheck.EvaluateMatrix<E>(expected[g], z);
                E[] point = WeightCommitment.OpeningPoint(training.Config, training.Parameters.Hiding, g, z);
                ProofVerdict.Require(LigeroVerifier.Check(transcript, commitments[g], training.Parameters, point, value, proof.OpeningArray[g]), $"opening of snapshot polynomial {g}");
            }
        });
    }

    /// <summary>Proves for explicit snapshot-0 prover states (the honest ones, or states of forged tables in tests).</summary>
    internal static InitialSnapshotProof Prove(TrainingTranscript training, LigeroProverState[] states)
    {
        Transcript transcript = Begin(training);
        var openings = new LigeroOpeningProof<E>[states.Length];
        for (int g = 0; g < states.Length; g++)
        {
            E[] z = transcript.Challenges<E>(PointLabel, WeightCommitment.NumVariables(training.Config)[g]);
            openings[g] = LigeroProver.Open(transcript, states[g], WeightCommitment.OpeningPoint(training.Config, training.Parameters.Hiding, g, z), out _);
        }

        return new InitialSnapshotProof(openings);
    }

    /// <summary>Starts the Fiat–Shamir transcript: the training transcript's digest, then snapshot 0's roots and variable counts.</summary>
    internal static Transcript Begin(TrainingTranscript training)
    {
        var transcript = new Transcript("thestage.training.initial-snapshot.v1");
        transcript.AbsorbDigest("training", training.Digest);
        foreach (LigeroCommitment commitment in training.WeightCommitmentsAt(0))
        {
            transcript.AbsorbDigest("weights", commitment.Root);
            transcript.AbsorbUInt64("weight-variables", (ulong)commitment.NumVariables);
        }

        return transcript;
    }
}
