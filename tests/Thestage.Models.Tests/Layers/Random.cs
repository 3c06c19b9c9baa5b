namespace Thestage.Models.Tests.Layers;

/// <summary>Deterministic random weights and inputs.</summary>
internal static class RandomModels
{
    public static double[] Vector(Random random, int n, double scale = 1) => Enumerable.Range(0, n).Select(_ => (random.NextDouble() * 2 - 1) * scale).ToArray();

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
}
