using Thestage.Proofs.Hashing;
using Thestage.Proofs.Training;

namespace Thestage.Inference.Tests.Model;

/// <summary>
/// Small fixed-point MLPs trained by <see cref="FixedPointTrainer"/> on seeded Gaussian blobs (one centre per class in
/// [−1, 1]^d, noise σ), for the export tests. Also compiled into the Torch tests.
/// </summary>
internal static class FixedPointModels
{
    /// <summary>A trained model with its trainer and held-out samples.</summary>
    public sealed record Trained(TrainingConfig Config, FixedPointTrainer Trainer, FixedPointWeights Weights, TrainingDataset Test);

    /// <summary>Trains <paramref name="steps"/> SGD steps of an MLP with the given widths at f = 8 (12-bit weights, 16-bit values).</summary>
    public static Trained Train(int[] layerSizes, int steps, int seed, int trainCount = 256, int testCount = 64, double sigma = 0.35)
    {
        var config = new TrainingConfig(layerSizes, batchSize: 8, learningRateShift: 3, fractionalBits: 8, weightBits: 12, valueBits: 16, seed: (ulong)seed);
        (TrainingDataset train, TrainingDataset test) = Blobs(config, trainCount, testCount, sigma, seed);
        var key = new byte[Digest256.Length];
        new Random(seed).NextBytes(key);
        var trainer = new FixedPointTrainer(config, train, Digest256.FromBytes(key));
        FixedPointWeights weights = trainer.Train(FixedPointTrainer.InitialWeights(config), steps)[^1].Weights;
        return new Trained(config, trainer, weights, test);
    }

    /// <summary>The real input of a sample: its integer features times 2^−f.</summary>
    public static double[] Real(int[] features, int fractionalBits) => Array.ConvertAll(features, v => Math.ScaleB(v, -fractionalBits));

    /// <summary>The index of the largest value, lowest on ties (as <see cref="FixedPointTrainer.CountCorrect"/>).</summary>
    public static int ArgMax<T>(IReadOnlyList<T> values)
        where T : IComparable<T>
    {
        int best = 0;
        for (int j = 1; j < values.Count; j++)
        {
            best = values[j].CompareTo(values[best]) > 0 ? j : best;
        }

        return best;
    }

    private static (TrainingDataset Train, TrainingDataset Test) Blobs(TrainingConfig config, int trainCount, int testCount, double sigma, int seed)
    {
        var random = new Random(seed);
        int d = config.InputSize;
        double[][] centres = Enumerable.Range(0, config.ClassCount)
            .Select(_ => Enumerable.Range(0, d).Select(_ => (2 * random.NextDouble()) - 1).ToArray())
            .ToArray();
        int count = trainCount + testCount;
        var features = new int[count][];
        var labels = new int[count];
        for (int s = 0; s < count; s++)
        {
            labels[s] = random.Next(config.ClassCount);
            features[s] = new int[d];
            for (int i = 0; i < d; i++)
            {
                // Box–Muller: one standard normal from two uniforms.
                double normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                features[s][i] = (int)Math.Round(Math.ScaleB(centres[labels[s]][i] + (sigma * normal), config.FractionalBits));
            }
        }

        return (
            new TrainingDataset(config, features[..trainCount], labels[..trainCount]),
            new TrainingDataset(config, features[trainCount..], labels[trainCount..]));
    }
}
