using System.Numerics;

namespace Thestage.Proofs.Training;

/// <summary>
/// Architecture and hyperparameters of deterministic fixed-point MLP training (<see cref="FixedPointTrainer"/>).
/// </summary>
/// <remarks>
/// <para>
/// Every real quantity (inputs, weights, biases, pre-activations, activations, errors) is an integer <c>v</c>
/// meaning <c>v·2^−f</c>, <c>f = </c><see cref="FractionalBits"/>. Weights and biases must stay in the signed
/// <see cref="WeightBits"/>-bit range <c>[−2^(W−1), 2^(W−1) − 1]</c>; every value (input, pre-activation,
/// activation, error) in the signed <see cref="ValueBits"/>-bit range <c>[−2^(V−1), 2^(V−1) − 1]</c>
/// (checked: <see cref="TrainingOverflowException"/>).
/// </para>
/// <para>
/// The constructor checks that no intermediate sum can leave <c>[−2^62, 2^62]</c>, so every accumulator is an exact
/// 64-bit integer and embeds into the Goldilocks field (<c>p ≈ 2^64</c>) without wrapping: with <c>n</c> the largest
/// fan-in or fan-out, <c>W + V − 2 + ⌈log2(n + 1)⌉ ≤ 62</c> (forward and backward products, bias included since
/// <c>f ≤ V − 2</c>; these stay strictly inside) and <c>2V − 2 + log2 B ≤ 62</c> (weight gradients summed over the
/// batch), and that <c>u + W ≤ 62</c> for the update shift <c>u = f + k + log2 B</c>, so that the update identity
/// <c>G + 2^(u−1) = 2^u·(W_t − W_(t+1)) + ρ</c> the step proof checks over <c>F_p</c> cannot wrap either.
/// </para>
/// <para>
/// Budget: the padded snapshot holds at most <see cref="MaxPaddedParameters"/> entries and one step's committed limbs at
/// most <c>2^30</c>, so every statement a <see cref="TrainingTranscript"/> can carry is one whose proofs can be verified in
/// bounded memory; the rules are checked here, from the widths and the batch size alone, before anything is built.
/// </para>
/// </remarks>
public sealed class TrainingConfig
{
    /// <summary>The largest number of layers (weight matrices).</summary>
    public const int MaxLayers = 16;

    /// <summary>The largest width of any layer.</summary>
    public const int MaxWidth = 1 << 12;

    /// <summary>The largest batch size.</summary>
    public const int MaxBatchSize = 1 << 16;

    /// <summary>
    /// The largest number of entries of one committed snapshot after padding, <c>Σ_l 2^⌈log2 out_l⌉·(2^⌈log2 in_l⌉ + 1)</c>:
    /// <c>2^23</c>. It bounds what a verifier spends on any transcript (the initial-snapshot check evaluates every entry), so a
    /// few header bytes cannot declare a network whose verification would exhaust memory.
    /// </summary>
    public const int MaxPaddedParameters = 1 << 23;

    private readonly int[] _layerSizes;

