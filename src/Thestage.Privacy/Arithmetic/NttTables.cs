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
/// each width giving the same words as the scalar kernel of the same arithmetic. On the vector widths and for
/// q &lt; 2^50 the twiddle products are computed in double precision (<see cref="DoubleShoup{TV, TL}"/>), the values
/// held as doubles between a conversion in and a conversion out; otherwise in 64-bit integers
/// (<see cref="IntegerShoup{TV, TL}"/>). See <see cref="ArithmeticFor"/>.</para>
/// </remarks>
internal sealed class NttTables
{
    // ψ^rev(k), k = 0..N−1 (index 0 unused), computed once; the twiddle tables of each arithmetic are derived from
    // them on first use (a tables object is shared between threads; a race builds the same table twice, harmlessly).
    private readonly ulong[] _powers;
    private readonly ulong[] _invPowers;
    private readonly ulong _invN;
    private readonly ulong _invNTimesLastRoot;
    private TwiddleTable? _integerTable;
    private TwiddleTable? _doubleTable;
    private TwiddleTable? _truncatedTable;

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

        _powers = new ulong[N];
        _invPowers = new ulong[N];
        ulong power = 1, invPower = 1;
        for (int i = 0; i < N; i++)
        {
            int r = (int)ReverseBits((uint)i, logN);
            _powers[r] = power;
            _invPowers[r] = invPower;
            power = ModArith.Multiply(power, Root, modulus);
            invPower = ModArith.Multiply(invPower, invRoot, modulus);
        }

        _invN = ModArith.Inverse((ulong)N, q);
        _invNTimesLastRoot = ModArith.Multiply(_invN, _invPowers[1], modulus);
        Width = BestWidth(N);
        // Build the table the default kernel reads now, so the first transform does not pay for it.
        Table(ArithmeticFor(Width));
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

    /// <summary><see cref="Forward(Span{ulong})"/> with the kernel of <paramref name="width"/> and <paramref name="arithmetic"/> (tests compare them all).</summary>
    internal void Forward(Span<ulong> values, SimdWidth width, NttArithmeticKind? arithmetic = null)
        => Transform(values, width, arithmetic ?? ArithmeticFor(width), forward: true, corrections: 2);

    /// <summary><see cref="ForwardLazy(Span{ulong})"/> with the kernel of <paramref name="width"/> and <paramref name="arithmetic"/>.</summary>
    internal void ForwardLazy(Span<ulong> values, SimdWidth width, NttArithmeticKind? arithmetic = null)
        => Transform(values, width, arithmetic ?? ArithmeticFor(width), forward: true, corrections: 0);

    /// <summary><see cref="Inverse(Span{ulong})"/> with the kernel of <paramref name="width"/> and <paramref name="arithmetic"/>.</summary>
    internal void Inverse(Span<ulong> values, SimdWidth width, NttArithmeticKind? arithmetic = null)
        => Transform(values, width, arithmetic ?? ArithmeticFor(width), forward: false, corrections: 1);

    /// <summary><see cref="InverseLazy(Span{ulong})"/> with the kernel of <paramref name="width"/> and <paramref name="arithmetic"/>.</summary>
    internal void InverseLazy(Span<ulong> values, SimdWidth width, NttArithmeticKind? arithmetic = null)
        => Transform(values, width, arithmetic ?? ArithmeticFor(width), forward: false, corrections: 0);

    /// <summary>
    /// The arithmetic a width uses: double precision (<see cref="DoubleShoup{TV, TL}"/>) for q &lt; 2^50 on the vector
    /// widths, where it needs fewer operations than 64-bit products; otherwise integers (<see cref="IntegerShoup{TV, TL}"/>),
    /// also for the scalar width, where <c>mulx</c> beats the double path's longer dependency chain. Both compute the
    /// exact transform: fully reduced outputs agree word for word, lazy outputs agree within one arithmetic.
    /// </summary>
    internal NttArithmeticKind ArithmeticFor(SimdWidth width)
        => width == SimdWidth.Scalar ? NttArithmeticKind.Integer
            : Modulus.Value < DoubleShoupBound ? NttArithmeticKind.Double
            : Modulus.Value < TruncatedShoupBound ? NttArithmeticKind.Truncated
            : NttArithmeticKind.Integer;

    /// <summary>The modulus bound (exclusive) of the double-precision arithmetic.</summary>
    internal const ulong DoubleShoupBound = 1UL << 50;

