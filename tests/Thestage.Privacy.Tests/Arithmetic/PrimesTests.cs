using Thestage.Privacy.Arithmetic;

namespace Thestage.Privacy.Tests.Arithmetic;

public sealed class PrimesTests
{
    [Fact]
    public void IsPrime_matches_trial_division_below_200000()
    {
        for (ulong n = 0; n < 200_000; n++)
        {
            Assert.Equal(TrialDivision(n), Primes.IsPrime(n));
        }
    }

    [Theory]
    [InlineData(561UL, false)]                    // Carmichael
    [InlineData(3215031751UL, false)]             // strong pseudoprime to bases 2, 3, 5, 7
    [InlineData(3825123056546413051UL, false)]    // strong pseudoprime to bases 2…23
    [InlineData(18446744073709551557UL, true)]    // largest 64-bit prime
    [InlineData(2305843009213693951UL, true)]     // 2^61 − 1
    [InlineData(1152921504606584833UL, true)]
    [InlineData(18446744073709551615UL, false)]
    public void IsPrime_known_answers(ulong n, bool expected) => Assert.Equal(expected, Primes.IsPrime(n));

    [Theory]
    [InlineData(4096, 36, 3)]
    [InlineData(8192, 40, 4)]
    [InlineData(8192, 60, 3)]
    [InlineData(16384, 49, 6)]
    [InlineData(32768, 55, 4)]
    public void LargestNttPrimes_are_the_largest_in_descending_order(int n, int bits, int count)
    {
        ulong factor = 2UL * (ulong)n;
        ulong[] primes = Primes.LargestNttPrimes(factor, bits, count);
        ulong candidate = (1UL << bits) - factor + 1;
        int found = 0;
        while (found < count)
        {
            // Independent scan of every candidate ≡ 1 (mod 2N) from the top: each prime must be the next one found.
            if (TrialDivisionLarge(candidate))
            {
                Assert.Equal(candidate, primes[found++]);
            }

            candidate -= factor;
        }

        Assert.All(primes, p => Assert.Equal(bits, 64 - (int)ulong.LeadingZeroCount(p)));
    }

    [Fact]
    public void CreateCoeffModulus_hands_out_each_size_in_descending_order()
    {
        ulong[] q = Primes.CreateCoeffModulus(8192, [60, 40, 40, 60]);
        ulong[] p60 = Primes.LargestNttPrimes(16384, 60, 2), p40 = Primes.LargestNttPrimes(16384, 40, 2);
        Assert.Equal(new[] { p60[0], p40[0], p40[1], p60[1] }, q);
        Assert.Equal(q.Length, q.Distinct().Count());
    }

    [Fact]
    public void Too_few_primes_of_a_size_is_an_error()
    {
        Assert.Throws<ArgumentException>(() => Primes.LargestNttPrimes(1UL << 17, 17, 1));
        Assert.Throws<ArgumentException>(() => Primes.LargestNttPrimes(1UL << 14, 18, 100));
    }

    private static bool TrialDivision(ulong n)
    {
        if (n < 2)
        {
            return false;
        }

        for (ulong d = 2; d * d <= n; d++)
        {
            if (n % d == 0)
            {
                return false;
            }
        }

        return true;
    }

    // Trial division up to 2^16 then BigInteger Fermat tests with several bases: an independent check.
    private static bool TrialDivisionLarge(ulong n)
    {
        for (ulong d = 2; d < 65536 && d * d <= n; d++)
        {
            if (n % d == 0)
            {
                return false;
            }
        }

        foreach (int b in new[] { 2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41 })
        {
            if (System.Numerics.BigInteger.ModPow(b, n - 1, n) != 1)
            {
                return false;
            }
        }

        return true;
    }
}
