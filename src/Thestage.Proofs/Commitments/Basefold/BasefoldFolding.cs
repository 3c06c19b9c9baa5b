using System.Numerics;
using Thestage.Proofs.Fields;

namespace Thestage.Proofs.Commitments.Basefold;

/// <summary>
/// The arithmetic prover and verifier share: the multilinear table as a univariate polynomial, the FRI fold, and the
/// points of the layer domains.
/// </summary>
/// <remarks>
/// <para>
/// <b>Table to polynomial.</b> A multilinear <c>f</c> with monomial coefficients <c>c_S</c> (<c>f = Σ_S c_S Π_(k∈S) x_k</c>;
/// the Möbius transform of the hypercube table, <c>O(v·2^v)</c>) is the univariate <c>P(X) = Σ_i c'_i X^i</c> with bit
/// <c>k − 1</c> of <c>i</c> standing for <c>x_k</c> (<c>c'</c> is <c>c</c> in bit-reversed order, since the tables put
/// <c>x_1</c> on the most significant bit). Then <c>P(X) = P_e(X²) + X·P_o(X²)</c> and the fold
/// <c>P_e + α·P_o</c> has the coefficients of <c>f(α, x_2, …, x_v)</c>: folding binds the variables in the order the sumcheck
/// binds them (Zeilberger, Chen, Fisch, "BaseFold", eprint 2023/1705, §3: Reed–Solomon codes are foldable).
/// </para>
/// <para>
/// <b>Fold.</b> On a domain <c>s·H_n</c> the points at positions <c>p</c> and <c>p + n/2</c> are <c>x</c> and <c>−x</c>, and
/// <c>P'(x²) = (P(x) + P(−x))/2 + α·(P(x) − P(−x))/(2x)</c> at position <c>p</c> of <c>s²·H_(n/2)</c>
/// (Ben-Sasson, Bentov, Horesh, Riabzev, "Fast Reed–Solomon IOP of proximity", ICALP 2018).
/// </para>
/// </remarks>
internal static class BasefoldFolding
{
    private static readonly Goldilocks InverseTwo = Goldilocks.Invert(new Goldilocks(2));

    /// <summary>
    /// Writes the coefficients <c>c'</c> of the univariate polynomial of a multilinear table (see remarks) into
    /// <paramref name="destination"/>; <paramref name="table"/> is left unchanged.
    /// </summary>
    public static void Coefficients<T>(ReadOnlySpan<T> table, Span<T> destination)
        where T : struct, IField<T>
    {
        int size = table.Length;
        table.CopyTo(destination);
        for (int half = 1; half < size; half <<= 1)
        {
            for (int block = 0; block < size; block += 2 * half)
            {
                for (int i = block; i < block + half; i++)
                {
                    destination[i + half] -= destination[i];
                }
            }
        }

        int bits = BitOperations.Log2((uint)size);
        for (int i = 0; i < size; i++)
        {
            int j = Reverse(i, bits);
            if (j > i)
            {
                (destination[i], destination[j]) = (destination[j], destination[i]);
            }
        }
    }

    /// <summary>Evaluates the multilinear polynomial with coefficients <c>c'</c> (see remarks) at <paramref name="point"/> by binding <c>x_1</c> first.</summary>
    public static TExt EvaluateMultilinear<TExt>(ReadOnlySpan<TExt> coefficients, ReadOnlySpan<TExt> point)
        where TExt : struct, IExtensionField<TExt>
    {
        TExt[] work = coefficients.ToArray();
        int size = work.Length;
        foreach (TExt x in point)
        {
            size /= 2;
            for (int i = 0; i < size; i++)
            {
                work[i] = work[2 * i] + (x * work[(2 * i) + 1]);
            }
        }

        return work[0];
    }

    /// <summary>Evaluates <c>Σ_i c_i y^i</c> by Horner's rule.</summary>
    public static TExt EvaluateUnivariate<TExt>(ReadOnlySpan<TExt> coefficients, Goldilocks y)
        where TExt : struct, IExtensionField<TExt>
    {
        TExt acc = TExt.Zero;
        for (int i = coefficients.Length - 1; i >= 0; i--)
        {
            acc = acc.MultiplyByBase(y) + coefficients[i];
        }

        return acc;
    }

    /// <summary>The coset shift <c>s^(n_0/n_g)</c> of the layer of length <c>2^logLength</c> when layer 0 has length <c>2^logLength0</c>.</summary>
    public static Goldilocks LayerShift(int logLength0, int logLength) =>
        Goldilocks.Pow(GoldilocksNtt.CosetShift, 1UL << (logLength0 - logLength));

    /// <summary>The point <c>shift·ω_n^position</c> of a domain of length <c>2^logLength</c>.</summary>
    public static Goldilocks Point(Goldilocks shift, int logLength, int position) =>
        shift * Goldilocks.Pow(Goldilocks.RootOfUnity(logLength), (ulong)position);

