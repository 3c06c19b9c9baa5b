using Thestage.Models;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Quantization;

namespace Thestage.Proofs.Inference;

/// <summary>
/// The model owner's side of a committed model: the <see cref="QuantizedModel"/>, the private commitment
/// state needed to open the weights, and the public <see cref="Commitment"/>.
/// </summary>
/// <remarks>Keep this object private; publish <see cref="Commitment"/>. Used by <see cref="InferenceProver"/>.</remarks>
public sealed class CommittedModel
{
    private CommittedModel(QuantizedModel model, ModelCommitment commitment, Goldilocks[][] polynomials, LigeroProverState[] states)
    {
        Model = model;
        Commitment = commitment;
        Polynomials = polynomials;
        States = states;
    }

    /// <summary>
    /// The opening budget of a commitment made without explicit parameters: 8 openings of the weights (the weight range proof, then
    /// seven inference or link proofs, each of up to 4,096 inputs), after which the prover refuses
    /// (<see cref="OpeningBudgetExhaustedException"/>) and the model must be committed again.
    /// </summary>
    /// <remarks>
    /// Why 8. <see cref="LigeroParameters.DefaultHiding"/> alone hides the weights for one opening, and the range proof is already
    /// that one, so a default without a budget would start revealing the weights with the first proof (docs/proofs.md, "Opening
    /// budget"). Every unit of budget costs every proof and the commitment about 13 KB per weight polynomial, linearly (the
    /// commitment time too): LeNet-5's proof is 447 KiB without a budget, 461 at 2 and 642 at 16, the 784-128-10 MLP's (two weight
    /// polynomials) 373, 400 and 837 KiB (<c>docs/results/opening-budget-2026-12-07.md</c>), so 8 costs LeNet-5 about a fifth more
    /// than no budget and the MLP about half more. A budget of 2 would allow a single proof — the first model proven twice would
    /// be refused — and 64, the most a default verifier accepts (<see cref="VerifierPolicy.DefaultMaximumOpeningBudget"/>), would
    /// triple the proofs; 8 leaves room for a session's proofs, and one batch proof opens the weights once whatever its size,
    /// which stretches it. Commit with <see cref="LigeroParameters.DefaultHidingWithBudget"/> for another budget.
    /// </remarks>
    public const int DefaultOpeningBudget = 8;

    /// <summary>Gets the fixed-point model.</summary>
    public QuantizedModel Model { get; }

    /// <summary>Gets the public commitment.</summary>
    public ModelCommitment Commitment { get; }

    internal Goldilocks[][] Polynomials { get; }

    internal LigeroProverState[] States { get; }

    /// <summary>
    /// Gets the number of openings of the weight commitments made so far (the weight range proof, then one per inference or link
    /// proof), at most <see cref="ModelCommitment.OpeningBudget"/>; 0 without a budget. Persist it after each proof when the model
    /// is committed again from its seed (<see cref="Commit(QuantizedModel, ModelCommitmentSeed, LigeroParameters?, int)"/>).
    /// </summary>
    public int OpeningsUsed => States.Max(s => s.OpeningsUsed);

    /// <summary>
    /// Gets the number of proofs that can still open the weights while they stay hidden (<see cref="ModelCommitment.OpeningBudget"/>
    /// minus <see cref="OpeningsUsed"/>); <see cref="int.MaxValue"/> without a budget (hiding commitments without one are hiding for
    /// one opening only, see <see cref="LigeroParameters"/> remarks). A proof beyond it throws <see cref="OpeningBudgetExhaustedException"/>.
    /// </summary>
    public int ProofsRemaining => Commitment.OpeningBudget == 0 ? int.MaxValue : Commitment.OpeningBudget - OpeningsUsed;

    /// <summary>The parameters of a commitment made without explicit ones: hiding, with <see cref="DefaultOpeningBudget"/>.</summary>
    internal static LigeroParameters DefaultParameters { get; } = LigeroParameters.DefaultHidingWithBudget(DefaultOpeningBudget);

    /// <summary>Pairs a different model with this commitment state (used by tests to play a prover that changed its weights after committing).</summary>
    internal CommittedModel WithSubstitutedModel(QuantizedModel model) => new(model, Commitment, Polynomials, States);

    /// <summary>Commits to a model's weights and architecture.</summary>
    /// <param name="model">The fixed-point model.</param>
    /// <param name="parameters">The commitment parameters; <see langword="null"/> for hiding ones with an opening budget, <see cref="LigeroParameters.DefaultHidingWithBudget"/>(<see cref="DefaultOpeningBudget"/>) (<see cref="LigeroParameters.NonHidingForBenchmarks"/> for measurements only).</param>
    /// <param name="salts">The salt source of the commitments and, for hiding parameters, of the range proof's sumcheck masks; <see langword="null"/> uses <see cref="RandomSaltSource"/>.</param>
    /// <returns>The committed model.</returns>
    /// <exception cref="ArgumentException">The architecture is not supported by the proof system (see remarks of <see cref="InferenceProver"/>).</exception>
    public static CommittedModel Commit(QuantizedModel model, LigeroParameters? parameters = null, ISaltSource? salts = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        CircuitPlan plan = CircuitPlan.Create(model.InputShape, model.Layers.Select(CircuitLayer.From).ToArray(), 1);
        return CommitSegments(model, plan, plan.WeightLogSizes.Count == 0 ? [[Goldilocks.Zero]] : plan.BuildWeightSegments(model), parameters, salts);
    }