    /// <summary>The modulus bound (exclusive) of the truncated-quotient arithmetic: its forward values stay below 8q ≤ 2^63.</summary>
    internal const ulong TruncatedShoupBound = 1UL << 60;

    // The transform, then `corrections` conditional subtractions (2 from [0, 4q), 1 from [0, 2q), 0 for lazy output).
    private unsafe void Transform(Span<ulong> values, SimdWidth width, NttArithmeticKind arithmetic, bool forward, int corrections)
    {
        if (values.Length != N)
        {
            ThrowLength(values.Length);
        }

        Debug.Assert(SupportedWidths(N).Contains(width), $"{width} is not supported for N = {N} on this machine.");
        if (arithmetic == NttArithmeticKind.Double && Modulus.Value >= DoubleShoupBound)
        {
            throw new ArgumentOutOfRangeException(nameof(arithmetic), $"The double-precision arithmetic needs q < 2^50; q = {Modulus}.");
        }

        if (arithmetic == NttArithmeticKind.Truncated && Modulus.Value >= TruncatedShoupBound)
        {
            throw new ArgumentOutOfRangeException(nameof(arithmetic), $"The truncated-quotient arithmetic needs q < 2^60; q = {Modulus}.");
        }

        TwiddleTable t = Table(arithmetic);
        // Pinned for the call; NttKernels documents why every access stays inside the N words and the tables.
        fixed (ulong* x = values)
        fixed (ulong* w = forward ? t.Roots : t.InvRoots)
        fixed (ulong* aux = forward ? t.RootAux : t.InvRootAux)
        {
            var call = new Call(x, w, aux, N, Modulus.Value, t, forward, corrections);
            switch (width, arithmetic)
            {
                case (SimdWidth.Vector512, NttArithmeticKind.Double):
                    call.RunDoubles<Vector512<ulong>, Vector512Lanes, DoubleShoup<Vector512<ulong>, Vector512Lanes>>();
                    break;
                case (SimdWidth.Vector256, NttArithmeticKind.Double):
                    call.RunDoubles<Vector256<ulong>, Vector256Lanes, DoubleShoup<Vector256<ulong>, Vector256Lanes>>();
                    break;
                case (_, NttArithmeticKind.Double):
                    call.RunScalarDoubles();
                    break;
                case (_, NttArithmeticKind.Truncated):
                    call.RunTruncated(width);
                    break;
                default:
                    call.RunIntegers(width);
                    break;
            }
        }
    }

    // No allocation once built (a transform must not allocate): the slot is read first, built only when empty.
    private TwiddleTable Table(NttArithmeticKind arithmetic)
    {
        ref TwiddleTable? slot = ref arithmetic == NttArithmeticKind.Double ? ref _doubleTable
            : ref arithmetic == NttArithmeticKind.Truncated ? ref _truncatedTable : ref _integerTable;
        TwiddleTable? table = Volatile.Read(ref slot);
        if (table is null)
        {
            table = new TwiddleTable(this, arithmetic);
            table = Interlocked.CompareExchange(ref slot, table, null) ?? table;
        }

        return table;
    }

    /// <summary>
    /// The twiddles ψ^±rev(k) of one arithmetic, each beside its auxiliary word in a parallel array, so that the vector
    /// kernels load eight twiddles (or auxiliary words) with one instruction: integers and their Shoup quotients, or
    /// the doubles w and w/q (as bits).
    /// </summary>
    private sealed class TwiddleTable
    {
        public TwiddleTable(NttTables tables, NttArithmeticKind arithmetic)
        {
            ulong q = tables.Modulus.Value;
            int n = tables.N;
            (Roots, RootAux, InvRoots, InvRootAux) = (new ulong[n], new ulong[n], new ulong[n], new ulong[n]);
            for (int k = 0; k < n; k++)
            {
                (Roots[k], RootAux[k]) = Twiddle(tables._powers[k]);
                (InvRoots[k], InvRootAux[k]) = Twiddle(tables._invPowers[k]);
            }

            InvN = Twiddle(tables._invN);
            InvNTimesLastRoot = Twiddle(tables._invNTimesLastRoot);

            (ulong W, ulong Aux) Twiddle(ulong w)
            {
                if (arithmetic == NttArithmeticKind.Double)
                {
                    return (BitConverter.DoubleToUInt64Bits(w), BitConverter.DoubleToUInt64Bits((double)w / q));
                }

                // Shoup's quotient ⌊w·2^k/q⌋: k = 63 for TruncatedShoup, 64 for IntegerShoup.
                int bits = arithmetic == NttArithmeticKind.Truncated ? 63 : 64;
                return (w, (ulong)(((UInt128)w << bits) / q));
            }
        }

