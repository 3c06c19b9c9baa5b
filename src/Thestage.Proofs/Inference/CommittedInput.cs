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
    private readonly int[][] _inputs;

    private CommittedInput(int[][] inputs, InputCommitment commitment, Goldilocks[] polynomial, LigeroProverState state)
    {
        _inputs = inputs;
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

    /// <summary>Gets the committed samples (one for <see cref="Commit(ModelCommitment, ReadOnlySpan{int}, LigeroParameters, ISaltSource?)"/>).</summary>
    internal IReadOnlyList<int[]> Inputs => _inputs;

    internal Goldilocks[] Polynomial { get; }

    internal LigeroProverState State { get; }

    /// <summary>Commits to an input of <paramref name="model"/>'s input shape and width with fresh randomness.</summary>
    /// <param name="model">A model commitment whose input layout the input follows; proofs can use any model of the same input shape and width.</param>
    /// <param name="input">The input, channel-major, <see cref="ModelCommitment.InputBits"/>-bit signed integers.</param>
    /// <param name="parameters">Hiding parameters with an opening budget (<see cref="LigeroParameters.DefaultHidingWithBudget"/>).</param>
    /// <param name="salts">The source of the salts, the masking rows and the random segment; <see langword="null"/> uses <see cref="RandomSaltSource"/>.</param>
    /// <returns>The committed input.</returns>
    /// <exception cref="ArgumentException">The input has the wrong length or range, the model's input is wider than 8 bits, or the parameters are not hiding with a budget.</exception>
    public static CommittedInput Commit(ModelCommitment model, ReadOnlySpan<int> input, LigeroParameters parameters, ISaltSource? salts = null) =>
        CommitBatch(model, [input.ToArray()], parameters, salts);

    /// <summary>
    /// Commits to a batch of inputs with fresh randomness, as one commitment that one proof opens for all of them
    /// (<see cref="InferenceProver.ProvePrivateInputBatch"/>).
    /// </summary>
    /// <param name="model">A model commitment whose input layout the inputs follow.</param>
    /// <param name="inputs">Between 1 and 4096 inputs, channel-major, <see cref="ModelCommitment.InputBits"/>-bit signed integers.</param>
    /// <param name="parameters">Hiding parameters with an opening budget (<see cref="LigeroParameters.DefaultHidingWithBudget"/>).</param>
    /// <param name="salts">The source of the salts, the masking rows, the random segment and the mask sets; <see langword="null"/> uses <see cref="RandomSaltSource"/>.</param>
    /// <returns>The committed batch.</returns>
    /// <exception cref="ArgumentException">As <see cref="Commit(ModelCommitment, ReadOnlySpan{int}, LigeroParameters, ISaltSource?)"/>, or the batch size is out of range.</exception>
    public static CommittedInput CommitBatch(ModelCommitment model, IReadOnlyList<int[]> inputs, LigeroParameters parameters, ISaltSource? salts = null)
    {
        Validate(model, inputs, parameters);
        return CommitUnchecked(model, inputs, parameters, salts, salts, salts);
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
    public static CommittedInput Commit(ModelCommitment model, ReadOnlySpan<int> input, ModelCommitmentSeed seed, LigeroParameters parameters, int openingsUsed = 0) =>
        CommitBatch(model, [input.ToArray()], seed, parameters, openingsUsed);

    /// <summary>Commits to a batch of inputs with every random value derived from <paramref name="seed"/> (see the single-input overload).</summary>
    /// <param name="model">A model commitment whose input layout the inputs follow.</param>
    /// <param name="inputs">Between 1 and 4096 inputs.</param>
    /// <param name="seed">The owner's secret seed, one per committed batch.</param>
    /// <param name="parameters">Hiding parameters with an opening budget.</param>
    /// <param name="openingsUsed">The openings earlier copies made, in <c>[0, OpeningBudget]</c>.</param>
    /// <returns>The committed batch.</returns>
    /// <exception cref="ArgumentException">As <see cref="CommitBatch(ModelCommitment, IReadOnlyList{int[]}, LigeroParameters, ISaltSource?)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="openingsUsed"/> is outside <c>[0, OpeningBudget]</c>.</exception>
    /// <exception cref="ObjectDisposedException">The seed was disposed.</exception>
    public static CommittedInput CommitBatch(ModelCommitment model, IReadOnlyList<int[]> inputs, ModelCommitmentSeed seed, LigeroParameters parameters, int openingsUsed = 0)
    {
        ArgumentNullException.ThrowIfNull(seed);
        Validate(model, inputs, parameters);
        ArgumentOutOfRangeException.ThrowIfNegative(openingsUsed);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(openingsUsed, parameters.OpeningBudget);
        CommittedInput committed = CommitUnchecked(model, inputs, parameters, seed.InputSalts(parameters), seed.InputMasks(parameters), seed.InputRandomSegment(parameters));
        committed.State.MarkMaskSetsUsed(openingsUsed);
        return committed;
    }

    /// <summary>
    /// Commits without the range and parameter checks: the honest path after <see cref="Validate"/>, or, in tests, a cheating owner
    /// (an input out of range, a padded tensor given as <paramref name="tensor"/> with non-zero padding), the <c>TSIC</c> v1 commitment of
    /// the downgrade tests (<paramref name="masked"/> false) or the plain control of the indistinguishability test.
    /// </summary>
    internal static CommittedInput CommitUnchecked(
        ModelCommitment model, IReadOnlyList<int[]> inputs, LigeroParameters parameters, ISaltSource? salts, ISaltSource? masks, ISaltSource? random, Goldilocks[]? tensor = null,
        bool masked = true)
    {
        var layout = InputLayout.Create(model.InputShape, model.InputBits, parameters.OpeningBudget, inputs.Count, masked);
        var segments = new Goldilocks[layout.Segments.SegmentCount][];
        segments[InputLayout.TensorSegment] = tensor ?? layout.Scatter(inputs);
        var words = new LigeroMasking.SaltWords(random ?? RandomSaltSource.Instance);
        for (int s = InputLayout.RandomSegment; s < segments.Length; s++)
        {
            // The random segment, then every mask set's segments: uniform base entries.
            segments[s] = new Goldilocks[1 << layout.Segments.LogSizeOf(s)];
            for (int i = 0; i < segments[s].Length; i++)
            {
                segments[s][i] = Goldilocks.Sample(words);
            }
        }

        words.Clear();
        Goldilocks[] polynomial = layout.Segments.Assemble(segments)[0];
        foreach (Goldilocks[] segment in segments)
        {
            Array.Clear(segment);
        }

        LigeroProverState state = LigeroProver.Commit(polynomial, parameters, salts, masks);
        var commitment = new InputCommitment(model.InputShape, model.InputBits, parameters, state.Commitment, inputs.Count, masked);
        return new CommittedInput([.. inputs.Select(i => (int[])i.Clone())], commitment, polynomial, state);
    }

    private static void Validate(ModelCommitment model, IReadOnlyList<int[]> inputs, LigeroParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(parameters);
        if (!parameters.Hiding || parameters.OpeningBudget == 0)
        {
            throw new ArgumentException("An input is committed with hiding parameters and an opening budget (LigeroParameters.DefaultHidingWithBudget).", nameof(parameters));
        }

        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count is 0 or > 1 << WeightMaskLayout.MaxLogBatch)
        {
            throw new ArgumentException("Between 1 and 4096 inputs are committed together.", nameof(inputs));
        }

        var layout = InputLayout.Create(model.InputShape, model.InputBits, parameters.OpeningBudget, inputs.Count);
        if (inputs.Any(input => input is null || !layout.Admits(input)))
        {
            throw new ArgumentException($"Every input must hold {model.InputShape.Size} signed {model.InputBits}-bit integers.", nameof(inputs));
        }
    }
}
