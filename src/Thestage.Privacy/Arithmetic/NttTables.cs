using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Thestage.Privacy.Arithmetic;

/// <summary>
/// Precomputed tables of the negacyclic number-theoretic transform modulo one prime q ≡ 1 (mod 2N)
/// and the transforms themselves, with Harvey's lazy butterflies.
/// </summary>
/// <remarks>
/// <para>The forward transform maps a(X) ∈ Z_q[X]/(X^N + 1) to its evaluations at the odd powers of
/// the minimal primitive 2N-th root ψ, in bit-reversed order: output[k] = a(ψ^(2·rev(k)+1)), where
/// rev reverses log2 N bits. This is SEAL's ordering (<c>util/ntt.cpp</c>).</para>
/// <para>Forward: Cooley–Tukey butterflies (X, Y) → (X + W·Y, X − W·Y) with W = ψ^rev(m+i) at stage m,
/// merged with the ψ-twist (Longa and Naehrig, CANS 2016, eprint 2016/504, Alg. 1). Inverse:
/// Gentleman–Sande butterflies (X, Y) → (X + Y, (X − Y)·W⁻¹), the exact inverse of each forward stage,
/// with N⁻¹ folded into the last stage (Alg. 2).</para>
/// <para>Lazy ranges (Harvey, J. Symb. Comp. 60, 2014): the forward kernel keeps values in [0, 4q)
/// between stages, the inverse in [0, 2q); with q &lt; 2^61, 4q fits a 64-bit word. The public
/// kernels take input in [0, q) and return output fully reduced to [0, q).</para>
/// </remarks>
internal sealed class NttTables
{
    private readonly MultiplyOperand[] _rootPowers;     // ψ^rev(k), k = 0..N−1 (index 0 unused)
    private readonly MultiplyOperand[] _invRootPowers;  // ψ^−rev(k)
    private readonly MultiplyOperand _invN;
    private readonly MultiplyOperand _invNTimesLastRoot;

    public NttTables(int logN, Modulus modulus)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(logN, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(logN, 17);
        LogN = logN;
        N = 1 << logN;
        Modulus = modulus;
        ulong q = modulus.Value;
        Root = Primes.MinimalPrimitiveRoot(2UL * (ulong)N, modulus);
        ulong invRoot = ModArith.Inverse(Root, q);

        _rootPowers = new MultiplyOperand[N];
        _invRootPowers = new MultiplyOperand[N];
        ulong power = 1, invPower = 1;
        for (int i = 0; i < N; i++)
        {
            int r = (int)ReverseBits((uint)i, logN);
            _rootPowers[r] = new MultiplyOperand(power, q);
            _invRootPowers[r] = new MultiplyOperand(invPower, q);
            power = ModArith.Multiply(power, Root, modulus);
            invPower = ModArith.Multiply(invPower, invRoot, modulus);
        }

        ulong invN = ModArith.Inverse((ulong)N, q);
        _invN = new MultiplyOperand(invN, q);
        _invNTimesLastRoot = new MultiplyOperand(ModArith.Multiply(invN, _invRootPowers[1].Operand, modulus), q);
    }

    /// <summary>log2 of the transform length.</summary>
    public int LogN { get; }

    /// <summary>The transform length N.</summary>
    public int N { get; }

    /// <summary>The prime q.</summary>
    public Modulus Modulus { get; }

    /// <summary>The minimal primitive 2N-th root of unity ψ modulo q.</summary>
    public ulong Root { get; }

