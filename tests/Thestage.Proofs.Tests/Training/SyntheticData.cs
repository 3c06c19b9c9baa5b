using System.Buffers.Binary;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Training;

namespace Thestage.Proofs.Tests.Training;

/// <summary>Seeded Gaussian blobs (one centre per class in [−1, 1]^d, noise σ), quantized to the trainer's fixed point.</summary>
internal static class SyntheticData
{
    /// <summary>A batch-schedule key for tests that train without committing: depends on the seed only.</summary>
    public static Digest256 ScheduleKey(TrainingConfig config)
    {
        var bytes = new byte[Digest256.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, config.Seed);
        return BatchSchedule.Key(Digest256.FromBytes(bytes), 1, default, [default]);
    }

    public static (TrainingDataset Train, TrainingDataset Test) Blobs(TrainingConfig config, int trainCount, int testCount, double sigma, int seed)
    {
        var random = new Random(seed);
        int d = config.InputSize;
        var centres = new double[config.ClassCount][];
        for (int c = 0; c < centres.Length; c++)
        {
            centres[c] = new double[d];
            for (int i = 0; i < d; i++)
            {
                centres[c][i] = (2 * random.NextDouble()) - 1;
            }
        }

        int count = trainCount + testCount;
        var features = new int[count][];
        var labels = new int[count];
        double one = Math.ScaleB(1.0, config.FractionalBits);
        for (int s = 0; s < count; s++)
        {
            int label = random.Next(config.ClassCount);
            labels[s] = label;
            features[s] = new int[d];
            for (int i = 0; i < d; i++)
            {
                double gaussian = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                features[s][i] = (int)Math.Round((centres[label][i] + (sigma * gaussian)) * one);
            }
        }

        return (
            new TrainingDataset(config, features[..trainCount], labels[..trainCount]),
            new TrainingDataset(config, features[trainCount..], labels[trainCount..]));
    }
}
