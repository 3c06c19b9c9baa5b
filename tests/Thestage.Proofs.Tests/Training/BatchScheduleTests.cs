using Thestage.Proofs.Training;

namespace Thestage.Proofs.Tests.Training;

public sealed class BatchScheduleTests
{
    [Fact]
    public void BatchesAreDeterministicDistinctAndInRange()
    {
        for (int step = 0; step < 50; step++)
        {
            int[] batch = BatchSchedule.Indices(42, 100, 16, step);
            Assert.Equal(batch, BatchSchedule.Indices(42, 100, 16, step));
            Assert.Equal(16, batch.Distinct().Count());
            Assert.All(batch, i => Assert.InRange(i, 0, 99));
        }

        Assert.NotEqual(BatchSchedule.Indices(42, 100, 16, 0), BatchSchedule.Indices(42, 100, 16, 1));
        Assert.NotEqual(BatchSchedule.Indices(42, 100, 16, 0), BatchSchedule.Indices(43, 100, 16, 0));
        Assert.NotEqual(BatchSchedule.Indices(42, 100, 16, 0), BatchSchedule.Indices(42, 101, 16, 0));
        Assert.Equal(Enumerable.Range(0, 8), BatchSchedule.Indices(1, 8, 8, 3).Order());
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchSchedule.Indices(1, 7, 8, 0));
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
            int[] batch = BatchSchedule.Indices(2026, n, b, t);
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
}