    /// <summary>Initializes a new configuration and checks every range rule in the remarks.</summary>
    /// <param name="layerSizes">Widths from input to output; at least three entries (two weight layers), each in <c>[1, 2^12]</c>.</param>
    /// <param name="batchSize">The minibatch size, a power of two in <c>[1, 2^16]</c> (so averaging is a shift).</param>
    /// <param name="learningRateShift">The learning rate is <c>2^−k</c>, <c>k ∈ [0, 30]</c>.</param>
    /// <param name="fractionalBits">The fixed-point fractional bits <c>f ∈ [1, V − 2]</c>.</param>
    /// <param name="weightBits">The signed width of weights and biases, <c>W ∈ [2, 31]</c>.</param>
    /// <param name="valueBits">The signed width of every activation and error, <c>V ∈ [f + 2, 31]</c>.</param>
    /// <param name="seed">The public seed of weight initialization and batch selection.</param>
    /// <exception cref="ArgumentException">A size or range rule is violated.</exception>
    public TrainingConfig(
        IReadOnlyList<int> layerSizes,
        int batchSize,
        int learningRateShift,
        int fractionalBits,
        int weightBits,
        int valueBits,
        ulong seed)
    {
        ArgumentNullException.ThrowIfNull(layerSizes);
        if (layerSizes.Count < 3 || layerSizes.Count > MaxLayers + 1)
        {
            throw new ArgumentException($"An MLP here has between 2 and {MaxLayers} layers (3 to {MaxLayers + 1} widths).", nameof(layerSizes));
        }

        _layerSizes = [.. layerSizes];
        int maxFan = 0;
        foreach (int width in _layerSizes)
        {
            if (width < 1 || width > MaxWidth)
            {
                throw new ArgumentException($"Layer widths must lie in [1, {MaxWidth}].", nameof(layerSizes));
            }

            maxFan = Math.Max(maxFan, width);
        }

        if (batchSize < 1 || batchSize > MaxBatchSize || !BitOperations.IsPow2(batchSize))
        {
            throw new ArgumentException($"The batch size must be a power of two in [1, {MaxBatchSize}].", nameof(batchSize));
        }

        if (learningRateShift < 0 || learningRateShift > 30)
        {
            throw new ArgumentException("The learning-rate shift must lie in [0, 30].", nameof(learningRateShift));
        }

        if (weightBits < 2 || weightBits > 31)
        {
            throw new ArgumentException("Weights are 2- to 31-bit signed integers.", nameof(weightBits));
        }

        if (valueBits < 3 || valueBits > 31)
        {
            throw new ArgumentException("Values are 3- to 31-bit signed integers.", nameof(valueBits));
        }

        if (fractionalBits < 1 || fractionalBits > valueBits - 2)
        {
            throw new ArgumentException("The fractional bits must lie in [1, valueBits − 2] so that 1.0 is representable.", nameof(fractionalBits));
        }

        int fanBits = 64 - BitOperations.LeadingZeroCount((ulong)maxFan); // ⌈log2(maxFan + 1)⌉
        if (weightBits + valueBits - 2 + fanBits > 62)
        {
            throw new ArgumentException("Forward/backward accumulators could exceed 2^62; use fewer weight or value bits or narrower layers.");
        }

        int batchBits = BitOperations.Log2((uint)batchSize);
        if ((2 * valueBits) - 2 + batchBits > 62)
        {
            throw new ArgumentException("Gradient accumulators could exceed 2^62; use fewer value bits or a smaller batch.");
        }

        if (fractionalBits + learningRateShift + batchBits + weightBits > 62)
        {
            throw new ArgumentException("The update shift f + k + log2 B plus the weight bits must not exceed 62.");
        }

        long padded = 0;
        for (int l = 0; l + 1 < _layerSizes.Length; l++)
        {
            padded += (1L << Inference.TensorLayout.CeilLog2(_layerSizes[l + 1])) * ((1L << Inference.TensorLayout.CeilLog2(_layerSizes[l])) + 1);
        }

        if (padded > MaxPaddedParameters)
        {
            throw new ArgumentException($"The padded parameters ({padded}) exceed {MaxPaddedParameters}; use narrower layers.", nameof(layerSizes));
        }

        BatchSize = batchSize;
        LearningRateShift = learningRateShift;
        FractionalBits = fractionalBits;
        WeightBits = weightBits;
        ValueBits = valueBits;
        Seed = seed;
        try
        {
            _ = new StepCircuit(this, hiddenBatch: true);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException("The limbs one step's proof commits would exceed 2^30 entries; use a smaller batch or narrower layers.", e);
        }
    }

    /// <summary>Gets the layer widths from input to output.</summary>
    public IReadOnlyList<int> LayerSizes => _layerSizes;

    /// <summary>Gets the number of weight layers (<c>LayerSizes.Count − 1</c>).</summary>
    public int LayerCount => _layerSizes.Length - 1;

    /// <summary>Gets the input width.</summary>
    public int InputSize => _layerSizes[0];

    /// <summary>Gets the number of classes (the output width).</summary>
    public int ClassCount => _layerSizes[^1];

    /// <summary>Gets the minibatch size <c>B</c> (a power of two).</summary>
    public int BatchSize { get; }

    /// <summary>Gets <c>k</c> with learning rate <c>2^−k</c>.</summary>
    public int LearningRateShift { get; }

    /// <summary>Gets the fixed-point fractional bits <c>f</c>.</summary>
    public int FractionalBits { get; }

    /// <summary>Gets the signed width <c>W</c> of weights and biases.</summary>
    public int WeightBits { get; }

    /// <summary>Gets the signed width <c>V</c> of activations and errors.</summary>
    public int ValueBits { get; }

    /// <summary>Gets the public seed of weight initialization and batch selection.</summary>
    public ulong Seed { get; }

    /// <summary>Gets the smallest weight or bias, <c>−2^(W−1)</c>.</summary>
    public long WeightMin => -(1L << (WeightBits - 1));

    /// <summary>Gets the largest weight or bias, <c>2^(W−1) − 1</c>.</summary>
    public long WeightMax => (1L << (WeightBits - 1)) - 1;

    /// <summary>Gets the smallest value, <c>−2^(V−1)</c>.</summary>
    public long ValueMin => -(1L << (ValueBits - 1));

    /// <summary>Gets the largest value, <c>2^(V−1) − 1</c>.</summary>
    public long ValueMax => (1L << (ValueBits - 1)) - 1;

    /// <summary>Gets the fixed-point encoding of 1.0, <c>2^f</c>.</summary>
    public long One => 1L << FractionalBits;

    /// <summary>
    /// Gets the shift of the weight update, <c>f + k + log2 B</c>: the gradient sum (in units of <c>2^−2f</c>) divided by
    /// <c>B</c>, times <c>2^−k</c>, expressed in units of <c>2^−f</c>.
    /// </summary>
    public int UpdateShift => FractionalBits + LearningRateShift + BitOperations.Log2((uint)BatchSize);

    /// <summary>Gets the number of weights and biases of all layers.</summary>
    public int ParameterCount
    {
        get
        {
            int count = 0;
            for (int l = 0; l < LayerCount; l++)
            {
                count += (_layerSizes[l] + 1) * _layerSizes[l + 1];
            }

            return count;
        }
    }
}
