using Thestage.Proofs.Fields;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Polynomials;

namespace Thestage.Proofs.Training;

/// <summary>
/// The padding indicator <c>Pad_g</c> of snapshot polynomial <c>g</c> (see <c>WeightCommitment</c>): 1 at every position
/// that holds no parameter — weight rows <c>j ≥ out</c> or columns <c>i ≥ in</c>, bias entries <c>j ≥ out</c>, and
/// space no segment covers — and 0 at the <c>Σ_l out_l·(in_l + 1)</c> parameter positions.
/// </summary>
/// <remarks>
/// With segment <c>σ</c> of <c>g</c> at aligned offset <c>o_σ</c> (Boolean prefix <c>β_σ</c> of <c>v − log|σ|</c> bits),
/// the segments being disjoint, <c>Pad = 1 − Σ_σ eq(β_σ, x_pre)·M̃_out(x_row)·M̃_in(x_col)</c> for a weight segment
/// (row bits first) and <c>1 − … eq(β_σ, x_pre)·M̃_out(x_row)</c> for a bias segment, <c>M̃_n</c> the extension of
/// <c>[y &lt; n]</c> (the segment's <see cref="BoxIndicator"/>). Each term is multilinear, so this is <c>P̃ad</c>, evaluated in
/// <c>O(segments · v)</c>.
/// </remarks>
internal static class SnapshotPadding
{
    /// <summary>Builds the table of <c>Pad_g</c> (1 at padding, 0 at parameters).</summary>
    public static T[] Table<T>(TrainingConfig config, int polynomial)
        where T : struct, IField<T>
    {
        SegmentLayout layout = WeightCommitment.Layout(config);
        var table = new T[1 << layout.NumVariables[polynomial]];
        table.AsSpan().Fill(T.One);
        foreach ((int segment, int rows, int columns) in Segments(config, layout, polynomial))
        {
            BoxIndicator.Add(table.AsSpan(layout.OffsetOf(segment), 1 << layout.LogSizeOf(segment)), Box(config, layout, segment, rows, columns), -T.One);
        }

        return table;
    }

    /// <summary>Evaluates <c>P̃ad_g</c> at <paramref name="point"/> (length <c>v_g</c>).</summary>
    public static T Evaluate<T>(TrainingConfig config, int polynomial, ReadOnlySpan<T> point)
        where T : struct, IField<T>
    {
        SegmentLayout layout = WeightCommitment.Layout(config);
        int v = layout.NumVariables[polynomial];
        if (point.Length != v)
        {
            throw new ArgumentException("The point dimension does not match the polynomial.", nameof(point));
        }

        T covered = T.Zero;
        foreach ((int segment, int rows, int columns) in Segments(config, layout, polynomial))
        {
            int size = layout.LogSizeOf(segment);
            int prefix = v - size;
            int block = layout.OffsetOf(segment) >> size;
            T term = T.One;
            for (int i = 0; i < prefix; i++)
            {
                term *= ((block >> (prefix - 1 - i)) & 1) != 0 ? point[i] : T.One - point[i];
            }

            covered += term * BoxIndicator.Evaluate(point[prefix..], Box(config, layout, segment, rows, columns));
        }

        return T.One - covered;
    }

    /// <summary>Lists the segments of <paramref name="polynomial"/> with their parameter extents (a bias is <c>out × 1</c>).</summary>
    private static IEnumerable<(int Segment, int Rows, int Columns)> Segments(TrainingConfig config, SegmentLayout layout, int polynomial)
    {
        for (int l = 0; l < config.LayerCount; l++)
        {
            int inputs = config.LayerSizes[l], outputs = config.LayerSizes[l + 1];
            if (layout.PolynomialOf(2 * l) == polynomial)
            {
                yield return (2 * l, outputs, inputs);
            }

            if (layout.PolynomialOf((2 * l) + 1) == polynomial)
            {
                yield return ((2 * l) + 1, outputs, 1);
            }
        }
    }

    /// <summary>The parameter box of a segment: <c>⌈log2 out_l⌉</c> row bits below <c>out_l</c>, then the column bits below <paramref name="columns"/>.</summary>
    private static (int Bits, long Bound)[] Box(TrainingConfig config, SegmentLayout layout, int segment, int rows, int columns)
    {
        int rowBits = TensorLayout.CeilLog2(config.LayerSizes[(segment / 2) + 1]);
        return [(rowBits, rows), (layout.LogSizeOf(segment) - rowBits, columns)];
    }
}