    /// <summary>
    /// Commits to a model's weights and architecture with salts (and, under hiding parameters, every other random value of the
    /// commitment: masking rows, range-proof masks) derived from <paramref name="seed"/>, so that the same model, seed and
    /// parameters always give the same commitment: a prover keeps the seed (secret) instead of this object, and
    /// commits again before proving (the result equals the published commitment, which <see cref="ModelCommitment.Fingerprint"/>
    /// checks).
    /// </summary>
    /// <param name="model">The fixed-point model.</param>
    /// <param name="seed">The model owner's secret seed (<see cref="ModelCommitmentSeed.Create"/>).</param>
    /// <param name="parameters">The commitment parameters; <see langword="null"/> for hiding ones with an opening budget, <see cref="LigeroParameters.DefaultHidingWithBudget"/>(<see cref="DefaultOpeningBudget"/>). A model committed again from its seed after proofs were made needs the count of openings (the overload with <c>openingsUsed</c>).</param>
    /// <returns>The committed model.</returns>
    /// <exception cref="ArgumentException">The architecture is not supported by the proof system (see remarks of <see cref="InferenceProver"/>).</exception>
    /// <exception cref="ObjectDisposedException">The seed was disposed.</exception>
    public static CommittedModel Commit(QuantizedModel model, ModelCommitmentSeed seed, LigeroParameters? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(seed);
        CircuitPlan plan = CircuitPlan.Create(model.InputShape, model.Layers.Select(CircuitLayer.From).ToArray(), 1);
        Goldilocks[][] segments = plan.WeightLogSizes.Count == 0 ? [[Goldilocks.Zero]] : plan.BuildWeightSegments(model);
        LigeroParameters chosen = parameters ?? DefaultParameters;
        return chosen.Hiding
            ? CommitSegments(model, plan, segments, chosen, i => (seed.HidingSaltsOf(i, chosen), seed.MasksOf(i, chosen)), seed.RangeProofMasks(chosen))
            : CommitSegments(model, plan, segments, chosen, i => (seed.SaltsOf(i), null), null);
    }

    /// <summary>
    /// As <see cref="Commit(QuantizedModel, ModelCommitmentSeed, LigeroParameters?)"/>, for a commitment with an opening budget that
    /// earlier copies have already opened <paramref name="openingsUsed"/> times (their <see cref="OpeningsUsed"/>, persisted by the
    /// model owner): the rebuilt commitment draws the same mask sets from the seed, so those sets must not be used again. The
    /// rebuilt range proof is the published one (the same seed and transcript: it reveals nothing new).
    /// </summary>
    /// <param name="model">The fixed-point model.</param>
    /// <param name="seed">The model owner's secret seed.</param>
    /// <param name="parameters">The commitment parameters, with the <see cref="LigeroParameters.OpeningBudget"/> the model was committed with.</param>
    /// <param name="openingsUsed">The openings made so far, in <c>[1, OpeningBudget]</c> (1: only the range proof).</param>
    /// <returns>The committed model.</returns>
    /// <exception cref="ArgumentException">The architecture is not supported by the proof system.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="openingsUsed"/> is outside <c>[1, OpeningBudget]</c>, or the parameters have no budget.</exception>
    /// <exception cref="ObjectDisposedException">The seed was disposed.</exception>
    public static CommittedModel Commit(QuantizedModel model, ModelCommitmentSeed seed, LigeroParameters parameters, int openingsUsed)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfLessThan(openingsUsed, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(openingsUsed, parameters.OpeningBudget);
        CommittedModel committed = Commit(model, seed, parameters);
        foreach (LigeroProverState state in committed.States)
        {
            state.MarkMaskSetsUsed(openingsUsed);
        }

        return committed;
    }

    /// <summary>
    /// Commits explicit weight segments (laid out by <paramref name="plan"/>) under <paramref name="model"/>'s architecture, with
    /// the range proof: the honest segments of <see cref="Commit(QuantizedModel, LigeroParameters?, ISaltSource?)"/>, or forged
    /// ones in tests.
    /// </summary>
    internal static CommittedModel CommitSegments(QuantizedModel model, CircuitPlan plan, Goldilocks[][] segments, LigeroParameters? parameters, ISaltSource? salts) =>
        CommitSegments(model, plan, segments, parameters, _ => (salts, salts), salts);

    /// <summary>As the overload with one salt source, with the sources of each weight polynomial (<paramref name="sourcesOf"/>:
    /// the i-th one's salts and, when hiding, the randomness of its encoding and masking rows; null for <see cref="RandomSaltSource"/>),
    /// and the source of the range proof's sumcheck masks when hiding (<paramref name="maskSalts"/>, null for
    /// <see cref="RandomSaltSource"/>; never a polynomial's salts, which openings reveal).</summary>
    internal static CommittedModel CommitSegments(
        QuantizedModel model, CircuitPlan plan, Goldilocks[][] segments, LigeroParameters? parameters, Func<int, (ISaltSource? Salts, ISaltSource? Masks)> sourcesOf, ISaltSource? maskSalts)
    {
        parameters ??= DefaultParameters;
        Goldilocks[][] polynomials = plan.WeightLayout.Assemble(segments);
        LigeroProverState[] states = polynomials.Select((p, i) =>
        {
            (ISaltSource? salts, ISaltSource? masks) = sourcesOf(i);
            return LigeroProver.Commit(p, parameters, salts, masks);
        }).ToArray();
        ModelCommitment bare = ModelCommitment.From(model, states.Select(s => s.Commitment).ToArray(), parameters);
        WeightRangeProof rangeProof = WeightRangeArgument.Prove(bare, plan, segments, polynomials, states, maskSalts);
        return new CommittedModel(model, bare.WithRangeProof(rangeProof), polynomials, states);
    }
}
