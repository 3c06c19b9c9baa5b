using Thestage.Proofs.Fields;

namespace Thestage.Proofs.Polynomials;

/// <summary>
/// The indicator of a box on the hypercube: an index's bits are split into consecutive fields (the first variable most
/// significant, as in <see cref="MultilinearPolynomial{T}"/>), field <c>i</c> of <c>m_i</c> bits holding a value <c>y_i</c>,
/// and the index is inside when <c>y_i &lt; n_i</c> for every field. This marks the real entries of a zero-padded
/// matrix or tensor (rows below <c>out</c>, columns below <c>in</c>, …).
/// </summary>
/// <remarks>
/// The indicator is the product of the fields' prefix masks, and a product of multilinear polynomials in disjoint
/// variables is multilinear, so its extension is <c>Π_i M̃_(n_i)(x_i)</c> with <see cref="LessThanPolynomial"/>'s
/// <c>M̃</c>, evaluated in <c>O(Σ m_i)</c>.
/// </remarks>
internal static class BoxIndicator
{
    /// <summary>Evaluates the extension of the indicator at <paramref name="point"/>, whose length must be <c>Σ m_i</c>.</summary>
    public static T Evaluate<T>(ReadOnlySpan<T> point, ReadOnlySpan<(int Bits, long Bound)> fields)
        where T : struct, IField<T>
    {
        T result = T.One;
        int offset = 0;
        foreach ((int bits, long bound) in fields)
        {
            result *= LessThanPolynomial.Evaluate(point.Slice(offset, bits), bound);
            offset += bits;
        }

        if (offset != point.Length)
        {
            throw new ArgumentException("The point's dimension is not the fields' total bit count.", nameof(point));
        }

        return result;
    }

    /// <summary>Adds <paramref name="value"/> at every index inside the box to <paramref name="table"/> (length <c>2^(Σ m_i)</c>).</summary>
    public static void Add<T>(Span<T> table, ReadOnlySpan<(int Bits, long Bound)> fields, T value)
        where T : struct, IField<T>
    {
        int total = 0;
        foreach ((int bits, _) in fields)
        {
            total += bits;
        }

        if (table.Length != 1 << total)
        {
            throw new ArgumentException("The table's length is not 2^(Σ bits).", nameof(table));
        }

        for (int x = 0; x < table.Length; x++)
        {
            int shift = total;
            bool inside = true;
            foreach ((int bits, long bound) in fields)
            {
                shift -= bits;
                inside &= ((x >> shift) & ((1 << bits) - 1)) < bound;
            }

            if (inside)
            {
                table[x] += value;
            }
        }
    }
}