    /// <summary>Folds a base-field codeword of length <c>n</c> on <c>shift·H_n</c> into <paramref name="destination"/> (length <c>n/2</c>).</summary>
    public static void FoldLayer<TExt>(ReadOnlySpan<Goldilocks> codeword, Goldilocks shift, TExt alpha, Span<TExt> destination)
        where TExt : struct, IExtensionField<TExt>
    {
        int half = codeword.Length / 2;
        Goldilocks inverse = Goldilocks.Invert(shift) * InverseTwo;
        Goldilocks step = Goldilocks.Invert(Goldilocks.RootOfUnity(BitOperations.Log2((uint)codeword.Length)));
        for (int p = 0; p < half; p++)
        {
            Goldilocks a = codeword[p], b = codeword[p + half];
            destination[p] = TExt.FromBase((a + b) * InverseTwo) + alpha.MultiplyByBase((a - b) * inverse);
            inverse *= step;
        }
    }

    /// <summary>Folds an extension-field codeword of length <c>n</c> on <c>shift·H_n</c> into <paramref name="destination"/> (length <c>n/2</c>; may alias the first half).</summary>
    public static void FoldLayer<TExt>(ReadOnlySpan<TExt> codeword, Goldilocks shift, TExt alpha, Span<TExt> destination)
        where TExt : struct, IExtensionField<TExt>
    {
        int half = codeword.Length / 2;
        Goldilocks inverse = Goldilocks.Invert(shift) * InverseTwo;
        Goldilocks step = Goldilocks.Invert(Goldilocks.RootOfUnity(BitOperations.Log2((uint)codeword.Length)));
        for (int p = 0; p < half; p++)
        {
            TExt a = codeword[p], b = codeword[p + half];
            destination[p] = (a + b).MultiplyByBase(InverseTwo) + (alpha * (a - b).MultiplyByBase(inverse));
            inverse *= step;
        }
    }

    /// <summary>
    /// Folds the values of one leaf (positions <c>j + m·L</c>, <c>m &lt; 2^a</c>, of a layer of length <c>2^logLength</c> on
    /// <c>shift·H</c>) with the <c>a</c> challenges, in place, and returns the value at position <c>j</c> of the next layer.
    /// </summary>
    public static TExt FoldLeaf<TExt>(Span<TExt> values, Goldilocks shift, int logLength, int leafIndex, ReadOnlySpan<TExt> alphas)
        where TExt : struct, IExtensionField<TExt>
    {
        // x_m = x_0 · ω_(2^a)^m with x_0 the point at position j; 1/(2x_m) = (1/(2x_0))·ω_(2^a)^(−m). Each fold squares x_0 and
        // the root, as the layer's domain goes from s·H_n to s²·H_(n/2).
        Goldilocks x0 = Point(shift, logLength, leafIndex);
        Goldilocks inverse0 = Goldilocks.Invert(x0);
        int width = values.Length;
        Goldilocks rootInverse = Goldilocks.Invert(Goldilocks.RootOfUnity(BitOperations.Log2((uint)width)));
        foreach (TExt alpha in alphas)
        {
            int half = width / 2;
            Goldilocks inverse = inverse0 * InverseTwo;
            for (int m = 0; m < half; m++)
            {
                TExt a = values[m], b = values[m + half];
                values[m] = (a + b).MultiplyByBase(InverseTwo) + (alpha * (a - b).MultiplyByBase(inverse));
                inverse *= rootInverse;
            }

            width = half;
            inverse0 *= inverse0;
            rootInverse *= rootInverse;
        }

        return values[0];
    }

    /// <summary>The value at <paramref name="alpha"/> of the degree-2 polynomial with values <c>g0, g1, g2</c> at 0, 1, 2.</summary>
    public static TExt InterpolateQuadratic<TExt>(TExt g0, TExt g1, TExt g2, TExt alpha)
        where TExt : struct, IExtensionField<TExt>
    {
        // Lagrange on {0, 1, 2}: g0·(α−1)(α−2)/2 − g1·α(α−2) + g2·α(α−1)/2.
        TExt one = TExt.One, two = one + one;
        TExt a1 = alpha - one, a2 = alpha - two;
        return ((g0 * a1 * a2) + (g2 * alpha * a1)).MultiplyByBase(InverseTwo) - (g1 * alpha * a2);
    }

    private static int Reverse(int value, int bits) => bits == 0 ? 0 : (int)(ReverseBits((uint)value) >> (32 - bits));

    private static uint ReverseBits(uint value)
    {
        value = ((value >> 1) & 0x55555555u) | ((value & 0x55555555u) << 1);
        value = ((value >> 2) & 0x33333333u) | ((value & 0x33333333u) << 2);
        value = ((value >> 4) & 0x0F0F0F0Fu) | ((value & 0x0F0F0F0Fu) << 4);
        value = ((value >> 8) & 0x00FF00FFu) | ((value & 0x00FF00FFu) << 8);
        return (value >> 16) | (value << 16);
    }
}
