using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.Intrinsics;

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
/// <para>The butterflies run at the widest width the machine has (<see cref="NttKernels"/>: AVX-512, AVX2, scalar),
/// each width giving the same words as the scalar kernel.</para>
/// </remarks>
internal sealed class NttTables
{
    // ψ^rev(k) and ψ^−rev(k), k = 0..N−1 (index 0 unused), each beside its Shoup quotient in a parallel array so
    // that the vector kernels load eight twiddles (or quotients) with one instruction.
    private readonly ulong[] _roots;
    private readonly ulong[] _rootQuotients;
    private readonly ulong[] _invRoots;
    private readonly ulong[] _invRootQuotients;
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

        _roots = new ulong[N];
        _rootQuotients = new ulong[N];
        _invRoots = new ulong[N];
        _invRootQuotients = new ulong[N];
        ulong power = 1, invPower = 1;
        for (int i = 0; i < N; i++)
        {
            int r = (int)ReverseBits((uint)i, logN);
            var w = new MultiplyOperand(power, q);
            var wInv = new MultiplyOperand(invPower, q);
            (_roots[r], _rootQuotients[r]) = (w.Operand, w.Quotient);
            (_invRoots[r], _invRootQuotients[r]) = (wInv.Operand, wInv.Quotient);
            power = ModArith.Multiply(power, Root, modulus);
            invPower = ModArith.Multiply(invPower, invRoot, modulus);
        }

