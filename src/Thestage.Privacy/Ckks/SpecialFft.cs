using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Thestage.Privacy.Arithmetic;

namespace Thestage.Privacy.Ckks;

/// <summary>
/// The O(N log N) transform between the N/2 CKKS slots and the polynomial coefficients: evaluation of
/// m(X) = Σ m_j X^j at ζ^(3^k), k = 0…N/2−1, with ζ = e^(iπ/N) (the canonical embedding restricted to one
/// element of each conjugate pair), and its inverse. This is SEAL's slot order (<c>CKKSEncoder</c>'s
/// <c>matrix_reps_index_map_</c> with generator 3), so the automorphism X ↦ X^(3^r) rotates the slots left by r, as
/// SEAL's <c>GaloisTool::get_elt_from_step</c> does, and a ciphertext made by SEAL decodes to the same slots here.
/// </summary>
/// <remarks>
/// <para>The transform itself runs over the group ⟨5⟩: with v_j = m_j + i·m_(j+N/2), m(ζ^g) = Σ_(j&lt;N/2) v_j ζ^(g·j) for
/// every g ≡ 1 (mod 4), which an N/2-point FFT over the powers of 5 computes (Cheon, Kim, Kim, Song, ASIACRYPT 2017,
/// eprint 2016/421, and the "special FFT" of their HEAAN library; Lattigo keeps that order, w_j = m(ζ^(5^j))).</para>
/// <para>SEAL's order follows from it. The odd residues mod 2N are ±⟨5⟩, and 3 ≡ −5^a with a odd, so 3^k = (−1)^k·5^(a·k)
/// and k ↦ a·k mod N/2 is a bijection: slot k is w_(j(k)) for even k and, since m has real coefficients and
/// m(ζ^(−g)) is the conjugate of m(ζ^g), the conjugate of w_(j(k)) for odd k, where 5^(j(k)) ≡ ±3^k. The permutation
/// k ↦ j(k) is applied in place by a precomputed list of at most N/2 − 1 swaps (forward for decoding, reversed for
/// encoding), so the order costs O(N) beside the FFT's O(N log N).</para>
/// <para>Each butterfly stage reads its roots from a table in butterfly order (ζ^((5^j mod 4·len)·2N/(4·len)) for
/// j &lt; len/2, HEAAN's index computation done once), with each real and imaginary part stored twice so that a
/// register of interleaved complex values multiplies by a register of roots without shuffling the table. The stages
/// run at the widest width the machine has (<see cref="IComplexLanes{TV}"/>: AVX-512, AVX, scalar), stages narrower
/// than a register in scalar; every width gives the same bits, and the same bits as
/// <see cref="System.Numerics.Complex"/> arithmetic over the same roots.</para>
/// </remarks>
internal sealed unsafe class SpecialFft
{
    // Stage tables: the roots of the stage with half-length h at entries [h − 1, 2h − 1), each part twice
    // (entry e at [2e, 2e + 2)). The inverse roots are the forward roots' counterparts ζ^(2N − index).
    private readonly double[] _forwardRe;
    private readonly double[] _forwardIm;
    private readonly double[] _inverseRe;
    private readonly double[] _inverseIm;
    private readonly int[] _swaps;       // pairs (i, j): applied in order they gather slot k from w_(j(k))

