using System.Numerics;
namespace Thestage.Privacy.Arithmetic;

/// <summary>
/// Primality testing and the generation of NTT-friendly primes q ≡ 1 (mod 2N), chosen the way
/// SEAL's <c>CoeffModulus::Create</c> chooses them.
/// </summary>
internal static class Primes
{
    // Miller–Rabin with the first 12 primes as bases is deterministic below 3.3·10^24 > 2^64
    // (Sorenson and Webster, Math. Comp. 86 (2017)).
    private static readonly ulong[] WitnessBases = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37];

    /// <summary>Deterministic primality test for 64-bit integers.</summary>
    public static bool IsPrime(ulong n)
    {
        if (n < 2)
        {
            return false;
        }

        foreach (ulong p in WitnessBases)
        {
            if (n % p == 0)
            {
                return n == p;
            }
        }

        ulong d = n - 1;
        int s = BitOperations.TrailingZeroCount(d);
        d >>= s;
        foreach (ulong a in WitnessBases)
        {
            ulong x = PowMod(a, d, n);
            if (x == 1 || x == n - 1)
            {
                continue;
            }

            bool composite = true;
            for (int r = 1; r < s; r++)
            {
                x = (ulong)((UInt128)x * x % n);
                if (x == n - 1)
                {
                    composite = false;
                    break;
                }
            }

            if (composite)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The <paramref name="count"/> largest primes of exactly <paramref name="bitSize"/> bits with
    /// q ≡ 1 (mod <paramref name="factor"/>), in descending order (SEAL <c>get_primes</c>).
    /// </summary>
    /// <exception cref="ArgumentException">Not enough such primes exist.</exception>
    public static ulong[] LargestNttPrimes(ulong factor, int bitSize, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bitSize, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bitSize, Modulus.MaxBitCount);
        var result = new ulong[count];
        ulong upper = 1UL << bitSize;
        ulong lower = 1UL << (bitSize - 1);
        if (upper <= factor)
        {
            throw new ArgumentException($"No {bitSize}-bit prime is ≡ 1 mod {factor}: the bit size is too small for this degree.");
        }

        ulong candidate = upper - factor + 1; // the largest value ≡ 1 (mod factor) below 2^bitSize
        int found = 0;
        while (found < count && candidate > lower)
        {
            if (IsPrime(candidate))
            {
                result[found++] = candidate;
            }

            if (candidate < factor)
            {
                break;
            }

            candidate -= factor;
        }

        if (found < count)
        {
            throw new ArgumentException($"Only {found} primes of {bitSize} bits are ≡ 1 mod {factor}; {count} were requested.");
        }

        return result;
    }

    /// <summary>
    /// Primes for the given bit sizes, in the order of <paramref name="bitSizes"/>: for each size,
    /// the largest primes ≡ 1 (mod 2N) of that size, handed out in descending order
    /// (SEAL <c>CoeffModulus::Create</c>). All primes are distinct.
    /// </summary>
    public static ulong[] CreateCoeffModulus(int polyModulusDegree, ReadOnlySpan<int> bitSizes)
    {
        var counts = new Dictionary<int, int>();
        foreach (int b in bitSizes)
        {
            counts[b] = counts.GetValueOrDefault(b) + 1;
        }

        ulong factor = 2UL * (ulong)polyModulusDegree;
        var pools = new Dictionary<int, Queue<ulong>>();
        foreach ((int b, int c) in counts)
        {
            pools[b] = new Queue<ulong>(LargestNttPrimes(factor, b, c));
        }

        var result = new ulong[bitSizes.Length];
        for (int i = 0; i < bitSizes.Length; i++)
        {
            result[i] = pools[bitSizes[i]].Dequeue();
        }

        return result;
    }

    /// <summary>
    /// The minimal primitive 2N-th root of unity modulo a prime q ≡ 1 (mod 2N), as SEAL's
    /// <c>try_minimal_primitive_root</c> selects it.
    /// </summary>
    public static ulong MinimalPrimitiveRoot(ulong twoN, in Modulus q)
    {
        ulong p = q.Value;
        if ((p - 1) % twoN != 0)
        {
            throw new ArgumentException($"{p} is not ≡ 1 mod {twoN}.");
        }

        ulong cofactor = (p - 1) / twoN;
        ulong root = 0;
        for (ulong x = 2; x < p; x++)
        {
            ulong g = ModArith.Pow(x, cofactor, q);
            // g has order dividing 2N; it is primitive iff g^N = −1.
            if (ModArith.Pow(g, twoN / 2, q) == p - 1)
            {
                root = g;
                break;
            }
        }

        // Every primitive 2N-th root is an odd power of one of them.
        ulong square = ModArith.Multiply(root, root, q);
        ulong current = root, minimal = root;
        for (ulong i = 0; i < twoN / 2; i++)
        {
            if (current < minimal)
            {
                minimal = current;
            }

            current = ModArith.Multiply(current, square, q);
        }

        return minimal;
    }

    private static ulong PowMod(ulong a, ulong e, ulong n)
    {
        ulong result = 1, b = a % n;
        while (e != 0)
        {
            if ((e & 1) != 0)
            {
                result = (ulong)((UInt128)result * b % n);
            }

            b = (ulong)((UInt128)b * b % n);
            e >>= 1;
        }

        return result;
    }
}
