using Thestage.Privacy.Arithmetic;
using Thestage.Privacy.Rings;
using Thestage.Privacy.Tests.Arithmetic;

namespace Thestage.Privacy.Tests.Rings;

public sealed class GaloisToolTests
{
    [Theory]
    [InlineData(3, 5UL)]
    [InlineData(5, 25UL)]
    [InlineData(8, 511UL)]
    [InlineData(10, 3UL)]
    [InlineData(10, 2047UL)]
    public void Ntt_permutation_equals_the_coefficient_automorphism(int logN, ulong g)
    {
        int n = 1 << logN;
        var q = new Modulus(Primes.LargestNttPrimes(2UL * (ulong)n, 50, 1)[0]);
        var ntt = new NttTables(logN, q);
        var tool = new GaloisTool(logN);
        ulong[] a = NttTablesTests.RandomPoly(new Random(logN), n, q.Value);
        var expected = new ulong[n];
        tool.ApplyCoefficients(a, g, q.Value, expected);
        ntt.Forward(expected);

        ulong[] transformed = (ulong[])a.Clone();
        ntt.Forward(transformed);
        var actual = new ulong[n];
        tool.ApplyNtt(transformed, g, actual);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Coefficient_automorphism_maps_x_to_x_to_the_g()
    {
        var tool = new GaloisTool(3); // N = 8, X^8 = −1
        var a = new ulong[8];
        a[1] = 1; // X
        var r = new ulong[8];
        tool.ApplyCoefficients(a, 5, 17, r); // X^5
        Assert.Equal(1UL, r[5]);
        a[1] = 0;
        a[3] = 1; // X^3 → X^15 = −X^7
        tool.ApplyCoefficients(a, 5, 17, r);
        Assert.Equal(16UL, r[7]);
    }

    [Fact]
    public void Steps_map_to_powers_of_three_as_in_seal()
    {
        var tool = new GaloisTool(13);
        Assert.Equal(1UL, tool.ElementForStep(0));
        Assert.Equal(3UL, tool.ElementForStep(1));
        Assert.Equal(9UL, tool.ElementForStep(2));
        Assert.Equal(tool.ElementForStep(tool.SlotCount - 1), tool.ElementForStep(-1));
        Assert.Equal(1UL, 3 * tool.ElementForStep(-1) % (2UL * (ulong)tool.N));
        Assert.Equal(16383UL, tool.ConjugationElement);
    }
}
