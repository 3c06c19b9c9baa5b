using Thestage.Inference.Data;
using Thestage.Proofs.Training;
using Thestage.Models;

namespace Thestage.Benchmarks.Proofs;

/// <summary>
/// The configuration and data of the training-proof benchmarks: the 784-64-10 ReLU MLP (f = 16, W = 24,
/// V = 28, learning rate 2^−5) on Fashion-MNIST training images when the dataset is installed, otherwise on
/// synthetic images (proving cost does not depend on the pixel values).
/// </summary>
public static class TrainingWorkloads
{
    /// <summary>Builds the benchmark configuration for a batch size.</summary>
    /// <param name="batch">The batch size (a power of two).</param>
    /// <returns>The configuration.</returns>
    public static TrainingConfig Config(int batch) => Config(batch, 64);

    /// <summary>Builds the benchmark configuration with another hidden width (<c>thestage bench</c> varies it).</summary>
    /// <param name="batch">The batch size (a power of two).</param>
    /// <param name="width">The width of the hidden layer.</param>
    /// <returns>The configuration of the 784-<paramref name="width"/>-10 MLP.</returns>
    public static TrainingConfig Config(int batch, int width) =>
        new([784, width, 10], batchSize: batch, learningRateShift: 5, fractionalBits: 16, weightBits: 24, valueBits: 28, seed: 2026);

    /// <summary>Gets the training set: the first <paramref name="count"/> Fashion-MNIST training images, or synthetic ones.</summary>
    /// <param name="config">The configuration.</param>
    /// <param name="count">The number of samples.</param>
    /// <param name="source">A description of where the samples came from.</param>
    /// <returns>The training set.</returns>
    public static TrainingDataset Dataset(TrainingConfig config, int count, out string source)
    {
        if (FashionMnist.IsAvailable(FashionMnistSplit.Train))
        {
            source = $"Fashion-MNIST, first {count} training images";
            FashionMnistSet set = FashionMnist.Load(FashionMnistSplit.Train, limit: count);
            return TrainingDataset.FromReal(config, set.Images, set.Labels);
        }

        source = $"{count} synthetic 28x28 images";
        var random = new Random(2026);
        int[][] features = Enumerable.Range(0, count)
            .Select(_ => Enumerable.Range(0, 784).Select(_ => random.Next((int)config.One + 1)).ToArray())
            .ToArray();
        return new TrainingDataset(config, features, Enumerable.Range(0, count).Select(_ => random.Next(10)).ToArray());
    }

    /// <summary>Runs <paramref name="action"/> while sampling the managed heap every millisecond; returns the peak growth in bytes.</summary>
    /// <param name="action">The work to measure.</param>
    /// <returns>The largest <c>GC.GetTotalMemory</c> seen minus the value before the work.</returns>
    public static long PeakManagedGrowth(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long baseline = GC.GetTotalMemory(true);
        long peak = baseline;
        using var done = new ManualResetEventSlim();
        var sampler = new Thread(() =>
        {
            while (!done.Wait(1))
            {
                peak = Math.Max(peak, GC.GetTotalMemory(false));
            }
        }) { IsBackground = true };
        sampler.Start();
        action();
        peak = Math.Max(peak, GC.GetTotalMemory(false));
        done.Set();
        sampler.Join();
        return peak - baseline;
    }
}
