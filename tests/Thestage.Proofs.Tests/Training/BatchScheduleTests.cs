using Thestage.Proofs.Hashing;
using Thestage.Proofs.Training;

namespace Thestage.Proofs.Tests.Training;

public sealed class BatchScheduleTests
{
    [Fact]
    public void BatchesAreDeterministicDistinctAndInRange()
    {
        for (int step = 0; step < 50; step++)
        {
            int[] batch = BatchSchedule.Indices(K(42), 100, 16, step);
            Assert.Equal(batch, BatchSchedule.Indices(K(42), 100, 16, step));
            Assert.Equal(16, batch.Distinct().Count());
            Assert.All(batch, i => Assert.InRange(i, 0, 99));
        }

        Assert.NotEqual(BatchSchedule.Indices(K(42), 100, 16, 0), BatchSchedule.Indices(K(42), 100, 16, 1));
        Assert.NotEqual(BatchSchedule.Indices(K(42), 100, 16, 0), BatchSchedule.Indices(K(43), 100, 16, 0));
        Assert.NotEqual(BatchSchedule.Indices(K(42), 100, 16, 0), BatchSchedule.Indices(K(42), 101, 16, 0));
        Assert.Equal(Enumerable.Range(0, 8), BatchSchedule.Indices(K(1), 8, 8, 3).Order());
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchSchedule.Indices(K(1), 7, 8, 0));
    }

    [Fact]
    public void SampleCountsAreUniformish()
    {
        // 1000 steps of 8 from 64 samples: each sample is expected 125 times. Pearson χ² with 63 degrees of freedom
        // has mean 63 and standard deviation ≈ 11.2; 120 is beyond the 99.99th percentile (≈ 115.6 is 99.9%).
        const int n = 64, b = 8, steps = 1000;
        var counts = new int[n];
        var firstPosition = new int[n];
        for (int t = 0; t < steps; t++)
        {
            int[] batch = BatchSchedule.Indices(K(2026), n, b, t);
            foreach (int i in batch)
            {
                counts[i]++;
            }

            firstPosition[batch[0]]++;
        }

        double expected = (double)steps * b / n;
        double chi2 = counts.Sum(c => (c - expected) * (c - expected) / expected);
        Assert.True(chi2 < 120, $"χ² = {chi2}");
        Assert.True(firstPosition.Max() < 40, "the first draw is not concentrated"); // expected 15.6 per sample
    }

    [Fact]
    public void TheKeyBindsEveryCommitment()
    {
        Digest256 config = K(1), dataset = K(2), weights = K(3);
        Digest256 key = BatchSchedule.Key(config, 100, dataset, [weights]);
        Assert.Equal(key, BatchSchedule.Key(config, 100, dataset, [weights]));
        Assert.NotEqual(key, BatchSchedule.Key(K(4), 100, dataset, [weights]));
        Assert.NotEqual(key, BatchSchedule.Key(config, 101, dataset, [weights]));
        Assert.NotEqual(key, BatchSchedule.Key(config, 100, K(4), [weights]));
        Assert.NotEqual(key, BatchSchedule.Key(config, 100, dataset, [K(4)]));
        Assert.NotEqual(key, BatchSchedule.Key(config, 100, weights, [dataset])); // positions matter
        Assert.NotEqual(key, BatchSchedule.Key(config, 100, dataset, [weights, K(4)])); // every root counts
        Assert.NotEqual(BatchSchedule.Key(config, 100, dataset, [weights, K(4)]), BatchSchedule.Key(config, 100, dataset, [K(4), weights]));
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchSchedule.Key(config, 0, dataset, [weights]));
    }

    private static Digest256 K(int n)
    {
        var bytes = new byte[Digest256.Length];
        bytes[0] = (byte)n;
        bytes[31] = (byte)(n >> 8);
        return Digest256.FromBytes(bytes);
    }
}
