using Thestage.Proofs.Fields;

namespace Thestage.Proofs.Polynomials;

/// <summary>
/// Univariate helpers: Horner evaluation of coefficient vectors, and Lagrange evaluation and
/// interpolation from values at the nodes <c>0, 1, …, d</c> (the form in which sumcheck round
/// polynomials are sent).
/// </summary>
/// <remarks>
/// Lagrange evaluation uses prefix/suffix products, <c>O(d)</c> multiplications plus the <c>d + 1</c>
/// barycentric weights <c>1 / (i! (d − i)! (−1)^(d−i))</c>. See Thaler, "Proofs, Arguments, and
/// Zero-Knowledge" (2022), §4.1 (sumcheck), and Berrut and Trefethen, "Barycentric Lagrange
/// interpolation", SIAM Review 2004.
/// </remarks>
public static class UnivariatePolynomial
{
    /// <summary>Evaluates <c>Σ_i c_i x^i</c> by Horner's rule.</summary>
    /// <typeparam name="T">The field.</typeparam>
    /// <param name="coefficients">The coefficients, constant term first.</param>
    /// <param name="x">The point.</param>
    /// <returns>The value.</returns>
    public static T Evaluate<T>(ReadOnlySpan<T> coefficients, T x)
        where T : struct, IField<T>
    {
        T result = T.Zero;
        for (int i = coefficients.Length - 1; i >= 0; i--)
        {
            result = (result * x) + coefficients[i];
        }

        return result;
    }

    /// <summary>
    /// Evaluates at <paramref name="x"/> the unique polynomial of degree at most <c>d</c> whose values
    /// at <c>0, 1, …, d</c> are <paramref name="values"/>.
    /// </summary>
    /// <typeparam name="T">The field.</typeparam>
    /// <param name="values">The <c>d + 1</c> values at the nodes <c>0 … d</c>.</param>
    /// <param name="x">The point.</param>
    /// <returns>The interpolant's value at <paramref name="x"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="values"/> is empty or longer than 64.</exception>
    public static T EvaluateFromNodeValues<T>(ReadOnlySpan<T> values, T x)
        where T : struct, IField<T>
    {
        int count = values.Length;
        if (count == 0 || count > 64)
        {
            throw new ArgumentException("Between 1 and 64 node values are supported.", nameof(values));
        }

        // Stack buffers (at most 64 values each) and the cached weights: a verifier calls this once per sumcheck round.
        NodeBuffer<T> differenceBuffer = default, suffixBuffer = default;
        Span<T> differences = ((Span<T>)differenceBuffer)[..count];
        for (int i = 0; i < count; i++)
        {
            differences[i] = x - T.FromUInt64((ulong)i);
            if (differences[i].IsZero)
            {
                return values[i];
            }
        }

        // suffix[i] = Π_{j > i} (x − j), built right to left; prefix is accumulated on the way back.
        Span<T> suffix = ((Span<T>)suffixBuffer)[..count];
        suffix[count - 1] = T.One;
        for (int i = count - 2; i >= 0; i--)
        {
            suffix[i] = suffix[i + 1] * differences[i + 1];
        }

        ReadOnlySpan<T> weights = NodeWeightTable<T>.Get(count);
        T result = T.Zero;
        T prefix = T.One;
        for (int i = 0; i < count; i++)
        {
            result += values[i] * weights[i] * prefix * suffix[i];
            prefix *= differences[i];
        }

        return result;
    }

    /// <summary>Interpolates the coefficients of the polynomial of degree at most <c>d</c> through the values at <c>0 … d</c>.</summary>
    /// <typeparam name="T">The field.</typeparam>
    /// <param name="values">The <c>d + 1</c> values at the nodes <c>0 … d</c>.</param>
    /// <returns>The <c>d + 1</c> coefficients, constant term first.</returns>
    /// <exception cref="ArgumentException"><paramref name="values"/> is empty or longer than 64.</exception>
    public static T[] InterpolateFromNodeValues<T>(ReadOnlySpan<T> values)
        where T : struct, IField<T>
    {
        int count = values.Length;
        if (count == 0 || count > 64)
        {
            throw new ArgumentException("Between 1 and 64 node values are supported.", nameof(values));
        }

        ReadOnlySpan<T> weights = NodeWeightTable<T>.Get(count);
        var coefficients = new T[count];
        var basis = new T[count];
        for (int i = 0; i < count; i++)
        {
            // basis = Π_{j ≠ i} (X − j), expanded one linear factor at a time.
            Array.Clear(basis);
            basis[0] = T.One;
            int degree = 0;
            for (int j = 0; j < count; j++)
            {
                if (j == i)
                {
                    continue;
                }

                T node = T.FromUInt64((ulong)j);
                degree++;
                for (int k = degree; k >= 1; k--)
                {
                    basis[k] = basis[k - 1] - (node * basis[k]);
                }

                basis[0] = -(node * basis[0]);
            }

            T scale = values[i] * weights[i];
            for (int k = 0; k < count; k++)
            {
                coefficients[k] += scale * basis[k];
            }
        }

        return coefficients;
    }

    /// <summary>Writes the barycentric weights <c>w_i = 1 / Π_{j ≠ i} (i − j)</c> for nodes <c>0 … n−1</c>.</summary>
    private static void NodeWeights<T>(Span<T> weights)
        where T : struct, IField<T>
    {
        int last = weights.Length - 1;
        for (int i = 0; i <= last; i++)
        {
            // Π_{j ≠ i} (i − j) = i! · (−1)^(last − i) · (last − i)!
            T denominator = T.One;
            for (int j = 0; j <= last; j++)
            {
                if (j != i)
                {
                    T term = T.FromUInt64((ulong)Math.Abs(i - j));
                    denominator *= j < i ? term : -term;
                }
            }

            weights[i] = denominator;
        }

        FieldMath.BatchInvert(weights, new T[weights.Length]);
    }

    /// <summary>
    /// The weights of <see cref="NodeWeights{T}"/> for each node count 1 … 64, computed on first use and kept (they depend on the
    /// count and the field only; two threads computing the same table publish equal arrays).
    /// </summary>
    private static class NodeWeightTable<T>
        where T : struct, IField<T>
    {
        private static readonly T[]?[] s_tables = new T[]?[65];

        public static ReadOnlySpan<T> Get(int count)
        {
            T[]? table = Volatile.Read(ref s_tables[count]);
            if (table is null)
            {
                table = new T[count];
                NodeWeights<T>(table);
                Volatile.Write(ref s_tables[count], table);
            }

            return table;
        }
    }

    /// <summary>Room for the at most 64 node values of <see cref="EvaluateFromNodeValues{T}"/>, on the stack.</summary>
    [System.Runtime.CompilerServices.InlineArray(64)]
    private struct NodeBuffer<T>
    {
        private T _element;
    }
}
