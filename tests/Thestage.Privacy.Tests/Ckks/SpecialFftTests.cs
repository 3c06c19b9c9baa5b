using System.Numerics;
using Thestage.Privacy.Ckks;

namespace Thestage.Privacy.Tests.Ckks;

public sealed class SpecialFftTests
{
    [Theory]
    [InlineData(4)]
    [InlineData(16)]
    [InlineData(64)]
    [InlineData(1024)]
    public void Forward_evaluates_the_polynomial_at_zeta_to_the_three_to_the_k(int n)
    {
        var fft = new SpecialFft(n);
        var random = new Random(n);
        var m = Enumerable.Range(0, n).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var v = new Complex[n / 2];
        for (int j = 0; j < n / 2; j++)
        {
            v[j] = new Complex(m[j], m[j + n / 2]);
        }

        fft.Forward(v);
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
