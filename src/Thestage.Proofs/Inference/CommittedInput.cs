using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;

namespace Thestage.Proofs.Inference;

/// <summary>
/// The input owner's side of a private input: the integer input, the private state of its hiding commitment (salts, masking
/// rows, random segment) and the public <see cref="Commitment"/>. Keep this object (or the input and its seed) private; publish
/// <see cref="Commitment"/>. Used by <see cref="InferenceProver.ProvePrivateInput"/>.
/// </summary>
/// <remarks>
/// The commitment holds the input as the circuit's padded input tensor beside a random segment (<c>InputLayout</c>). Each proof
/// opens it once with its own mask set, so it stays hiding for <see cref="InputCommitment.OpeningBudget"/> proofs; the prover refuses
/// more (<see cref="OpeningBudgetExhaustedException"/>). An input committed again from its seed must be told how many openings the
/// earlier copies made (<see cref="Commit(ModelCommitment, ReadOnlySpan{int}, ModelCommitmentSeed, LigeroParameters, int)"/>), or it would
/// reuse their mask sets.
/// </remarks>
public sealed class CommittedInput
{
    private readonly int[] _input;

    private CommittedInput(int[] input, InputCommitment commitment, Goldilocks[] polynomial, LigeroProverState state)
    {
        _input = input;
        Commitment = commitment;
        Polynomial = polynomial;
        State = state;
    }

    /// <summary>Gets the public commitment.</summary>
    public InputCommitment Commitment { get; }

    /// <summary>Gets the number of openings (proofs) made so far, at most <see cref="InputCommitment.OpeningBudget"/>; persist it when the input is committed again from its seed.</summary>
    public int OpeningsUsed => State.OpeningsUsed;

    /// <summary>Gets the number of proofs that can still open the input while it stays hidden (every commitment made by <c>Commit</c> has a budget).</summary>
    public int ProofsRemaining => Commitment.OpeningBudget == 0 ? int.MaxValue : Commitment.OpeningBudget - OpeningsUsed;

    internal ReadOnlySpan<int> Input => _input;

    internal Goldilocks[] Polynomial { get; }

    internal LigeroProverState State { get; }

    /// <summary>Commits to an input of <paramref name="model"/>'s input shape and width with fresh randomness.</summary>
    /// <param name="model">A model commitment whose input layout the input follows; proofs can use any model of the same input shape and width.</param>
    /// <param name="input">The input, channel-major, <see cref="ModelCommitment.InputBits"/>-bit signed integers.</param>
    /// <param name="parameters">Hiding parameters with an opening budget (<see cref="LigeroParameters.DefaultHidingWithBudget"/>).</param>
    /// <param name="salts">The source of the salts, the masking rows and the random segment; <see langword="null"/> uses <see cref="RandomSaltSource"/>.</param>
    /// <returns>The committed input.</returns>
    /// <exception cref="ArgumentException">The input has the wrong length or range, the model's input is wider than 8 bits, or the parameters are not hiding with a budget.</exception>
    public static CommittedInput Commit(ModelCommitment model, ReadOnlySpan<int> input, LigeroParameters parameters, ISaltSource? salts = null)
    {
        Validate(model, input, parameters);
        return CommitUnchecked(model, input.ToArray(), parameters, salts, salts, salts);
    }

    /// <summary>
    /// Commits to an input with every random value derived from <paramref name="seed"/> (its own derivations, separate from a model's:
    /// <see cref="ModelCommitmentSeed"/> remarks), so that the same input, seed and parameters give the same commitment; the owner keeps
    /// the input, the seed and the count of openings instead of this object.
    /// </summary>
    /// <param name="model">A model commitment whose input layout the input follows.</param>
    /// <param name="input">The input, channel-major, <see cref="ModelCommitment.InputBits"/>-bit signed integers.</param>
    /// <param name="seed">The owner's secret seed, one per committed input.</param>
    /// <param name="parameters">Hiding parameters with an opening budget.</param>
    /// <param name="openingsUsed">The openings earlier copies made (their <see cref="OpeningsUsed"/>), in <c>[0, OpeningBudget]</c>.</param>
    /// <returns>The committed input.</returns>
    /// <exception cref="ArgumentException">As <see cref="Commit(ModelCommitment, ReadOnlySpan{int}, LigeroParameters, ISaltSource?)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="openingsUsed"/> is outside <c>[0, OpeningBudget]</c>.</exception>
    /// <exception cref="ObjectDisposedException">The seed was disposed.</exception>
    public static CommittedInput Commit(ModelCommitment model, ReadOnlySpan<int> input, ModelCommitmentSeed seed, LigeroParameters parameters, int openingsUsed = 0)
    {
        ArgumentNullException.ThrowIfNull(seed);
        Validate(model, input, parameters);
        ArgumentOutOfRangeException.ThrowIfNegative(openingsUsed);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(openingsUsed, parameters.OpeningBudget);
        CommittedInput committed = CommitUnchecked(model, input.ToArray(), parameters, seed.InputSalts(parameters), seed.InputMasks(parameters), seed.InputRandomSegment(parameters));
        committed.State.MarkMaskSetsUsed(openingsUsed);
        return committed;
    }

    /// <summary>
    /// Commits without the range and parameter checks: the honest path after <see cref="Validate"/>, or, in tests, a cheating owner
    /// (an input out of range, a padded tensor given as <paramref name="tensor"/> with non-zero padding) or the plain control of the
    /// indistinguishability test.
    /// </summary>
    internal static CommittedInput CommitUnchecked(
        ModelCommitment model, int[] input, LigeroParameters parameters, ISaltSource? salts, ISaltSource? masks, ISaltSource? random, Goldilocks[]? tensor = null)
    {
        var layout = InputLayout.Create(model.InputShape, model.InputBits, parameters.OpeningBudget);
        var segments = new Goldilocks[2][];
        segments[InputLayout.TensorSegment] = tensor ?? layout.Scatter(input);
        var words = new LigeroMasking.SaltWords(random ?? RandomSaltSource.Instance);
        segments[InputLayout.RandomSegment] = new Goldilocks[1 << layout.RandomLogSize];
        for (int i = 0; i < segments[InputLayout.RandomSegment].Length; i++)
        {
            segments[InputLayout.RandomSegment][i] = Goldilocks.Sample(words);
        }

        words.Clear();
        Goldilocks[] polynomial = layout.Segments.Assemble(segments)[0];
        LigeroProverState state = LigeroProver.Commit(polynomial, parameters, salts, masks);
        var commitment = new InputCommitment(model.InputShape, model.InputBits, parameters, state.Commitment);
        return new CommittedInput(input, commitment, polynomial, state);
    }

    private static void Validate(ModelCommitment model, ReadOnlySpan<int> input, LigeroParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(parameters);
        if (!parameters.Hiding || parameters.OpeningBudget == 0)
        {
            throw new ArgumentException("An input is committed with hiding parameters and an opening budget (LigeroParameters.DefaultHidingWithBudget).", nameof(parameters));
        }

        if (!InputLayout.Create(model.InputShape, model.InputBits, parameters.OpeningBudget).Admits(input))
        {
            throw new ArgumentException($"The input must hold {model.InputShape.Size} signed {model.InputBits}-bit integers.", nameof(input));
        }
    }
}
