using System.Numerics;
using Thestage.Privacy.Arithmetic;

namespace Thestage.Privacy.Ckks;

/// <summary>
/// The O(N log N) transform between the N/2 CKKS slots and the polynomial coefficients: evaluation of
/// m(X) = Σ m_j X^j at ζ^(5^k), k = 0…N/2−1, with ζ = e^(iπ/N) (the canonical embedding restricted to one
/// element of each conjugate pair), and its inverse.
/// </summary>
/// <remarks>
/// With v_j = m_j + i·m_(j+N/2), m(ζ^g) = Σ_(j&lt;N/2) v_j ζ^(g·j) for every g ≡ 1 (mod 4), which an N/2-point
/// FFT over the rotation group ⟨5⟩ computes (Cheon, Kim, Kim, Song, ASIACRYPT 2017, eprint 2016/421, and the
/// "special FFT" of their HEAAN library). Slot k is m(ζ^(5^k)), SEAL's slot order, so the automorphism
/// X ↦ X^(5^r) rotates slots left by r.
/// </remarks>
internal sealed class SpecialFft
{
    private readonly Complex[] _roots;   // ζ^k, k = 0…2N
    private readonly int[] _rotGroup;    // 5^j mod 2N, j < N/2
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
        int g = 1;
        for (int j = 0; j < SlotCount; j++)
        {
            _rotGroup[j] = g;
            g = (int)(5L * g % _m);
        }
    }

    public int SlotCount { get; }

    /// <summary>Coefficient pairs v_j → slot values, in place.</summary>
    public void Forward(Span<Complex> values)
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

    /// <summary>Slot values → coefficient pairs v_j, in place (the exact inverse of <see cref="Forward"/>).</summary>
    public void Inverse(Span<Complex> values)
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