    /// <summary>Forward negacyclic NTT in place; input in [0, q), output in [0, q), bit-reversed order.</summary>
    public void Forward(Span<ulong> values)
    {
        ForwardLazy(values);
        ulong q = Modulus.Value, twoQ = 2 * q;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = UInt64Math.SubtractIfGreaterOrEqual(UInt64Math.SubtractIfGreaterOrEqual(values[i], twoQ), q);
        }
    }

    /// <summary>Forward negacyclic NTT in place; input in [0, 4q), output in [0, 4q).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public unsafe void ForwardLazy(Span<ulong> values)
    {
        Debug.Assert(values.Length == N);
        ulong q = Modulus.Value, twoQ = 2 * q;
        // Pinned for the duration; every pointer below stays inside [x, x + N) because the stage loops
        // partition the array into groups of 2·gap (gap·2m = N at every stage).
        fixed (ulong* x = values)
        fixed (MultiplyOperand* roots = _rootPowers)
        {
            int gap = N >> 1;
            for (int m = 1; m < N; m <<= 1, gap >>= 1)
            {
                ulong* group = x;
                for (int i = 0; i < m; i++, group += 2 * gap)
                {
                    ulong w = roots[m + i].Operand, wq = roots[m + i].Quotient;
                    ulong* end = group + gap;
                    for (ulong* p = group; p < end; p++)
                    {
                        // a ∈ [0, 4q) → [0, 2q); w·b lazily in [0, 2q) (Shoup); outputs in [0, 4q).
                        ulong a = UInt64Math.SubtractIfGreaterOrEqual(*p, twoQ);
                        ulong b = p[gap];
                        ulong t = b * w - UInt64Math.MultiplyHigh(b, wq) * q;
                        *p = a + t;
                        p[gap] = a - t + twoQ;
                    }
                }
            }
        }
    }

    /// <summary>Inverse negacyclic NTT in place; input in [0, q) bit-reversed, output in [0, q).</summary>
    public void Inverse(Span<ulong> values)
    {
        InverseLazy(values);
        ulong q = Modulus.Value;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = UInt64Math.SubtractIfGreaterOrEqual(values[i], q);
        }
    }

    /// <summary>Inverse negacyclic NTT in place; input in [0, 2q), output in [0, 2q).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public unsafe void InverseLazy(Span<ulong> values)
    {
        Debug.Assert(values.Length == N);
        ulong q = Modulus.Value, twoQ = 2 * q;
        // Pinned; the same partition argument as in ForwardLazy keeps every access inside the array.
        fixed (ulong* x = values)
        fixed (MultiplyOperand* roots = _invRootPowers)
        {
            int gap = 1;
            for (int m = N >> 1; m > 1; m >>= 1, gap <<= 1)
            {
                ulong* group = x;
                for (int i = 0; i < m; i++, group += 2 * gap)
                {
                    ulong w = roots[m + i].Operand, wq = roots[m + i].Quotient;
                    ulong* end = group + gap;
                    for (ulong* p = group; p < end; p++)
                    {
                        // a, b ∈ [0, 2q): a + b → [0, 2q); (a − b + 2q)·w lazily in [0, 2q).
                        ulong a = *p, b = p[gap];
                        *p = UInt64Math.SubtractIfGreaterOrEqual(a + b, twoQ);
                        ulong d = a - b + twoQ;
                        p[gap] = d * w - UInt64Math.MultiplyHigh(d, wq) * q;
                    }
                }
            }

            // Last stage (m = 1, gap = N/2) with N⁻¹ folded in: (a + b)·N⁻¹ and (a − b)·ψ^−rev(1)·N⁻¹.
            ulong n1 = _invN.Operand, n1q = _invN.Quotient, n2 = _invNTimesLastRoot.Operand, n2q = _invNTimesLastRoot.Quotient;
            int half = N >> 1;
            ulong* stop = x + half;
            for (ulong* p = x; p < stop; p++)
            {
                ulong a = *p, b = p[half];
                ulong s = UInt64Math.SubtractIfGreaterOrEqual(a + b, twoQ);
                ulong d = a - b + twoQ;
                *p = s * n1 - UInt64Math.MultiplyHigh(s, n1q) * q;
                p[half] = d * n2 - UInt64Math.MultiplyHigh(d, n2q) * q;
            }
        }
    }

    internal static uint ReverseBits(uint value, int bitCount)
        => bitCount == 0 ? 0 : ReverseBits32(value) >> (32 - bitCount);

    private static uint ReverseBits32(uint v)
    {
        v = ((v >> 1) & 0x55555555u) | ((v & 0x55555555u) << 1);
        v = ((v >> 2) & 0x33333333u) | ((v & 0x33333333u) << 2);
        v = ((v >> 4) & 0x0F0F0F0Fu) | ((v & 0x0F0F0F0Fu) << 4);
        v = ((v >> 8) & 0x00FF00FFu) | ((v & 0x00FF00FFu) << 8);
        return (v >> 16) | (v << 16);
    }
}
