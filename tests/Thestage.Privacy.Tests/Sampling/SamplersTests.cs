using Thestage.Privacy.Arithmetic;
using Thestage.Privacy.Sampling;

namespace Thestage.Privacy.Tests.Sampling;

public sealed class SamplersTests
{
    private static readonly byte[] FixedSeed = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

    [Fact]
    public void A_seeded_stream_is_deterministic_and_seeds_differ()
    {
        using var a = new Shake256Stream(FixedSeed);
        using var b = new Shake256Stream(FixedSeed);
        var x = new byte[20000];
        var y = new byte[20000];
        a.NextBytes(x);
        b.NextBytes(y.AsSpan(0, 7));
        b.NextBytes(y.AsSpan(7)); // reads across the block boundary must not matter
        Assert.Equal(x, y);
        using var c = new Shake256Stream();
        using var d = new Shake256Stream();
        Assert.NotEqual(c.Seed, d.Seed);
        Assert.Throws<ArgumentException>(() => new Shake256Stream(new byte[31]));
    }

    [Fact]
    public void Ternary_is_uniform_on_minus_one_zero_one()
    {
        using var rng = new Shake256Stream(FixedSeed);
        var s = new sbyte[300_000];
        Samplers.SampleTernary(rng, s);
        Assert.All(s, v => Assert.InRange(v, (sbyte)-1, (sbyte)1));
        foreach (int v in new[] { -1, 0, 1 })
        {
            double frequency = s.Count(x => x == v) / (double)s.Length;
            Assert.InRange(frequency, 1 / 3.0 - 0.005, 1 / 3.0 + 0.005); // > 5σ of the binomial
        }
    }

    [Fact]
    public void Centered_binomial_has_the_stated_bound_mean_and_variance()
    {
        using var rng = new Shake256Stream(FixedSeed);
        var e = new sbyte[300_000];
        Samplers.SampleCenteredBinomial(rng, e);
        Assert.All(e, v => Assert.InRange(v, (sbyte)-Samplers.ErrorBound, (sbyte)Samplers.ErrorBound));
        double mean = e.Average(v => (double)v);
        double variance = e.Average(v => (double)v * v) - mean * mean;
        Assert.InRange(mean, -0.03, 0.03);
        Assert.InRange(Math.Sqrt(variance), Samplers.ErrorStandardDeviation - 0.03, Samplers.ErrorStandardDeviation + 0.03);
    }

    [Fact]
    public void Uniform_values_lie_below_each_modulus_and_cover_the_range()
    {
        using var rng = new Shake256Stream(FixedSeed);
        Modulus[] moduli = [new(12289), new(1152921504606584833)];
        var values = new ulong[2 * 4096];
        Samplers.SampleUniform(rng, moduli, 4096, values);
        Assert.All(values.AsSpan(0, 4096).ToArray(), v => Assert.True(v < 12289));
        Assert.All(values.AsSpan(4096).ToArray(), v => Assert.True(v < moduli[1].Value));
        double mean = values.AsSpan(4096).ToArray().Average(v => (double)v) / moduli[1].Value;
        Assert.InRange(mean, 0.47, 0.53);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4096)]
    [InlineData(100_003)]
    public void Bulk_reads_give_the_samples_of_one_read_per_sample(int n)
    {
        // The definition, one stream read per sample (a rejected ternary byte is replaced by the next byte), against the
        // samplers, which read in bulk: the same stream must give the same samples and leave the stream at the same place.
        Modulus[] moduli = [new(12289), new(1152921504606584833)];
        using var bulk = new Shake256Stream(FixedSeed);
        using var single = new Shake256Stream(FixedSeed);
        var ternary = new sbyte[n];
        var error = new sbyte[n];
        var uniform = new ulong[2 * n];
        Samplers.SampleTernary(bulk, ternary);
        Samplers.SampleCenteredBinomial(bulk, error);
        Samplers.SampleUniform(bulk, moduli, n, uniform);
        for (int i = 0; i < n; i++)
        {
            byte b;
            do
            {
                b = single.NextByte();
            }
            while (b == 255);

            Assert.Equal((sbyte)(b % 3 - 1), ternary[i]);
        }

        var six = new byte[6];
        for (int i = 0; i < n; i++)
        {
            single.NextBytes(six);
            int a = System.Numerics.BitOperations.PopCount(six[0] | ((uint)six[1] << 8) | (((uint)six[2] & 0x1F) << 16));
            int c = System.Numerics.BitOperations.PopCount(six[3] | ((uint)six[4] << 8) | (((uint)six[5] & 0x1F) << 16));
            Assert.Equal((sbyte)(a - c), error[i]);
        }

        for (int l = 0; l < moduli.Length; l++)
        {
            ulong q = moduli[l].Value, limit = ulong.MaxValue - ulong.MaxValue % q;
            for (int i = 0; i < n; i++)
            {
                ulong w;
                do
                {
                    w = single.NextUInt64();
                }
                while (w >= limit);

                Assert.Equal(w % q, uniform[l * n + i]);
            }
        }

        Assert.Equal(single.NextUInt64(), bulk.NextUInt64());
    }

    [Fact]
    public void ToRns_writes_negative_values_as_q_minus_magnitude()
    {
        Modulus[] moduli = [new(17), new(97)];
        var d = new ulong[4];
        Samplers.ToRns(new sbyte[] { -1, 2 }, moduli, d);
        Assert.Equal(new ulong[] { 16, 2, 96, 2 }, d);
    }
}
