using Thestage.Proofs.Hashing;

namespace Thestage.Proofs;

/// <summary>
/// What a verifier requires of every statement and proof, whoever wrote them: a minimum soundness, optionally the hiding mode
/// (<see cref="RequireZeroKnowledge"/>), and for sampled training proofs a minimum sample size and the source of the sample. Passed to every verifier (<c>InferenceVerifier</c>,
/// <c>TrainingStepVerifier</c>, <c>SnapshotRangeArgument</c>, <c>InitialSnapshotArgument</c>, <c>TrainingVerifier</c>,
/// <c>ModelLinkArgument</c>); their overloads without a policy use <see cref="Default"/>.
/// </summary>
/// <remarks>
/// <para>
/// Soundness. A statement carries the Ligero parameters its author chose (a model commitment, a training transcript); with
/// <c>LigeroParameters(1, 1)</c> one opening is forged with probability about 3/8 per try. Every verifier therefore computes
/// the soundness of the whole proof it is asked to accept — every Ligero opening under the statement's parameters, the logUp
/// and sumcheck terms, the batching, and the one-time proofs it relies on (an inference proof counts the model's weight range
/// proof) — by the union bound of each verifier's <c>SoundnessBits</c>, and refuses the statement when it is below
/// <see cref="MinimumSoundnessBits"/>. The bounds are proven ones: the Ligero term is the unique-decoding bound of
/// Ben-Sasson, Carmon, Ishai, Kopparty and Saraf (eprint 2020/654), not a conjecture. They are bounds for the interactive
/// protocols; made non-interactive by Fiat–Shamir, a prover able to try <c>2^g</c> transcripts gains up to <c>g</c> bits.
/// </para>
/// <para>
/// Sampled training proofs. The sample is the verifier's: the proof's sample size <c>k</c> must be at least
/// <see cref="MinimumSampleSize"/> (or every step, when the run is shorter), and the steps are derived from the training
/// transcript and <see cref="ChallengeSeed"/> — the verifier's own seed when it issues one after the transcript is published,
/// otherwise zero, so the sample depends on the transcript alone. A larger <c>k</c> only adds steps to the sample, so choosing
/// <c>k</c> gives a prover no choice of which steps are audited (<c>TrainingVerifier.SampledSteps</c>).
/// </para>
/// </remarks>
public sealed class VerifierPolicy
{
    /// <summary>The default minimum soundness: 100 bits.</summary>
    public const double DefaultMinimumSoundnessBits = 100;

    /// <summary>
    /// The default minimum sample size of sampled training proofs: 44, the smallest <c>k</c> with <c>0.9^k &lt; 1 %</c>, so a run
    /// in which a tenth of the steps are wrong passes with probability below 1 %. A run with a single wrong step among
    /// <c>T</c> is caught only with probability <c>k/T</c> (44 of 3,000: 1.5 %).
    /// </summary>
    public const int DefaultMinimumSampleSize = 44;

    /// <summary>The default largest opening budget of a model commitment a verifier accepts: 64 proofs.</summary>
    public const int DefaultMaximumOpeningBudget = 64;

    private readonly double _minimumSoundnessBits = DefaultMinimumSoundnessBits;
    private readonly int _minimumSampleSize = DefaultMinimumSampleSize;
    private readonly int _maximumOpeningBudget = DefaultMaximumOpeningBudget;

    /// <summary>Gets the default policy: 100 bits, at least 44 sampled steps, the sample derived from the transcript alone.</summary>
    public static VerifierPolicy Default { get; } = new();

    /// <summary>Gets the soundness below which a statement is refused, in bits (<c>−log2</c> of the error), in <c>[0, 128]</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not in <c>[0, 128]</c>.</exception>
    public double MinimumSoundnessBits
    {
        get => _minimumSoundnessBits;
        init
        {
            if (!(value >= 0 && value <= 128))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The minimum soundness must lie in [0, 128] bits.");
            }

            _minimumSoundnessBits = value;
        }
    }

    /// <summary>Gets the fewest steps a sampled training proof may prove (runs with fewer steps must prove all of them); at least 1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MinimumSampleSize
    {
        get => _minimumSampleSize;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _minimumSampleSize = value;
        }
    }

    /// <summary>
    /// Gets the seed this verifier issued after the training transcript was published, or <see langword="null"/> to derive the
    /// sample from the transcript alone (the zero seed).
    /// </summary>
    public Digest256? ChallengeSeed { get; init; }

    /// <summary>
    /// Gets the largest opening budget of a model commitment (<see cref="Commitments.LigeroParameters.OpeningBudget"/>) this verifier
    /// accepts, in <c>[1, 256]</c>; default 64. A budget <c>B</c> costs the verifier <c>8·B</c> more entries per opened column and
    /// rows of <c>3·(k + 2·B·t)</c> elements in every proof; a larger budget is refused as <see cref="RejectionReason.SoundnessPolicy"/>,
    /// as sizes beyond the verifier's means are.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not in <c>[1, 256]</c>.</exception>
    public int MaximumOpeningBudget
    {
        get => _maximumOpeningBudget;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, Commitments.LigeroParameters.MaxOpeningBudget);
            _maximumOpeningBudget = value;
        }
    }

    /// <summary>
    /// Gets a value indicating whether statements made in the non-hiding mode are refused
    /// (<see cref="RejectionReason.NotZeroKnowledge"/>): a model commitment, or a training transcript, whose Ligero parameters are
    /// not hiding (<see cref="Commitments.LigeroParameters.NonHidingForBenchmarks"/>, or any plain ones) — its proofs reveal round
    /// messages, opened columns and, for the model link, the shift witnesses. A model link needs both the run and the model hiding.
    /// Default <see langword="false"/>.
    /// </summary>
    /// <remarks>
    /// Why not on by default. Soundness protects the verifier, hiding the prover and the people whose data was used: a plain proof
    /// is exactly as sound, and once a verifier holds it, refusing it hides nothing. Every default of the SDK and of
    /// <c>thestage</c> proves in the hiding mode, so a plain proof is a choice of its author; the default policy keeps accepting
    /// the plain artifacts made before zero-knowledge became the default (their formats carry their parameters). A verifier that
    /// relays or publishes proofs, or that wants its provers held to zero-knowledge, sets this. What the hiding mode hides, and
    /// what its proofs still reveal: docs/proofs.md, "Hiding".
    /// </remarks>
    public bool RequireZeroKnowledge { get; init; }

    /// <summary>Whether this policy refuses a statement made under <paramref name="parameters"/> because they are not hiding.</summary>
    internal bool RefusesPlain(Commitments.LigeroParameters parameters) => RequireZeroKnowledge && !parameters.Hiding;

    /// <summary>Gets the seed the sample is derived from: <see cref="ChallengeSeed"/>, or zero.</summary>
    internal Digest256 Seed => ChallengeSeed ?? default;
}
