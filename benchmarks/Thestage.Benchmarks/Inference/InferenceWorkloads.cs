using Thestage.Models;

namespace Thestage.Benchmarks.Inference;

/// <summary>
/// The models of the encrypted-inference benchmarks, with deterministic random weights (the cost of encrypted
/// evaluation does not depend on the weight values): the encrypted-CNN anchor's network (TenSEAL's MNIST tutorial) and
/// the 784-h-10 MLP of the proof benchmarks with the HE-friendly square activation, both on 28×28 images.
/// </summary>
public static class InferenceWorkloads
{
    /// <summary>
    /// The encrypted-CNN anchor's network: conv 4 × 7×7 stride 3 → square → dense 256→64 → square → dense 64→10 on
    /// 1×28×28, its weights drawn from <paramref name="random"/> (kernels, then the two matrices).
    /// </summary>
    /// <param name="random">The generator of the weights.</param>
    /// <returns>The model.</returns>
    public static Sequential Cnn(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        double[,,,] kernels = new double[4, 1, 7, 7];
        foreach (int o in Enumerable.Range(0, 4))
        {
            for (int y = 0; y < 7; y++)
            {
                for (int x = 0; x < 7; x++)
                {
                    kernels[o, 0, y, x] = (random.NextDouble() - 0.5) * 0.3;
                }
            }
        }

        return new Sequential([1, 28, 28],
        [
            new Conv2d(kernels, [0.1, 0, -0.1, 0.05], stride: 3), Activation.Square(), new Flatten(),
            new Dense(Matrix(random, 256, 64, 0.2), new double[64]), Activation.Square(), new Dense(Matrix(random, 64, 10, 0.4), new double[10]),
        ]);
    }

    /// <summary>The 784-<paramref name="hidden"/>-10 MLP with square activation, its weights drawn from <paramref name="random"/>.</summary>
    /// <param name="random">The generator of the weights.</param>
    /// <param name="hidden">The width of the hidden layer.</param>
    /// <returns>The model.</returns>
    public static Sequential SquareMlp(Random random, int hidden)
    {
        ArgumentNullException.ThrowIfNull(random);
        return new Sequential([784],
        [
            new Dense(Matrix(random, 784, hidden, 2.0 / Math.Sqrt(784)), new double[hidden]), Activation.Square(),
            new Dense(Matrix(random, hidden, 10, 2.0 / Math.Sqrt(hidden)), new double[10]),
        ]);
    }

    /// <summary>An image of 784 pixels uniform in [0, 1).</summary>
    /// <param name="random">The generator.</param>
    /// <returns>The image, row-major.</returns>
    public static double[] Image(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return Enumerable.Range(0, 784).Select(_ => random.NextDouble()).ToArray();
    }

    /// <summary>The number of weights and biases of a model's dense and convolution layers.</summary>
    /// <param name="model">The model.</param>
    /// <returns>The parameter count.</returns>
    public static long ParameterCount(Sequential model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Layers.Sum(layer => layer switch
        {
            Dense d => (long)d.Weights.Length + d.Bias.Length,
            Conv2d c => (long)c.Kernels.Length + c.Bias.Length,
            _ => 0L,
        });
    }

    // A rows × cols matrix (inputs × outputs, as Dense takes it) of values uniform in [−scale/2, scale/2).
    private static double[,] Matrix(Random random, int rows, int cols, double scale)
    {
        var m = new double[rows, cols];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                m[i, j] = (random.NextDouble() - 0.5) * scale;
            }
        }

        return m;
    }
}
