using Thestage.Proofs.Fields;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Polynomials;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Training;

/// <summary>
/// The training set of a hiding run as one multilinear polynomial (committed with hiding Ligero, <see cref="DatasetCommitment"/>):
/// one row per sample, features and one-hot label, so that a step proof proves claims on its batch's samples without opening
/// them (the gather of <see cref="StepRelations"/>).
/// </summary>
/// <remarks>
/// <para>
/// Layout: <c>2^n</c> rows (<c>n = ⌈log2 N⌉</c>, rows <c>N …</c> zero) of <c>2^(m+1)</c> entries, <c>m = max(⌈log2 d⌉, ⌈log2 C⌉)</c>:
/// entry <c>(i, 0‖c)</c> is feature <c>c &lt; d</c> of sample <c>i</c> (zero for <c>c ≥ d</c>), entry <c>(i, 1‖j)</c> is
/// <c>[label_i = j]</c>. Variables are most significant first, row variables before column variables, so
/// <c>X̃(r, 0, 0…0, s) = Σ_i eq(r, i)·Ã_i(s)</c> reads the zero-padded feature vectors as the step's input tensor reads them and
/// <c>X̃(r, 1, 0…0, ζ) = Σ_i eq(r, i)·eq(ζ, label_i)</c> the one-hot targets.
/// </para>
/// <para>
/// Gather (a sumcheck over the sample variables). The batch indices <c>i_b</c> are public (<see cref="TrainingTranscript.Batch"/>),
/// so a claim on the batch's tensor at <c>(s, ζ_b)</c> is <c>Σ_b eq(ζ_b, b)·X̃(i_b, col(s)) = Σ_(x∈{0,1}^n) Sel(x)·X̃(x, col(s))</c> with
/// the public selector <c>Sel(x) = Σ_b eq(ζ_b, b)·[x = i_b]</c>, whose extension <c>Sel~(r) = Σ_b eq(ζ_b, b)·eq(i_b, r)</c> the verifier
/// evaluates in <c>O(B·n)</c>. A degree-2 sumcheck over <c>n</c> variables (<c>2n/|E|</c>, masked in a hiding run) leaves
/// <c>X̃(r, col(s))</c>, a claim on the committed dataset that the step proof's one batched dataset opening discharges.
/// </para>
/// </remarks>
internal sealed class DatasetPolynomial
{
    public DatasetPolynomial(TrainingConfig config, int sampleCount)
    {
        Config = config;
        SampleVariables = TensorLayout.CeilLog2(sampleCount);
        FeatureVariables = TensorLayout.CeilLog2(config.InputSize);
        LabelVariables = TensorLayout.CeilLog2(config.ClassCount);
        InnerVariables = Math.Max(FeatureVariables, LabelVariables);
        Layout = SegmentLayout.Create([SampleVariables + InnerVariables + 1], splitLargest: false);
    }

    /// <summary>The region (first column variable) of the features.</summary>
    public const int FeatureRegion = 0;

    /// <summary>The region of the one-hot labels.</summary>
    public const int LabelRegion = 1;

    public TrainingConfig Config { get; }

    /// <summary>Gets <c>n = ⌈log2 N⌉</c>.</summary>
    public int SampleVariables { get; }

    /// <summary>Gets <c>⌈log2 d⌉</c>, the variables of the step's input features.</summary>
    public int FeatureVariables { get; }

    /// <summary>Gets <c>⌈log2 C⌉</c>, the variables of the step's output rows.</summary>
    public int LabelVariables { get; }

    /// <summary>Gets <c>m</c>: a row holds <c>2^(m+1)</c> entries.</summary>
    public int InnerVariables { get; }

    /// <summary>Gets the one-segment layout of the polynomial (for <see cref="ClaimBatcher"/>).</summary>
    public SegmentLayout Layout { get; }

    /// <summary>Gets the number of variables of the committed polynomial.</summary>
    public int NumVariables => Layout.NumVariables[0];

    private int RowLength => 1 << (InnerVariables + 1);