        ulong invN = ModArith.Inverse((ulong)N, q);
        _invN = new MultiplyOperand(invN, q);
        _invNTimesLastRoot = new MultiplyOperand(ModArith.Multiply(invN, _invRoots[1], modulus), q);
        Width = BestWidth(N);
    }

    /// <summary>log2 of the transform length.</summary>
    public int LogN { get; }

    /// <summary>The transform length N.</summary>
    public int N { get; }

    /// <summary>The prime q.</summary>
    public Modulus Modulus { get; }

    /// <summary>The minimal primitive 2N-th root of unity ψ modulo q.</summary>
    public ulong Root { get; }

    /// <summary>The widest kernel this machine runs for this N (see <see cref="SimdWidth"/>).</summary>
    public SimdWidth Width { get; }

    /// <summary>Forward negacyclic NTT in place; input in [0, q), output in [0, q), bit-reversed order.</summary>
    public void Forward(Span<ulong> values) => Forward(values, Width);

    /// <summary>Forward negacyclic NTT in place; input in [0, 4q), output in [0, 4q).</summary>
    public void ForwardLazy(Span<ulong> values) => ForwardLazy(values, Width);

    /// <summary>Inverse negacyclic NTT in place; input in [0, q) bit-reversed, output in [0, q).</summary>
    public void Inverse(Span<ulong> values) => Inverse(values, Width);

    /// <summary>Inverse negacyclic NTT in place; input in [0, 2q), output in [0, 2q).</summary>
    public void InverseLazy(Span<ulong> values) => InverseLazy(values, Width);

    /// <summary><see cref="Forward(Span{ulong})"/> with the kernel of <paramref name="width"/> (tests compare every width).</summary>
    internal unsafe void Forward(Span<ulong> values, SimdWidth width)
    {
        ForwardLazy(values, width);
        ulong q = Modulus.Value;
        fixed (ulong* x = values)
        {
            switch (width)
            {
                case SimdWidth.Vector512:
                    NttKernels.ReduceFromFourQ<Vector512<ulong>, Vector512Lanes>(x, N, q);
                    break;
                case SimdWidth.Vector256:
                    NttKernels.ReduceFromFourQ<Vector256<ulong>, Vector256Lanes>(x, N, q);
                    break;
                default:
                    NttKernels.ReduceFromFourQ<ulong, ScalarLanes>(x, N, q);
                    break;
            }
        }
    }

    /// <summary><see cref="ForwardLazy(Span{ulong})"/> with the kernel of <paramref name="width"/>.</summary>
    internal unsafe void ForwardLazy(Span<ulong> values, SimdWidth width)
    {
        CheckCall(values, width);
        ulong q = Modulus.Value;
        // Pinned for the call; NttKernels documents why every access stays inside the N words and the tables.
        fixed (ulong* x = values)
        fixed (ulong* w = _roots)
        fixed (ulong* wq = _rootQuotients)
        {
            switch (width)
            {
                case SimdWidth.Vector512:
                    NttKernels.ForwardLazy<Vector512<ulong>, Vector512Lanes>(x, N, w, wq, q);
                    break;
                case SimdWidth.Vector256:
                    NttKernels.ForwardLazy<Vector256<ulong>, Vector256Lanes>(x, N, w, wq, q);
                    break;
                default:
                    NttKernels.ForwardLazyScalar(x, N, w, wq, q);
                    break;
            }
        }
    }

    /// <summary><see cref="Inverse(Span{ulong})"/> with the kernel of <paramref name="width"/>.</summary>
    internal unsafe void Inverse(Span<ulong> values, SimdWidth width)
    {
        InverseLazy(values, width);
        ulong q = Modulus.Value;
        fixed (ulong* x = values)
        {
            switch (width)
            {
                case SimdWidth.Vector512:
                    NttKernels.ReduceFromTwoQ<Vector512<ulong>, Vector512Lanes>(x, N, q);
                    break;
                case SimdWidth.Vector256:
                    NttKernels.ReduceFromTwoQ<Vector256<ulong>, Vector256Lanes>(x, N, q);
                    break;
                default:
                    NttKernels.ReduceFromTwoQ<ulong, ScalarLanes>(x, N, q);
                    break;
            }
        }
    }

    /// <summary><see cref="InverseLazy(Span{ulong})"/> with the kernel of <paramref name="width"/>.</summary>
    internal unsafe void InverseLazy(Span<ulong> values, SimdWidth width)
    {
        CheckCall(values, width);
        ulong q = Modulus.Value;
        fixed (ulong* x = values)
        fixed (ulong* w = _invRoots)
        fixed (ulong* wq = _invRootQuotients)
        {
            switch (width)
            {
                case SimdWidth.Vector512:
                    NttKernels.InverseLazy<Vector512<ulong>, Vector512Lanes>(x, N, w, wq, q, _invN, _invNTimesLastRoot);
                    break;
                case SimdWidth.Vector256:
                    NttKernels.InverseLazy<Vector256<ulong>, Vector256Lanes>(x, N, w, wq, q, _invN, _invNTimesLastRoot);
                    break;
                default:
                    NttKernels.InverseLazyScalar(x, N, w, wq, q, _invN, _invNTimesLastRoot);
                    break;
            }
        }
    }

    /// <summary>The widths this machine runs for transforms of length <paramref name="n"/>, scalar first.</summary>
    internal static IEnumerable<SimdWidth> SupportedWidths(int n)
    {
        yield return SimdWidth.Scalar;
        if (Vector256Lanes.IsSupported && n >= 2 * Vector256Lanes.Count)
        {
            yield return SimdWidth.Vector256;
        }

        if (Vector512Lanes.IsSupported && n >= 2 * Vector512Lanes.Count)
        {
            yield return SimdWidth.Vector512;
        }
    }

    private static SimdWidth BestWidth(int n) => SupportedWidths(n).Last();

    // The length is checked (a wrong length would let the kernels run off the span); the width only in debug builds.
    private void CheckCall(Span<ulong> values, SimdWidth width)
    {
        if (values.Length != N)
        {
            ThrowLength(values.Length);
        }

        Debug.Assert(SupportedWidths(N).Contains(width), $"{width} is not supported for N = {N} on this machine.");
    }

    [DoesNotReturn]
    private void ThrowLength(int length)
        => throw new ArgumentException($"The NTT of length {N} takes exactly {N} values; the span has {length}.", "values");

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
