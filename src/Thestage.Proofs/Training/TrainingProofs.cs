using Thestage.Proofs.Hashing;

namespace Thestage.Proofs.Training;

/// <summary>
/// The proofs of a whole training run, in one of two modes (<see cref="TrainingProver"/>): every step proven, or
/// <c>k</c> steps sampled by Fiat–Shamir after every weight commitment is fixed. Checked by
/// <see cref="TrainingVerifier.Verify(TrainingTranscript, TrainingProofs?, VerifierPolicy)"/>, which decides the sample itself;
/// bytes: <see cref="TrainingProofsSerializer"/>.
/// </summary>
/// <remarks>
/// Contents: the proof that snapshot 0 is the configuration's initial weights, the step proofs in increasing step order, and a <see cref="SnapshotRangeProof"/> for every snapshot a
/// proven step reads or writes and for the final snapshot (in increasing snapshot order). Sampled proofs also carry <c>k</c> and the challenge
/// seed the sample was derived from together with the transcript (<see cref="TrainingVerifier.SampledSteps"/>).
/// </remarks>
public sealed class TrainingProofs
{
    private readonly TrainingStepProof[] _steps;
    private readonly SnapshotRangeProof[] _ranges;

    internal TrainingProofs(
        bool sampled, int sampleSize, Digest256 challengeSeed, InitialSnapshotProof initial, TrainingStepProof[] steps, SnapshotRangeProof[] ranges)
    {
        Initial = initial;
        IsSampled = sampled;
        SampleSize = sampleSize;
        ChallengeSeed = challengeSeed;
        _steps = steps;
        _ranges = ranges;
    }

    /// <summary>Gets a value indicating whether only sampled steps are proven (otherwise every step is).</summary>
    public bool IsSampled { get; }

    /// <summary>Gets the number <c>k</c> of sampled steps requested (0 when every step is proven).</summary>
    public int SampleSize { get; }

    /// <summary>
    /// Gets the seed the prover drew the sample from: zero by default, or a value the verifier issued after the transcript was
    /// published. The verifier does not take it from here: it requires it to equal its own <see cref="VerifierPolicy.ChallengeSeed"/>.
    /// </summary>
    public Digest256 ChallengeSeed { get; }

    /// <summary>Gets the proof that snapshot 0 is <see cref="FixedPointTrainer.InitialWeights"/> of the configuration.</summary>
    public InitialSnapshotProof Initial { get; }

    /// <summary>Gets the step proofs, in increasing step order.</summary>
    public IReadOnlyList<TrainingStepProof> Steps => _steps;

    /// <summary>Gets the range proofs of every snapshot the proven steps touch, in increasing snapshot order.</summary>
    public IReadOnlyList<SnapshotRangeProof> Ranges => _ranges;
}
