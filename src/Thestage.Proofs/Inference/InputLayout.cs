using Thestage.Models;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Lookups;

namespace Thestage.Proofs.Inference;

/// <summary>
/// The committed polynomial of a private input (<see cref="InputCommitment"/>), derived from the input's shape, its integer
/// width, the number of samples and the opening budget alone, so that owner, prover and verifier lay it out identically: segment 0
/// is the input batch <c>X</c> in the circuit's padded layout (<see cref="TensorLayout"/>: index <c>(c·S' + s)·B' + b</c>, zero at every
/// padding entry), segment 1 a random segment of <c>2·max(1, B)</c> uniform base entries (rounded up to a power of two) that no
/// claim reads, and — in a <c>TSIC</c> v2 commitment (<see cref="Masked"/>) — for every mask set <c>b ∈ [0, B)</c> (the set proof
/// <c>b</c>'s opening names), <see cref="MasksPerSet"/> mask segments of uniform base entries: <see cref="MaskEntries"/> for the relation's, the
/// <c>2v</c> of the tensor's <c>v</c> variables (rounded up to a power of two) for the others.
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
/// Padding: the relations read the padded tensor; an honest input has zeros there (padded channels, positions and samples), and the
/// proof shows it by the zero-check <c>Σ_x eq(r, x)·Pad(x)·X(x) = 0</c> against the box of real entries (skipped when the layout has
/// no padding).
/// </para>
/// <para>
/// Masks (<c>TSIC</c> v2, the zero-knowledge proofs of <c>TSIP</c> 0x8003): proof <c>b</c> reads the input through masked extensions
/// (<see cref="Sumcheck.MaskedExtension"/>) whose coefficients are set <c>b</c>'s segments, one claim each: the first layer's zero-check
/// (<see cref="RelationMask"/>: whichever model reads the input, its one zero-check over <c>V ≤ </c><see cref="MaxMaskVariables"/> variables
/// reads the first <c>2V</c> entries), each lookup column (<see cref="LookupMask"/>: two functionals of <c>v ≥ 2</c> coefficients), and the
/// padding zero-check (<see cref="PaddingMask"/>). The set's claims are then uniform, independent of the input and of other sets' proofs,
/// for as long as the budget lasts — the same bound as the opening itself (<see cref="WeightMaskLayout"/> does the same for the weights).
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

    /// <summary>The most variables of a zero-check whose masked extension a mask segment serves (<c>2·64</c> base entries).</summary>
    public const int MaxMaskVariables = 64;

    public const int TensorSegment = 0;

    public const int RandomSegment = 1;

    private InputLayout(Shape shape, int inputBits, int openingBudget, int batch, bool masked)
    {
        Shape = shape;
        InputBits = inputBits;
        Batch = batch;
        Masked = masked && openingBudget > 0; // a plain commitment (tests only: the format refuses it) has no sets to mask
        OpeningBudget = openingBudget;
        Tensor = TensorLayout.Create(shape.Channels, shape.Height * shape.Width, TensorLayout.CeilLog2(batch));
        RandomLogSize = TensorLayout.CeilLog2(2 * Math.Max(1, openingBudget));
        Box = Tensor.LogBatch == 0 ? [(Tensor.LogChannels, Tensor.Channels), (Tensor.LogSpatial, Tensor.Spatial)]
            : [(Tensor.LogChannels, Tensor.Channels), (Tensor.LogSpatial, Tensor.Spatial), (Tensor.LogBatch, batch)];
        HasPadding = Tensor.Channels != 1 << Tensor.LogChannels || Tensor.Spatial != Tensor.SpatialPadded || batch != 1 << Tensor.LogBatch;
        ulong offset = 1UL << (inputBits - 1);
        Columns = inputBits < 8 ? [(1UL, offset), (1UL << (8 - inputBits), 128UL)] : [(1UL, offset)];
        MasksPerSet = Masked ? 1 + Columns.Length + (HasPadding ? 1 : 0) : 0;
        var logSizes = new List<int> { Tensor.LogSize, RandomLogSize };
        for (int set = 0; set < (Masked ? openingBudget : 0); set++)
        {
            // The relation's mask serves any zero-check; the lookup columns' and the padding's read the tensor's own variables.
            logSizes.Add(TensorLayout.CeilLog2(MaskEntries));
            logSizes.AddRange(Enumerable.Repeat(TensorLayout.CeilLog2(Sumcheck.MaskedExtension.Entries(Tensor.LogSize)), MasksPerSet - 1));
        }
        Segments = SegmentLayout.Create(logSizes, splitLargest: false);
    }

    /// <summary>The base entries of a mask segment: the coefficients of a masked extension of up to <see cref="MaxMaskVariables"/> variables.</summary>
    public static int MaskEntries => Sumcheck.MaskedExtension.Entries(MaxMaskVariables);

    public Shape Shape { get; }

    public int InputBits { get; }

    /// <summary>Gets the number of committed samples.</summary>
    public int Batch { get; }

    /// <summary>Gets a value indicating whether the layout carries mask sets (<c>TSIC</c> v2): proofs over it can hide their claims on the input.</summary>
    public bool Masked { get; }

    public int OpeningBudget { get; }

    /// <summary>Gets the number of mask segments per set: the relation's, one per lookup column, and the padding zero-check's when there is padding.</summary>
    public int MasksPerSet { get; }

    /// <summary>Gets the padded layout of the input batch, the circuit's tensor 0.</summary>
    public TensorLayout Tensor { get; }

    public int RandomLogSize { get; }

    /// <summary>Gets the packing of the tensor, random and mask segments into the one committed polynomial.</summary>
    public SegmentLayout Segments { get; }

    public int NumVariables => Segments.NumVariables[0];

    /// <summary>Gets the box of real entries of the tensor segment (<see cref="Polynomials.BoxIndicator"/>): channels below <c>C</c>, spatial positions below <c>S</c>, samples below the batch.</summary>
    public (int Bits, long Bound)[] Box { get; }

    /// <summary>Gets a value indicating whether the tensor segment has padding entries (whose zero-check the proof then carries).</summary>
    public bool HasPadding { get; }

    /// <summary>Gets the scale and offset of each lookup of the tensor segment (see remarks).</summary>
    public (ulong Scale, ulong Offset)[] Columns { get; }

    /// <summary>Gets the lookup columns as the verifier knows them (masked in a zero-knowledge proof).</summary>
    public LookupColumnSpec[] LookupSpecs(bool masked = false) => Columns.Select(c => new LookupColumnSpec(Tensor.LogSize, c.Scale, c.Offset, masked)).ToArray();

    /// <summary>The mask segment of set <paramref name="set"/> for the claim of the zero-check that reads the input.</summary>
    public int RelationMask(int set) => MaskSegment(set, 0);

    /// <summary>The mask segment of set <paramref name="set"/> for lookup column <paramref name="column"/> of <see cref="Columns"/>.</summary>
    public int LookupMask(int set, int column) => MaskSegment(set, 1 + column);

    /// <summary>The mask segment of set <paramref name="set"/> for the padding zero-check's claim.</summary>
    public int PaddingMask(int set) => HasPadding ? MaskSegment(set, 1 + Columns.Length) : throw new InvalidOperationException("The layout has no padding.");

    /// <summary>The layout of <paramref name="batch"/> inputs of <paramref name="shape"/> and <paramref name="inputBits"/>-bit integers under an opening budget, with mask sets (<c>TSIC</c> v2) or without (v1).</summary>
    /// <exception cref="ArgumentException">The width is not in <c>[2, 8]</c>, the budget not in <c>[0, 256]</c>, the batch not in <c>[1, 4096]</c>, or the tensor is larger than <see cref="ModelCommitment.MaxPaddedEntries"/> per sample.</exception>
    public static InputLayout Create(Shape shape, int inputBits, int openingBudget, int batch = 1, bool masked = true)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (inputBits is < 2 or > MaxInputBits)
        {
            throw new ArgumentException($"A private input has 2 to {MaxInputBits}-bit integers (the model's input has {inputBits}).", nameof(inputBits));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(openingBudget);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(openingBudget, Commitments.LigeroParameters.MaxOpeningBudget);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(batch, 1 << WeightMaskLayout.MaxLogBatch);
        if (!masked && batch != 1)
        {
            throw new ArgumentException("A TSIC v1 input commitment holds one sample.", nameof(batch));
        }

        long padded = (1L << TensorLayout.CeilLog2(shape.Channels)) * (1L << TensorLayout.CeilLog2(shape.Height * shape.Width));
        if (padded > ModelCommitment.MaxPaddedEntries)
        {
            throw new ArgumentException($"The input tensor would hold {padded} padded entries; at most {ModelCommitment.MaxPaddedEntries} are allowed.", nameof(shape));
        }

        return new InputLayout(shape, inputBits, openingBudget, batch, masked);
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

    /// <summary>The padded input batch (zero padding), as field elements.</summary>
    public Goldilocks[] Scatter(IReadOnlyList<int[]> inputs)
    {
        var tensor = new Goldilocks[Tensor.Size];
        for (int b = 0; b < inputs.Count; b++)
        {
            InferenceWitness.Scatter(Tensor, Tensor.LogBatch, b, Array.ConvertAll(inputs[b], v => CircuitPlan.Field(v)), tensor);
        }

        return tensor;
    }

    private int MaskSegment(int set, int index)
    {
        if (!Masked || set < 0 || set >= OpeningBudget)
        {
            throw new ArgumentOutOfRangeException(nameof(set), "The layout has no such mask set.");
        }

        return 2 + (set * MasksPerSet) + index;
    }
}
