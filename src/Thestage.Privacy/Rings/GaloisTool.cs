using System.Collections.Concurrent;
using Thestage.Privacy.Arithmetic;

namespace Thestage.Privacy.Rings;

/// <summary>
/// Galois automorphisms σ_g: a(X) ↦ a(X^g) of Z_q[X]/(X^N + 1) for odd g, and the map from CKKS
/// rotation steps to Galois elements: g = 3^k mod 2N rotates the slots left by k (negative k: 3^(N/2 + k), right),
/// g = 2N − 1 conjugates. The generator 3 is SEAL's (<c>GaloisTool::generator_</c>), matching its slot order
/// (<c>SpecialFft</c>); HEAAN and Lattigo use 5 and a different order.
/// </summary>
/// <remarks>
/// In the NTT domain σ_g is a permutation: with output[k] = a(ψ^(2·rev(k)+1)) (see <see cref="NttTables"/>),
/// (σ_g a)(ψ^e) = a(ψ^(g·e mod 2N)), so output'[k] = output[rev((g·(2·rev(k)+1) mod 2N − 1)/2)]
/// (SEAL <c>GaloisTool::apply_galois_ntt</c>).
/// </remarks>
internal sealed class GaloisTool
{
    private readonly ConcurrentDictionary<ulong, int[]> _permutations = new();

    public GaloisTool(int logN)
    {
        LogN = logN;
        N = 1 << logN;
    }

    public int LogN { get; }

    public int N { get; }

    /// <summary>The number of CKKS slots, N/2.</summary>
    public int SlotCount => N / 2;

    /// <summary>The Galois element of the conjugation automorphism, 2N − 1.</summary>
    public ulong ConjugationElement => (ulong)(2 * N - 1);

    /// <summary>The generator of the rotation group: slot k holds m(ζ^(3^k)).</summary>
    public const ulong Generator = 3;

    /// <summary>The Galois element 3^steps mod 2N, which rotates slots left by <paramref name="steps"/> (negative: right).</summary>
    public ulong ElementForStep(int steps)
    {
        int slots = SlotCount;
        int k = ((steps % slots) + slots) % slots;
        ulong m = (ulong)(2 * N);
        ulong g = 1;
        ulong b = Generator;
        while (k != 0)
        {
            if ((k & 1) != 0)
            {
                g = g * b % m;
            }

            b = b * b % m;
            k >>= 1;
        }

        return g;
    }

    /// <summary>Checks that g is a valid Galois element: odd and below 2N.</summary>
    public bool IsValidElement(ulong g) => (g & 1) == 1 && g < (ulong)(2 * N);

    /// <summary>The NTT-domain permutation of σ_g: (σ_g a)[k] = a[perm[k]].</summary>
    public int[] NttPermutation(ulong galoisElement) => _permutations.GetOrAdd(galoisElement, BuildPermutation);

    /// <summary>destination = σ_g(source) for one limb in NTT form. Must not alias.</summary>
    public void ApplyNtt(ReadOnlySpan<ulong> source, ulong galoisElement, Span<ulong> destination)
    {
        int[] perm = NttPermutation(galoisElement);
        for (int k = 0; k < perm.Length; k++)
        {
            destination[k] = source[perm[k]];
        }
    }

    /// <summary>destination = σ_g(source) for one limb in coefficient form (X^i ↦ ±X^(i·g mod N)). Must not alias.</summary>
    public void ApplyCoefficients(ReadOnlySpan<ulong> source, ulong galoisElement, ulong q, Span<ulong> destination)
    {
        ulong mask = (ulong)(2 * N - 1);
        for (int i = 0; i < N; i++)
        {
            ulong index = (ulong)i * galoisElement & mask;
            ulong v = source[i];
            if (index >= (ulong)N)
            {
                destination[(int)(index - (ulong)N)] = v == 0 ? 0 : q - v;
            }
            else
            {
                destination[(int)index] = v;
            }
        }
    }

    private int[] BuildPermutation(ulong g)
    {
        var perm = new int[N];
        ulong mask = (ulong)(2 * N - 1);
        for (int k = 0; k < N; k++)
        {
            ulong e = 2UL * NttTables.ReverseBits((uint)k, LogN) + 1;
            ulong ge = g * e & mask;
            perm[k] = (int)NttTables.ReverseBits((uint)((ge - 1) >> 1), LogN);
        }

        return perm;
    }
}
