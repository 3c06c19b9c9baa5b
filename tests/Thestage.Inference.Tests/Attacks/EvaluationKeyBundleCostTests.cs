using System.Numerics;
using Thestage.Inference.Runtime;
using Thestage.Privacy.Ckks;
using Thestage.Privacy.Serialization;

namespace Thestage.Inference.Tests.Attacks;

/// <summary>
/// Anyone may send a server an evaluation-key bundle. Its parameters come first, and building their context costs
/// 32·N bytes of NTT tables per prime: a 573-byte bundle declaring N = 65536 and the format's 64 primes (1,596 bits, within
/// the 128-bit bound) made the server allocate 130 MiB and spend a quarter of a second of CPU before it found no keys.
/// </summary>
public sealed class EvaluationKeyBundleCostTests
{
    [Fact]
    public void BundleOfLargeParametersWithoutKeys_IsRefusedBeforeTheContextIsBuilt()
    {
        const int n = 65536;
        ulong[] primes = NttPrimes(n).Take(64).ToArray();
        Assert.True(primes.Sum(q => 64 - BitOperations.LeadingZeroCount(q)) <= 1744);   // 128-bit secure for N = 65536
        using var stream = new MemoryStream();
        stream.Write("TSEK"u8);
        stream.WriteByte(2);
        CkksSerializer.Save(CkksParameters.FromPrimes(n, primes), stream);
        byte[] bundle = stream.ToArray();
        Assert.True(bundle.Length < 600);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<CkksFormatException>(() => EvaluationKeys.FromBytes(bundle));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < 1 << 20, $"{allocated} bytes allocated for a {bundle.Length}-byte bundle");
        Assert.Contains("take at least", e.Message, StringComparison.Ordinal);
    }

    // The primes q ≡ 1 (mod 2N) in increasing order (deterministic Miller–Rabin for 64-bit words).
    private static IEnumerable<ulong> NttPrimes(int n)
    {
        for (ulong q = 2UL * (ulong)n + 1; ; q += 2UL * (ulong)n)
        {
            if (IsPrime(q))
            {
                yield return q;
            }
        }
    }

    private static bool IsPrime(ulong q)
    {
        ulong[] bases = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37];
        if (bases.Contains(q))
        {
            return true;
        }

        if (bases.Any(b => q % b == 0))
        {
            return false;
        }

        ulong d = q - 1;
        int s = BitOperations.TrailingZeroCount(d);
        d >>= s;
        foreach (ulong a in bases)
        {
            BigInteger x = BigInteger.ModPow(a, d, q);
            if (x.IsOne || x == q - 1)
            {
                continue;
            }

            bool witness = true;
            for (int r = 1; r < s && witness; r++)
            {
                x = x * x % q;
                witness = x != q - 1;
            }

            if (witness)
            {
                return false;
            }
        }

        return true;
    }
}
