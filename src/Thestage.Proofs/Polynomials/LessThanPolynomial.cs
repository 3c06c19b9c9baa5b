using Thestage.Proofs.Fields;

namespace Thestage.Proofs.Polynomials;

/// <summary>
/// The multilinear extension of the prefix mask <c>[y &lt; n]</c> on <c>{0,1}^m</c> (index <c>y</c> with its first
/// variable most significant, as in <see cref="MultilinearPolynomial{T}"/>), evaluated in <c>O(m)</c>.
/// </summary>
/// <remarks>
/// <c>y &lt; n</c> exactly when, at the first bit where they differ, <c>n</c> has a 1 and <c>y</c> a 0; so with
/// <c>n = (n_1 … n_m)</c>, <c>M̃(x) = Σ_{i : n_i = 1} (Π_{j &lt; i} χ_{n_j}(x_j))·(1 − x_i)</c>, where
/// <c>χ_1(t) = t</c>, <c>χ_0(t) = 1 − t</c> and the bits after <c>i</c> sum out to 1. Each term is multilinear and
/// agrees with the mask on the hypercube, so this is the unique multilinear extension (Thaler, "Proofs, Arguments,
/// and Zero-Knowledge", 2022, §3.5).
/// </remarks>
internal static class LessThanPolynomial
{
    /// <summary>Evaluates the extension of <c>[y &lt; bound]</c> at <paramref name="point"/>.</summary>
    /// <param name="point">The point <c>x</c>, of length <c>m ≤ 62</c>.</param>
    /// <param name="bound">The bound <c>n ≥ 0</c>; <c>n ≥ 2^m</c> gives the constant 1.</param>
    public static T Evaluate<T>(ReadOnlySpan<T> point, long bound)
        where T : struct, IField<T>
    {
        int m = point.Length;
        if (m > 62 || bound < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(bound), "Expected m ≤ 62 and a non-negative bound.");
        }

        if (bound >= 1L << m)
        {
            return T.One;
        }

        T result = T.Zero, prefix = T.One;
        for (int i = 0; i < m; i++)
        {
            if (((bound >> (m - 1 - i)) & 1) != 0)
            {
                result += prefix * (T.One - point[i]);
                prefix *= point[i];
            }
            else
            {
                prefix *= T.One - point[i];
            }
        }

        return result;
    }
}
