using Thestage.Models;

namespace Thestage.Inference.Tests;

/// <summary>Random models for the tests.</summary>
internal static class Models
{
    public static double[,] Matrix(Random random, int rows, int cols, double scale)
    {
        var m = new double[rows, cols];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                m[i, j] = (random.NextDouble() * 2 - 1) * scale;
            }
        }

        return m;
    }

    public static double[] Vector(Random random, int n, double scale = 1)
        => Enumerable.Range(0, n).Select(_ => (random.NextDouble() * 2 - 1) * scale).ToArray();

    public static double[,,,] Kernels(Random random, int outC, int inC, int k, double scale)
    {
        var kernels = new double[outC, inC, k, k];
        for (int o = 0; o < outC; o++)
        {
            for (int c = 0; c < inC; c++)
            {
                for (int y = 0; y < k; y++)
                {
                    for (int x = 0; x < k; x++)
                    {
                        kernels[o, c, y, x] = (random.NextDouble() * 2 - 1) * scale;
                    }
                }
            }
        }

        return kernels;
    }

    /// <summary>The demo's shape of network (TenSEAL's MNIST CNN): conv 7×7 stride 3 → square → dense → square → dense.</summary>
    public static Sequential Cnn(int seed, int channels = 4, int hidden = 64)
    {
        var random = new Random(seed);
        return new Sequential([1, 28, 28],
        [
            new Conv2d(Kernels(random, channels, 1, 7, 0.15), Vector(random, channels, 0.1), stride: 3),
            Activation.Square(),
            new Flatten(),
            new Dense(Matrix(random, channels * 64, hidden, 0.1), Vector(random, hidden, 0.1)),
            Activation.Square(),
            new Dense(Matrix(random, hidden, 10, 0.2), Vector(random, 10, 0.1)),
        ]);
    }
}
