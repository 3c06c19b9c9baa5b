using Thestage.Models;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Lookups;

namespace Thestage.Proofs.Inference;

/// <summary>
/// The committed polynomial of a private input (<see cref="InputCommitment"/>), derived from the input's shape, its integer
/// width and the opening budget alone, so that owner, prover and verifier lay it out identically: segment 0 is the input tensor
/// <c>X</c> in the circuit's padded layout of one sample (<see cref="TensorLayout"/>: index <c>c·S' + s</c>, zero at every
/// padding entry), segment 1 a random segment of <c>2·max(1, B)</c> uniform base entries (rounded up to a power of two) that no
/// claim reads.
/// </summary>
/// <remarks>
/// <para>
/// Range: <c>X</c> is looked up directly with the logUp's public affine maps (<see cref="LookupColumnSpec"/>): <c>X + 2^(b−1)</c>
/// in <c>[0, 2^8)</c> and, for <c>b &lt; 8</c>, <c>2^(8−b)·X + 128 = 2^(8−b)·(X + 2^(b−1))</c> in <c>[0, 2^8)</c>; together
/// <c>X + 2^(b−1) ∈ [0, 2^b)</c>, i.e. every entry is a <c>b</c>-bit signed integer (the scaled lookup of
/// <see cref="CircuitPlan"/>'s 7-bit limbs). Only <c>b ≤ 8</c> is supported (the width of every quantized model of the SDK); a wider
/// input would need limbs and a linking identity.
/// </para>
/// <para>
/// Padding: the relations read the padded tensor; an honest input has zeros there, and the proof shows it by the zero-check
/// <c>Σ_x eq(r, x)·Pad(x)·X(x) = 0</c> of <see cref="WeightRangeArgument"/> against the box of real entries (skipped when the
/// shape has no padding).
/// </para>
/// <para>
/// Random segment: an opening proves one batched value <c>P̃(s)</c>; the random segment's share <c>Σ_j eq(s, j)·R_j</c> makes it
/// uniform (<see cref="ClaimBatcher"/> remarks). Each of the <c>B</c> openings the budget allows reveals one extension value, two
/// base-field functionals of <c>R</c>, so <c>2·B</c> entries keep the <c>B</c> values jointly uniform.
/// </para>
/// </remarks>
internal sealed class InputLayout
{
    /// <summary>The widest supported input integers.</summary>
    public const int MaxInputBits = 8;

    public const int TensorSegment = 0;

    public const int RandomSegment = 1;

    private InputLayout(Shape shape, int inputBits, int openingBudget)
    {
        Shape = shape;
        InputBits = inputBits;
        Tensor = TensorLayout.Create(shape.Channels, shape.Height * shape.Width, 0);
        RandomLogSize = TensorLayout.CeilLog2(2 * Math.Max(1, openingBudget));
        Segments = SegmentLayout.Create([Tensor.LogSize, RandomLogSize], splitLargest: false);
        Box = [(Tensor.LogChannels, Tensor.Channels), (Tensor.LogSpatial, Tensor.Spatial)];
        HasPadding = Tensor.Channels != 1 << Tensor.LogChannels || Tensor.Spatial != Tensor.SpatialPadded;
        ulong offset = 1UL << (inputBits - 1);
        Columns = inputBits < 8 ? [(1UL, offset), (1UL << (8 - inputBits), 128UL)] : [(1UL, offset)];
    }

    public Shape Shape { get; }

    public int InputBits { get; }

    /// <summary>Gets the padded layout of the input tensor (one sample), the circuit's tensor 0.</summary>
    public TensorLayout Tensor { get; }

    public int RandomLogSize { get; }

    /// <summary>Gets the packing of the tensor and random segments into the one committed polynomial.</summary>
    public SegmentLayout Segments { get; }

    public int NumVariables => Segments.NumVariables[0];

    /// <summary>Gets the box of real entries of the tensor segment (<see cref="Polynomials.BoxIndicator"/>): channels below <c>C</c>, spatial positions below <c>S</c>.</summary>
    public (int Bits, long Bound)[] Box { get; }

    /// <summary>Gets a value indicating whether the tensor segment has padding entries (whose zero-check the proof then carries).</summary>
    public bool HasPadding { get; }

    /// <summary>Gets the scale and offset of each lookup of the tensor segment (see remarks).</summary>
    public (ulong Scale, ulong Offset)[] Columns { get; }

    /// <summary>Gets the lookup columns as the verifier knows them.</summary>
    public LookupColumnSpec[] LookupSpecs => Columns.Select(c => new LookupColumnSpec(Tensor.LogSize, c.Scale, c.Offset)).ToArray();

    /// <summary>The layout of an input of <paramref name="shape"/> and <paramref name="inputBits"/>-bit integers under an opening budget.</summary>
    /// <exception cref="ArgumentException">The width is not in <c>[2, 8]</c>, the budget not in <c>[0, 256]</c>, or the tensor is larger than <see cref="ModelCommitment.MaxPaddedEntries"/>.</exception>
    public static InputLayout Create(Shape shape, int inputBits, int openingBudget)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (inputBits is < 2 or > MaxInputBits)
        {
            throw new ArgumentException($"A private input has 2 to {MaxInputBits}-bit integers (the model's input has {inputBits}).", nameof(inputBits));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(openingBudget);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(openingBudget, Commitments.LigeroParameters.MaxOpeningBudget);
        long padded = (1L << TensorLayout.CeilLog2(shape.Channels)) * (1L << TensorLayout.CeilLog2(shape.Height * shape.Width));
        if (padded > ModelCommitment.MaxPaddedEntries)
        {
            throw new ArgumentException($"The input tensor would hold {padded} padded entries; at most {ModelCommitment.MaxPaddedEntries} are allowed.", nameof(shape));
        }

        return new InputLayout(shape, inputBits, openingBudget);
    }

    /// <summary>Whether every value is a <see cref="InputBits"/>-bit signed integer and the count is the shape's.</summary>
    public bool Admits(ReadOnlySpan<int> input)
    {
        long bound = 1L << (InputBits - 1);
        if (input.Length != Shape.Size)
        {
            return false;
        }

        foreach (int value in input)
        {
            if (value < -bound || value >= bound)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The padded input tensor (zero padding), as field elements.</summary>
    public Goldilocks[] Scatter(ReadOnlySpan<int> input)
    {
        var tensor = new Goldilocks[Tensor.Size];
        for (int f = 0; f < input.Length; f++)
        {
            tensor[Tensor.Feature(f)] = CircuitPlan.Field(input[f]);
        }

        return tensor;
    }
}
