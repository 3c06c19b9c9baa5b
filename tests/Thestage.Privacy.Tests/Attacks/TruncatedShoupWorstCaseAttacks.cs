using System.Runtime.Intrinsics;
using Thestage.Privacy.Arithmetic;
using Thestage.Privacy.Tests.Arithmetic;

namespace Thestage.Privacy.Tests.Attacks;

/// <summary>
/// The truncated Shoup product of the 60-bit NTT (<see cref="TruncatedShoup{TV, TL}"/>) drops the lowest partial product
/// a₀w'₀ and the carry of the cross sum, so its quotient can fall short of ⌊v·w/q⌋ by up to 3 and the lazy product lies in
/// [0, 4q) only by the bound of its remarks. Random operands (the existing properties) rarely reach that shortfall: it needs
/// the low halves of v and w' near 2^32 and both dropped fractions near 1 at once. The attack searches for the operands with
/// the largest shortfall — v at the forward maximum 8q − 1 and below, w near q − 1, q the largest 60-bit NTT prime — and
/// checks that the shortfall 3 is reached (the bound is tight, so the test exercises it) and that every width still returns
/// the same word in [0, 4q), congruent to v·w.
/// </summary>
public sealed class TruncatedShoupWorstCaseAttacks
{
    [Theory]
    [InlineData(60)]
    [InlineData(59)]
    public void TruncatedQuotient_AtItsLargestShortfall_LeavesTheLazyRange_Fails(int bits)
    {
        ulong q = Primes.LargestNttPrimes(1UL << 17, bits, 1)[0];
        (ulong[] v, ulong[] w, int worst) = WorstOperands(q);
        Assert.Equal(3, worst);

        ulong[] aux = w.Select(x => Auxiliary(x, q)).ToArray();
        ulong[] scalar = NttArithmeticTests.Apply<ulong, ScalarLanes, TruncatedShoup<ulong, ScalarLanes>>(q, v, w, aux);
        for (int i = 0; i < v.Length; i++)
        {
            Assert.True(scalar[i] < 4 * q, $"v = {v[i]}, w = {w[i]}: {scalar[i]} is not below 4q.");
            Assert.Equal((ulong)((UInt128)v[i] * w[i] % q), scalar[i] % q);
        }

        if (Vector256Lanes.IsSupported)
        {
            Assert.Equal(scalar, NttArithmeticTests.Apply<Vector256<ulong>, Vector256Lanes, TruncatedShoup<Vector256<ulong>, Vector256Lanes>>(q, v, w, aux));
        }

        if (Vector512Lanes.IsSupported)
        {
            Assert.Equal(scalar, NttArithmeticTests.Apply<Vector512<ulong>, Vector512Lanes, TruncatedShoup<Vector512<ulong>, Vector512Lanes>>(q, v, w, aux));
        }
    }

    private static ulong Auxiliary(ulong w, ulong q) => (ulong)(((UInt128)w << 63) / q);

    // ⌊v·w/q⌋ less the truncated quotient, from their definitions (128-bit arithmetic).
    private static int Shortfall(ulong v, ulong w, ulong aux, ulong q)
    {
        ulong truncated = ((v >> 32) * ((aux >> 32) << 1)) + ((((v & 0xFFFF_FFFF) * (aux >> 32)) + ((v >> 32) * (aux & 0xFFFF_FFFF))) >> 31);
        return (int)(ulong)(((UInt128)v * w / q) - truncated);
    }

    // Twiddles w ≤ q − 1 whose w' has its low half near 2^32 and whose dropped fraction w·2^63/q − w' is near 1, each paired
    // with the values v < 8q whose low half is near 2^32; kept: every pair whose shortfall is the largest found, 64 at most,
    // padded to a multiple of 8 with the largest operands.
    private static (ulong[] V, ulong[] W, int Worst) WorstOperands(ulong q)
    {
        var twiddles = new List<ulong>();
        for (ulong w = q - 1; twiddles.Count < 64 && w > q - (1UL << 26); w--)
        {
            UInt128 scaled = (UInt128)w << 63;
            ulong aux = (ulong)(scaled / q);
            ulong remainder = (ulong)(scaled % q);
            if ((aux & 0xFFFF_FFFF) >= 0xF000_0000 && remainder >= q - (q >> 4))
            {
                twiddles.Add(w);
            }
        }

        var pairs = new List<(ulong V, ulong W, int Shortfall)>();
        foreach (ulong w in twiddles)
        {
            ulong aux = Auxiliary(w, q);
            for (ulong high = (8 * q) >> 32; high > ((8 * q) >> 32) - 64; high--)
            {
                for (ulong low = 0xFFFF_FFFF; low > 0xFFFF_FF00; low--)
                {
                    ulong v = (high << 32) | low;
                    if (v < 8 * q)
                    {
                        pairs.Add((v, w, Shortfall(v, w, aux, q)));
                    }
                }
            }
        }

        int worst = pairs.Max(p => p.Shortfall);
        List<(ulong V, ulong W, int Shortfall)> chosen = pairs.Where(p => p.Shortfall == worst).Take(64).ToList();
        while (chosen.Count % 8 != 0)
        {
            chosen.Add((8 * q - 1, q - 1, 0));
        }

        return (chosen.Select(p => p.V).ToArray(), chosen.Select(p => p.W).ToArray(), worst);
    }
}