    public SpecialFft(int n)
    {
        SlotCount = n / 2;
        int m = 2 * n;
        var roots = new Complex[m + 1]; // ζ^k, k = 0…2N
        for (int k = 0; k <= m; k++)
        {
            double angle = 2 * Math.PI * k / m;
            roots[k] = new Complex(Math.Cos(angle), Math.Sin(angle));
        }

        var rotGroup = new int[SlotCount]; // 5^j mod 2N, j < N/2
        var logOf = new int[m];            // logOf[5^j mod 2N] = j
        int g = 1;
        for (int j = 0; j < SlotCount; j++)
        {
            rotGroup[j] = g;
            logOf[g] = j;
            g = (int)(5L * g % m);
        }

        int entries = Math.Max(SlotCount - 1, 0);
        _forwardRe = new double[2 * entries];
        _forwardIm = new double[2 * entries];
        _inverseRe = new double[2 * entries];
        _inverseIm = new double[2 * entries];
        for (int h = 1; h < SlotCount; h <<= 1)
        {
            int lenq = h << 3, gap = m / lenq;
            for (int j = 0; j < h; j++)
            {
                int r = rotGroup[j] % lenq;
                SetRoot(_forwardRe, _forwardIm, h - 1 + j, roots[r * gap]);
                SetRoot(_inverseRe, _inverseIm, h - 1 + j, roots[(lenq - r) * gap]);
            }
        }

        // Slot k of SEAL's order is w_(source[k]) (conjugated for odd k): 3^k or −3^k is 5^(source[k]).
        var source = new int[SlotCount];
        long power = 1;
        for (int k = 0; k < SlotCount; k++)
        {
            source[k] = logOf[power % 4 == 1 ? power : m - power];
            power = 3 * power % m;
        }

        _swaps = GatherSwaps(source);
    }

    public int SlotCount { get; }

    /// <summary>Coefficient pairs v_j → slot values in SEAL's order (slot k = m(ζ^(3^k))), in place.</summary>
    /// <param name="values">N/2 values.</param>
    /// <param name="width">The widest register width to use (narrower where the machine lacks it).</param>
    public void Forward(Span<Complex> values, SimdWidth width = SimdWidth.Vector512)
    {
        CheckLength(values.Length);
        BitReverse(values);
        fixed (Complex* v = values)
        fixed (double* re = _forwardRe, im = _forwardIm)
        {
            switch (Width(width))
            {
                case SimdWidth.Vector512:
                    Stages<Vector512<double>, Vector512ComplexLanes>((double*)v, SlotCount, re, im, inverse: false);
                    break;
                case SimdWidth.Vector256:
                    Stages<Vector256<double>, Vector256ComplexLanes>((double*)v, SlotCount, re, im, inverse: false);
                    break;
                default:
                    Stages<ScalarComplexLanes, ScalarComplexLanes>((double*)v, SlotCount, re, im, inverse: false);
                    break;
            }
        }

        for (int t = 0; t < _swaps.Length; t += 2)
        {
            (values[_swaps[t]], values[_swaps[t + 1]]) = (values[_swaps[t + 1]], values[_swaps[t]]);
        }

        for (int k = 1; k < values.Length; k += 2)
        {
            values[k] = Complex.Conjugate(values[k]);
        }
    }