        public ulong[] Roots { get; }

        public ulong[] RootAux { get; }

        public ulong[] InvRoots { get; }

        public ulong[] InvRootAux { get; }

        public (ulong W, ulong Aux) InvN { get; }

        public (ulong W, ulong Aux) InvNTimesLastRoot { get; }
    }

    // One transform's arguments, so each width × arithmetic is a one-line generic call.
    private readonly unsafe struct Call(ulong* x, ulong* w, ulong* aux, int n, ulong q, TwiddleTable t, bool forward, int corrections)
    {
        // Integer words: the corrections happen in the last stage's registers, except after the scalar forward kernel.
        public void Run<TV, TL, TA>()
            where TV : unmanaged
            where TL : struct, IShuffleLanes<TV>
            where TA : struct, INttArithmetic<TA, TV>
            => Kernel<TV, TL, TA>(corrections);

        public void RunDoubles<TV, TL, TA>()
            where TV : unmanaged
            where TL : struct, IShuffleLanes<TV>
            where TA : struct, INttArithmetic<TA, TV>
        {
            NttKernels.ToDoubles<TV, TL>(x, n);
            Kernel<TV, TL, TA>(0);
            NttKernels.FromDoubles<TV, TL>(x, n, q, corrections);
        }

        public void RunIntegers(SimdWidth width)
        {
            switch (width)
            {
                case SimdWidth.Vector512:
                    Run<Vector512<ulong>, Vector512Lanes, IntegerShoup<Vector512<ulong>, Vector512Lanes>>();
                    break;
                case SimdWidth.Vector256:
                    Run<Vector256<ulong>, Vector256Lanes, IntegerShoup<Vector256<ulong>, Vector256Lanes>>();
                    break;
                default:
                    RunScalar<IntegerShoup<ulong, ScalarLanes>>();
                    break;
            }
        }

        public void RunTruncated(SimdWidth width)
        {
            switch (width)
            {
                case SimdWidth.Vector512:
                    Run<Vector512<ulong>, Vector512Lanes, TruncatedShoup<Vector512<ulong>, Vector512Lanes>>();
                    break;
                case SimdWidth.Vector256:
                    Run<Vector256<ulong>, Vector256Lanes, TruncatedShoup<Vector256<ulong>, Vector256Lanes>>();
                    break;
                default:
                    RunScalar<TruncatedShoup<ulong, ScalarLanes>>();
                    break;
            }
        }

        private void RunScalar<TA>()
            where TA : struct, INttArithmetic<TA, ulong>
        {
            ScalarKernel<TA>(corrections);
            if (forward)
            {
                NttKernels.FinishForwardScalar<TA>(x, n, q, corrections);
            }
        }

        public void RunScalarDoubles()
        {
            NttKernels.ToDoubles<ulong, ScalarLanes>(x, n);
            ScalarKernel<DoubleShoup<ulong, ScalarLanes>>(0);
            NttKernels.FromDoubles<ulong, ScalarLanes>(x, n, q, corrections);
        }

        private void Kernel<TV, TL, TA>(int kernelCorrections)
            where TV : unmanaged
            where TL : struct, IShuffleLanes<TV>
            where TA : struct, INttArithmetic<TA, TV>
        {
            if (forward)
            {
                NttKernels.Forward<TV, TL, TA>(x, n, w, aux, q, kernelCorrections);
            }
            else
            {
                NttKernels.Inverse<TV, TL, TA>(x, n, w, aux, q, t.InvN.W, t.InvN.Aux, t.InvNTimesLastRoot.W, t.InvNTimesLastRoot.Aux, kernelCorrections > 0);
            }
        }

        // The scalar forward kernel leaves its corrections to the caller; the inverse makes them in its last stage.
        private void ScalarKernel<TA>(int kernelCorrections)
            where TA : struct, INttArithmetic<TA, ulong>
        {
            if (forward)
            {
                NttKernels.ForwardLazyScalar<TA>(x, n, w, aux, q);
            }
            else
            {
                NttKernels.InverseScalar<TA>(x, n, w, aux, q, t.InvN.W, t.InvN.Aux, t.InvNTimesLastRoot.W, t.InvNTimesLastRoot.Aux, kernelCorrections > 0);
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