    /// <summary>Builds the table (see remarks) of <paramref name="dataset"/>.</summary>
    public Goldilocks[] Table(TrainingDataset dataset)
    {
        var table = new Goldilocks[(long)RowLength << SampleVariables];
        int labels = 1 << InnerVariables;
        for (int i = 0; i < dataset.Count; i++)
        {
            int start = i * RowLength;
            int[] x = dataset.FeaturesOf(i);
            for (int c = 0; c < x.Length; c++)
            {
                table[start + c] = WeightCommitment.Embed(x[c]);
            }

            table[start + labels + dataset.GetLabel(i)] = Goldilocks.One;
        }

        return table;
    }

    /// <summary>The column point of the features at <paramref name="features"/> (<c>⌈log2 d⌉</c> coordinates).</summary>
    public E[] FeaturePoint(ReadOnlySpan<E> features) => ColumnPoint(FeatureRegion, features);

    /// <summary>The column point of the one-hot labels at the output rows <paramref name="rows"/> (<c>⌈log2 C⌉</c> coordinates).</summary>
    public E[] LabelPoint(ReadOnlySpan<E> rows) => ColumnPoint(LabelRegion, rows);

    /// <summary>
    /// <c>Σ_c eq(col, c)·X[i, c]</c> for every row <c>i</c>, <c>col</c> the column point of <see cref="FeaturePoint"/> (<paramref name="region"/>
    /// 0) or <see cref="LabelPoint"/> (1) at <paramref name="coordinates"/>: the dataset factor of the gather.
    /// </summary>
    public E[] Rows(Goldilocks[] table, int region, ReadOnlySpan<E> coordinates)
    {
        // The region bit and the zero padding coordinates are Boolean: only the region's first 2^len entries are weighted.
        int start = region << InnerVariables;
        E[] eq = EqPolynomial.Table(coordinates);
        var result = new E[1 << SampleVariables];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = Ext2Kernels.DotBase(eq, table.AsSpan((i * RowLength) + start, eq.Length));
        }

        return result;
    }

    /// <summary>
    /// The region's table over (sample, column): entry <c>(x, c)</c> is <c>X[x, region‖c]</c> for the first <c>2^columnVariables</c>
    /// columns of the region (the dataset factor of a hidden-claims gather, <see cref="StepZeroKnowledge"/>).
    /// </summary>
    public E[] RegionTable(Goldilocks[] table, int region, int columnVariables)
    {
        int columns = 1 << columnVariables, start = region << InnerVariables;
        var result = new E[columns << SampleVariables];
        for (int x = 0; x < 1 << SampleVariables; x++)
        {
            for (int c = 0; c < columns; c++)
            {
                result[(x * columns) + c] = E.FromBase(table[(x * RowLength) + start + c]);
            }
        }

        return result;
    }

    /// <summary>The selector table <c>Sel(x) = Σ_b eq(ζ_b, b)·[x = i_b]</c> over the sample rows.</summary>
    public E[] Selection(ReadOnlySpan<E> batch, int[] indices)
    {
        E[] eq = EqPolynomial.Table(batch);
        var selection = new E[1 << SampleVariables];
        for (int b = 0; b < indices.Length; b++)
        {
            selection[indices[b]] += eq[b];
        }

        return selection;
    }

    /// <summary>The selector's extension <c>Sel~(r) = Σ_b eq(ζ_b, b)·eq(i_b, r)</c> (the verifier's, <c>O(B·n)</c>).</summary>
    public static E SelectionAt(ReadOnlySpan<E> batch, int[] indices, ReadOnlySpan<E> r)
    {
        E[] eq = EqPolynomial.Table(batch);
        E sum = E.Zero;
        for (int b = 0; b < indices.Length; b++)
        {
            E term = eq[b];
            for (int k = 0; k < r.Length; k++)
            {
                term *= ((indices[b] >> (r.Length - 1 - k)) & 1) != 0 ? r[k] : E.One - r[k];
            }

            sum += term;
        }

        return sum;
    }

    private E[] ColumnPoint(int region, ReadOnlySpan<E> coordinates)
    {
        var point = new E[1 + InnerVariables];
        point[0] = region == FeatureRegion ? E.Zero : E.One;
        coordinates.CopyTo(point.AsSpan(1 + InnerVariables - coordinates.Length));
        return point;
    }
}