    /// <summary>Slot values in SEAL's order → coefficient pairs v_j, in place (the exact inverse of <see cref="Forward"/>).</summary>
    /// <param name="values">N/2 values.</param>
    /// <param name="width">The widest register width to use (narrower where the machine lacks it).</param>
    public void Inverse(Span<Complex> values, SimdWidth width = SimdWidth.Vector512)
    {
        CheckLength(values.Length);
        for (int k = 1; k < values.Length; k += 2)
        {
            values[k] = Complex.Conjugate(values[k]);
        }

        for (int t = _swaps.Length - 2; t >= 0; t -= 2)
        {
            (values[_swaps[t]], values[_swaps[t + 1]]) = (values[_swaps[t + 1]], values[_swaps[t]]);
        }

        fixed (Complex* v = values)
        fixed (double* re = _inverseRe, im = _inverseIm)
        {
            switch (Width(width))
            {
                case SimdWidth.Vector512:
                    Stages<Vector512<double>, Vector512ComplexLanes>((double*)v, SlotCount, re, im, inverse: true);
                    break;
                case SimdWidth.Vector256:
                    Stages<Vector256<double>, Vector256ComplexLanes>((double*)v, SlotCount, re, im, inverse: true);
                    break;
                default:
                    Stages<ScalarComplexLanes, ScalarComplexLanes>((double*)v, SlotCount, re, im, inverse: true);
                    break;
            }
        }

        BitReverse(values);
        double inv = 1.0 / SlotCount;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] *= inv;
        }
    }

    /// <summary>
    /// The swaps (i, j) that, applied in order, turn any array a into a' with a'[k] = a[source[k]]: position i is filled
    /// from wherever the element that started at source[i] has been moved by the earlier swaps (found by following
    /// source from there, since positions below i are final).
    /// </summary>
    internal static int[] GatherSwaps(int[] source)
    {
        var swaps = new List<int>();
        for (int i = 0; i < source.Length; i++)
        {
            int j = source[i];
            while (j < i)
            {
                j = source[j];
            }

            if (j != i)
            {
                swaps.Add(i);
                swaps.Add(j);
            }
        }

        return [.. swaps];
    }

    private static void SetRoot(double[] re, double[] im, int entry, Complex root)
    {
        re[2 * entry] = re[2 * entry + 1] = root.Real;
        im[2 * entry] = im[2 * entry + 1] = root.Imaginary;
    }

    /// <summary>
    /// HEAAN's special FFT on <paramref name="size"/> interleaved complex values in place: forward (bit-reversed
    /// coefficient pairs in, w_j = m(ζ^(5^j)) out) with half-lengths 1, 2, …, size/2 and butterflies
    /// (u, v) → (u + v·w, u − v·w); inverse (before the bit reversal and the 1/size) with half-lengths size/2, …, 1
    /// and (u, v) → (u + v, (u − v)·w).
    /// </summary>
    private static void Stages<TV, TL>(double* x, int size, double* rootsRe, double* rootsIm, bool inverse)
        where TV : struct
        where TL : IComplexLanes<TV>
    {
        if (!inverse)
        {
            for (int h = 1; h < size; h <<= 1)
            {
                Stage<TV, TL>(x, size, h, rootsRe + 2 * (h - 1), rootsIm + 2 * (h - 1), inverse);
            }
        }
        else
        {
            for (int h = size >> 1; h >= 1; h >>= 1)
            {
                Stage<TV, TL>(x, size, h, rootsRe + 2 * (h - 1), rootsIm + 2 * (h - 1), inverse);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)] // its own optimized root: see NttKernels
    private static void Stage<TV, TL>(double* x, int size, int h, double* wRe, double* wIm, bool inverse)
        where TV : struct
        where TL : IComplexLanes<TV>
    {
        if (h < TL.Count)
        {
            Stage<ScalarComplexLanes, ScalarComplexLanes>(x, size, h, wRe, wIm, inverse);
            return;
        }

        for (int i = 0; i < size; i += 2 * h)
        {
            double* top = x + 2 * i, bottom = top + 2 * h;
            for (int j = 0; j < 2 * h; j += 2 * TL.Count)
            {
                TV u = TL.Load(top + j), v = TL.Load(bottom + j);
                TV rootRe = TL.Load(wRe + j), rootIm = TL.Load(wIm + j);
                if (!inverse)
                {
                    TV t = TL.Multiply(v, rootRe, rootIm);
                    TL.Store(top + j, TL.Add(u, t));
                    TL.Store(bottom + j, TL.Subtract(u, t));
                }
                else
                {
                    TL.Store(top + j, TL.Add(u, v));
                    TL.Store(bottom + j, TL.Multiply(TL.Subtract(u, v), rootRe, rootIm));
                }
            }
        }
    }

    private static SimdWidth Width(SimdWidth limit)
    {
        if (limit >= SimdWidth.Vector512 && Vector512ComplexLanes.IsSupported)
        {
            return SimdWidth.Vector512;
        }

        return limit >= SimdWidth.Vector256 && Vector256ComplexLanes.IsSupported ? SimdWidth.Vector256 : SimdWidth.Scalar;
    }

    private void CheckLength(int length)
    {
        if (length != SlotCount)
        {
            throw new ArgumentException($"The special FFT of N = {2 * SlotCount} takes {SlotCount} values; got {length}.");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)] // its own optimized root: see NttKernels
    private static void BitReverse(Span<Complex> values)
    {
        int bits = BitOperations.Log2((uint)values.Length);
        for (int i = 0; i < values.Length; i++)
        {
            int r = (int)NttTables.ReverseBits((uint)i, bits);
            if (i < r)
            {
                (values[i], values[r]) = (values[r], values[i]);
            }
        }
    }
}
