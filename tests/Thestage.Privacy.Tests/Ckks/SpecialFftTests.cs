using System.Numerics;
using Thestage.Privacy.Arithmetic;
using Thestage.Privacy.Ckks;

namespace Thestage.Privacy.Tests.Ckks;

public sealed class SpecialFftTests
{
    /// <summary>Sizes × widths; the width as its <see cref="SimdWidth"/> number (the enum is internal).</summary>
    public static TheoryData<int, int> SizesAndWidths()
    {
        var data = new TheoryData<int, int>();
        foreach (int n in new[] { 4, 8, 16, 64, 1024 })
        {
            foreach (SimdWidth width in Widths)
            {
                data.Add(n, (int)width);
            }
        }

        return data;
    }

    private static readonly SimdWidth[] Widths = [SimdWidth.Scalar, SimdWidth.Vector256, SimdWidth.Vector512];

    [Theory]
    [MemberData(nameof(SizesAndWidths))]
    public void Forward_evaluates_the_polynomial_at_zeta_to_the_three_to_the_k(int n, int widthNumber)
    {
        var width = (SimdWidth)widthNumber;
        var fft = new SpecialFft(n);
        var random = new Random(n);
        var m = Enumerable.Range(0, n).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var v = new Complex[n / 2];
        for (int j = 0; j < n / 2; j++)
        {
            v[j] = new Complex(m[j], m[j + n / 2]);
        }

        fft.Forward(v, width);
        long g = 1;
        for (int k = 0; k < n / 2; k++)
        {
            // Naive: m(ζ^g) = Σ_j m_j ζ^(g·j), ζ = e^(iπ/N).
            Complex expected = Complex.Zero;
            for (int j = 0; j < n; j++)
            {
                expected += m[j] * Complex.FromPolarCoordinates(1, Math.PI * (g * j % (2 * n)) / n);
            }

            Assert.True((expected - v[k]).Magnitude < 1e-9 * n, $"slot {k}: {expected} vs {v[k]}");
            g = g * 3 % (2 * n);
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(64)]
    [InlineData(32768)]
    public void The_slot_permutation_gathers_in_place(int slots)
    {
        var random = new Random(slots);
        int[] source = [.. Enumerable.Range(0, slots).OrderBy(_ => random.Next())];
        int[] swaps = SpecialFft.GatherSwaps(source);
        int[] a = [.. Enumerable.Range(0, slots)];
        for (int t = 0; t < swaps.Length; t += 2)
        {
            (a[swaps[t]], a[swaps[t + 1]]) = (a[swaps[t + 1]], a[swaps[t]]);
        }

        Assert.Equal(source, a);
        Assert.True(swaps.Length / 2 < slots);
    }

    [Theory]
    [MemberData(nameof(SizesAndWidths))]
    public void Inverse_interpolates_the_naive_evaluation(int n, int widthNumber)
    {
        var width = (SimdWidth)widthNumber;
        // Slots z_k = m(ζ^(3^k)) of a random real polynomial m, computed naively; Inverse must give back m's pairs.
        var fft = new SpecialFft(n);
        var random = new Random(n + 1);
        var m = Enumerable.Range(0, n).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var z = new Complex[n / 2];
        long g = 1;
        for (int k = 0; k < n / 2; k++)
        {
            for (int j = 0; j < n; j++)
            {
                z[k] += m[j] * Complex.FromPolarCoordinates(1, Math.PI * (g * j % (2 * n)) / n);
            }

            g = g * 3 % (2 * n);
        }

        fft.Inverse(z, width);
        for (int j = 0; j < n / 2; j++)
        {
            Assert.True((z[j] - new Complex(m[j], m[j + n / 2])).Magnitude < 1e-9 * n, $"pair {j}: {z[j]}");
        }
    }

    [Theory]
    [InlineData(4)]
    [InlineData(16)]
    [InlineData(8192)]
    [InlineData(65536)]
    public void Every_width_gives_the_bits_of_the_scalar_path(int n)
    {
        var fft = new SpecialFft(n);
        var random = new Random(n);
        // Values over many binades, signs and exact zeros, so that any different rounding would show.
        var input = Enumerable.Range(0, n / 2)
            .Select(i => i % 17 == 0 ? Complex.Zero : new Complex((random.NextDouble() - 0.5) * Math.Pow(2, random.Next(-40, 40)), (random.NextDouble() - 0.5) * Math.Pow(2, random.Next(-40, 40))))
            .ToArray();
        var forward = new Complex[Widths.Length][];
        var inverse = new Complex[Widths.Length][];
        for (int w = 0; w < Widths.Length; w++)
        {
            forward[w] = (Complex[])input.Clone();
            fft.Forward(forward[w], Widths[w]);
            inverse[w] = (Complex[])input.Clone();
            fft.Inverse(inverse[w], Widths[w]);
        }

        for (int w = 1; w < Widths.Length; w++)
        {
            for (int i = 0; i < n / 2; i++)
            {
                AssertSameBits(forward[0][i], forward[w][i], $"forward {Widths[w]} at {i}");
                AssertSameBits(inverse[0][i], inverse[w][i], $"inverse {Widths[w]} at {i}");
            }
        }
    }

    [Fact]
    public void A_wrong_length_is_rejected()
    {
        var fft = new SpecialFft(16);
        Assert.Throws<ArgumentException>(() => fft.Forward(new Complex[7]));
        Assert.Throws<ArgumentException>(() => fft.Inverse(new Complex[9]));
    }

    private static void AssertSameBits(Complex expected, Complex actual, string where)
    {
        if (BitConverter.DoubleToInt64Bits(expected.Real) != BitConverter.DoubleToInt64Bits(actual.Real)
            || BitConverter.DoubleToInt64Bits(expected.Imaginary) != BitConverter.DoubleToInt64Bits(actual.Imaginary))
        {
            Assert.Fail($"{where}: {expected} (scalar) vs {actual}");
        }
    }

    [Fact]
    public void Inverse_undoes_forward()
    {
        var fft = new SpecialFft(4096);
        var random = new Random(3);
        var z = Enumerable.Range(0, 2048).Select(_ => new Complex(random.NextDouble(), random.NextDouble())).ToArray();
        var w = (Complex[])z.Clone();
        fft.Inverse(w);
        fft.Forward(w);
        Assert.All(Enumerable.Range(0, z.Length), i => Assert.True((z[i] - w[i]).Magnitude < 1e-12));
    }
}
