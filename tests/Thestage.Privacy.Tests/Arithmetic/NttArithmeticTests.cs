using System.Runtime.Intrinsics;
using Thestage.Privacy.Arithmetic;

namespace Thestage.Privacy.Tests.Arithmetic;

/// <summary>
/// The twiddle products of the butterfly arithmetics at their range limits: v up to 4q − 1 (8q − 1 for the truncated
/// quotient) and w up to q − 1, for primes just below 2^50 (the double-precision bound, where its quotient error is
/// largest), 2^60 (the truncated quotient's bound) and 2^61. The result must be v·w mod q up to a multiple of q and lie in
/// [0, 2q) ([0, 4q) for the truncated quotient), the same bits at every width.
/// </summary>
public sealed class NttArithmeticTests
{
    [Theory]
    [InlineData(50)]
    [InlineData(49)]
    [InlineData(36)]
    public void Double_shoup_product_is_exact_and_below_2q(int bits)
    {
        ulong q = Primes.LargestNttPrimes(1UL << 17, bits, 1)[0];
        (ulong[] v, ulong[] w) = Operands(q, 4 * q, seed: bits);
        ulong[] aux = w.Select(x => BitConverter.DoubleToUInt64Bits((double)x / q)).ToArray();
        ulong[] vd = v.Select(x => BitConverter.DoubleToUInt64Bits(x)).ToArray();
        ulong[] wd = w.Select(x => BitConverter.DoubleToUInt64Bits(x)).ToArray();
        ulong[] scalar = Apply<ulong, ScalarLanes, DoubleShoup<ulong, ScalarLanes>>(q, vd, wd, aux);
        for (int i = 0; i < v.Length; i++)
        {
            double r = BitConverter.UInt64BitsToDouble(scalar[i]);
            Assert.True(r >= 0 && r < 2.0 * q && r == Math.Floor(r), $"v = {v[i]}, w = {w[i]}: {r} is not an integer in [0, 2q).");
            Assert.Equal((ulong)((UInt128)v[i] * w[i] % q), (ulong)r % q);
        }

        if (Vector256Lanes.IsSupported)
        {
            Assert.Equal(scalar, Apply<Vector256<ulong>, Vector256Lanes, DoubleShoup<Vector256<ulong>, Vector256Lanes>>(q, vd, wd, aux));
        }

        if (Vector512Lanes.IsSupported)
        {
            Assert.Equal(scalar, Apply<Vector512<ulong>, Vector512Lanes, DoubleShoup<Vector512<ulong>, Vector512Lanes>>(q, vd, wd, aux));
        }
    }

    [Theory]
    [InlineData(61)]
    [InlineData(50)]
    public void Integer_shoup_product_is_exact_and_below_2q(int bits)
    {
        ulong q = Primes.LargestNttPrimes(1UL << 17, bits, 1)[0];
        (ulong[] v, ulong[] w) = Operands(q, 4 * q, seed: bits);
        ulong[] aux = w.Select(x => new MultiplyOperand(x, q).Quotient).ToArray();
        AssertSameAtEveryWidth<IntegerShoup<ulong, ScalarLanes>, IntegerShoup<Vector256<ulong>, Vector256Lanes>, IntegerShoup<Vector512<ulong>, Vector512Lanes>>(
            q, v, w, aux, bound: 2 * q);
    }

    // Operands up to 8q − 1, the forward values of this arithmetic; primes at its bound 2^60 and below.
    [Theory]
    [InlineData(60)]
    [InlineData(59)]
    [InlineData(51)]
    [InlineData(30)]
    public void Truncated_shoup_product_is_exact_and_below_4q(int bits)
    {
        ulong q = Primes.LargestNttPrimes(1UL << 17, bits, 1)[0];
        (ulong[] v, ulong[] w) = Operands(q, 8 * q, seed: bits);
        ulong[] aux = w.Select(x => (ulong)(((UInt128)x << 63) / q)).ToArray();
        AssertSameAtEveryWidth<TruncatedShoup<ulong, ScalarLanes>, TruncatedShoup<Vector256<ulong>, Vector256Lanes>, TruncatedShoup<Vector512<ulong>, Vector512Lanes>>(
            q, v, w, aux, bound: 4 * q);
    }

    private static void AssertSameAtEveryWidth<TScalar, T256, T512>(ulong q, ulong[] v, ulong[] w, ulong[] aux, ulong bound)
        where TScalar : struct, INttArithmetic<TScalar, ulong>
        where T256 : struct, INttArithmetic<T256, Vector256<ulong>>
        where T512 : struct, INttArithmetic<T512, Vector512<ulong>>
    {
        ulong[] scalar = Apply<ulong, ScalarLanes, TScalar>(q, v, w, aux);
        for (int i = 0; i < v.Length; i++)
        {
            Assert.True(scalar[i] < bound, $"v = {v[i]}, w = {w[i]}: {scalar[i]} is not below {bound / q}q.");
            Assert.Equal((ulong)((UInt128)v[i] * w[i] % q), scalar[i] % q);
        }

        if (Vector256Lanes.IsSupported)
        {
            Assert.Equal(scalar, Apply<Vector256<ulong>, Vector256Lanes, T256>(q, v, w, aux));
        }

        if (Vector512Lanes.IsSupported)
        {
            Assert.Equal(scalar, Apply<Vector512<ulong>, Vector512Lanes, T512>(q, v, w, aux));
        }
    }

    // v ∈ [0, vBound) and w ∈ [0, q): the largest values of each, then random ones; a multiple of 8 in length.
    private static (ulong[] V, ulong[] W) Operands(ulong q, ulong vBound, int seed)
    {
        var random = new Random(seed);
        var v = new List<ulong>();
        var w = new List<ulong>();
        foreach (ulong a in new ulong[] { 0, 1, q - 1, q, 2 * q - 1, 2 * q, 3 * q + 7, 4 * q - 1, vBound / 2, vBound - q, vBound - 1 })
        {
            foreach (ulong b in new ulong[] { 0, 1, 2, q / 2, q - 2, q - 1, q / 3, q - q / 7 })
            {
                v.Add(a);
                w.Add(b);
            }
        }

        while (v.Count < 65536)
        {
            v.Add(random.Next(4) == 0 ? vBound - 1 - (ulong)random.Next(1000) : (ulong)random.NextInt64((long)vBound));
            w.Add(random.Next(4) == 0 ? q - 1 - (ulong)random.Next(1000) : (ulong)random.NextInt64((long)q));
        }

        return (v.ToArray(), w.ToArray());
    }

    /// <summary>The lazy product <c>v·w</c> of an arithmetic at one vector width, lane by lane (also the truncated-Shoup attack's).</summary>
    internal static unsafe ulong[] Apply<TV, TL, TA>(ulong q, ulong[] v, ulong[] w, ulong[] aux)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>
        where TA : struct, INttArithmetic<TA, TV>
    {
        TA arithmetic = TA.Create(q);
        var result = new ulong[v.Length];
        fixed (ulong* pv = v, pw = w, pa = aux, pr = result)
        {
            for (int i = 0; i < v.Length; i += TL.Count)
            {
                TV a = TL.Load(pa + i);
                TL.Store(pr + i, arithmetic.MultiplyLazy(TL.Load(pv + i), TL.Load(pw + i), a, arithmetic.Prepare(a)));
            }
        }

        return result;
    }
}
