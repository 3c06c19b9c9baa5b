using System.Numerics;
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
/// </remarks>
internal sealed class SpecialFft
{
    private readonly Complex[] _roots;   // ζ^k, k = 0…2N
    private readonly int[] _rotGroup;    // 5^j mod 2N, j < N/2
    private readonly int[] _swaps;       // pairs (i, j): applied in order they gather slot k from w_(j(k))
    private readonly int _m;             // 2N

    public SpecialFft(int n)
    {
        SlotCount = n / 2;
        _m = 2 * n;
        _roots = new Complex[_m + 1];
        for (int k = 0; k <= _m; k++)
        {
            double angle = 2 * Math.PI * k / _m;
            _roots[k] = new Complex(Math.Cos(angle), Math.Sin(angle));
        }

        _rotGroup = new int[SlotCount];
        var logOf = new int[_m]; // logOf[5^j mod 2N] = j
        int g = 1;
        for (int j = 0; j < SlotCount; j++)
        {
            _rotGroup[j] = g;
            logOf[g] = j;
            g = (int)(5L * g % _m);
        }

        // Slot k of SEAL's order is w_(source[k]) (conjugated for odd k): 3^k or −3^k is 5^(source[k]).
        var source = new int[SlotCount];
        long power = 1;
        for (int k = 0; k < SlotCount; k++)
        {
            source[k] = logOf[power % 4 == 1 ? power : _m - power];
            power = 3 * power % _m;
        }

        _swaps = GatherSwaps(source);
    }

    public int SlotCount { get; }

    /// <summary>Coefficient pairs v_j → slot values in SEAL's order (slot k = m(ζ^(3^k))), in place.</summary>
    public void Forward(Span<Complex> values)
    {
        ForwardRotationGroupOrder(values);
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
    public void Inverse(Span<Complex> values)
    {
        for (int k = 1; k < values.Length; k += 2)
        {
            values[k] = Complex.Conjugate(values[k]);
        }

        for (int t = _swaps.Length - 2; t >= 0; t -= 2)
        {
            (values[_swaps[t]], values[_swaps[t + 1]]) = (values[_swaps[t + 1]], values[_swaps[t]]);
        }

        InverseRotationGroupOrder(values);
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

    /// <summary>HEAAN's forward special FFT: coefficient pairs v_j → w_j = m(ζ^(5^j)), in place.</summary>
    private void ForwardRotationGroupOrder(Span<Complex> values)
    {
        int size = SlotCount;
        BitReverse(values);
        for (int len = 2; len <= size; len <<= 1)
        {
            int lenh = len >> 1, lenq = len << 2, gap = _m / lenq;
            for (int i = 0; i < size; i += len)
            {
                for (int j = 0; j < lenh; j++)
                {
                    int idx = (_rotGroup[j] % lenq) * gap;
                    Complex u = values[i + j];
                    Complex v = values[i + j + lenh] * _roots[idx];
                    values[i + j] = u + v;
                    values[i + j + lenh] = u - v;
                }
            }
        }
    }

    /// <summary>HEAAN's inverse special FFT: w_j = m(ζ^(5^j)) → coefficient pairs v_j, in place.</summary>
    private void InverseRotationGroupOrder(Span<Complex> values)
    {
        int size = SlotCount;
        for (int len = size; len >= 2; len >>= 1)
        {
            int lenh = len >> 1, lenq = len << 2, gap = _m / lenq;
            for (int i = 0; i < size; i += len)
            {
                for (int j = 0; j < lenh; j++)
                {
                    int idx = (lenq - (_rotGroup[j] % lenq)) * gap;
                    Complex u = values[i + j] + values[i + j + lenh];
                    Complex v = (values[i + j] - values[i + j + lenh]) * _roots[idx];
                    values[i + j] = u;
                    values[i + j + lenh] = v;
                }
            }
        }

        BitReverse(values);
        double inv = 1.0 / size;
        for (int i = 0; i < size; i++)
        {
            values[i] *= inv;
        }
    }

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
