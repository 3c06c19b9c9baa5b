namespace Thestage.Proofs.Training;

/// <summary>
/// Integer-only Glorot-uniform initialization (Glorot and Bengio, AISTATS 2010) from a SplitMix64 stream
/// (Steele, Lea and Flood, OOPSLA 2014).
/// </summary>
/// <remarks>
/// Layer <c>l</c> with fan-in <c>n</c> and fan-out <c>m</c> draws each weight uniformly from <c>[−a, a]</c> with
/// <c>a = ⌊√⌊6·2^(2f)/(n + m)⌋⌋</c> (integer square root; the fixed-point form of <c>√(6/(n + m))</c>), clamped to the
/// weight range, by unbiased rejection on 64-bit words; biases start at 0. Order: layer by layer, row-major.
/// The SplitMix64 state starts at the seed.
/// </remarks>
internal static class WeightInitializer
{
    public static FixedPointWeights Initialize(TrainingConfig config)
    {
        ulong state = config.Seed;
        var weights = new int[config.LayerCount][];
        var biases = new int[config.LayerCount][];
        for (int l = 0; l < config.LayerCount; l++)
        {
            int n = config.LayerSizes[l];
            int m = config.LayerSizes[l + 1];
            ulong radicand = (6UL << (2 * config.FractionalBits)) / (ulong)(n + m);
            long a = Math.Min((long)IntegerSqrt(radicand), config.WeightMax);
            ulong span = (ulong)((2 * a) + 1);
            ulong limit = ulong.MaxValue - (ulong.MaxValue % span); // accept words below limit: exact multiple of span
            weights[l] = new int[n * m];
            for (int i = 0; i < weights[l].Length; i++)
            {
                ulong word;
                do
                {
                    word = SplitMix64(ref state);
                }
                while (word >= limit);

                weights[l][i] = (int)((long)(word % span) - a);
            }

            biases[l] = new int[m];
        }

        return FixedPointWeights.Wrap(config, weights, biases);
    }

    /// <summary>Returns <c>⌊√x⌋</c> exactly (Newton iteration on integers).</summary>
    public static ulong IntegerSqrt(ulong x)
    {
        if (x < 2)
        {
            return x;
        }

        ulong r = 1UL << ((64 - System.Numerics.BitOperations.LeadingZeroCount(x) + 1) / 2); // ≥ √x
        while (true)
        {
            ulong next = (r + (x / r)) / 2;
            if (next >= r)
            {
                return r;
            }

            r = next;
        }
    }

    private static ulong SplitMix64(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
