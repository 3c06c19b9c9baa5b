namespace Thestage.Models;

/// <summary>
/// Folds an inference-mode batch normalization y = γ·(x − μ)/√(σ² + ε) + β into the preceding linear layer, so it
/// costs nothing encrypted: per output channel j, W′_j = W_j·γ_j/√(σ²_j + ε) and b′_j = (b_j − μ_j)·γ_j/√(σ²_j + ε) + β_j.
/// </summary>
public static class BatchNorm
{
    /// <summary>Folds a BatchNorm1d over the outputs of a dense layer.</summary>
    /// <param name="layer">The dense layer.</param>
    /// <param name="gamma">γ.</param>
    /// <param name="beta">β.</param>
    /// <param name="runningMean">μ.</param>
    /// <param name="runningVariance">σ².</param>
    /// <param name="epsilon">ε.</param>
    /// <exception cref="ArgumentException">A vector's length differs from the output count, or a variance is negative.</exception>
    public static Dense Fold(Dense layer, ReadOnlySpan<double> gamma, ReadOnlySpan<double> beta, ReadOnlySpan<double> runningMean, ReadOnlySpan<double> runningVariance, double epsilon = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(layer);
        double[] factor = Factors(layer.Outputs, gamma, beta, runningMean, runningVariance, epsilon);
        var w = layer.Weights;
        var b = layer.Bias;
        for (int j = 0; j < layer.Outputs; j++)
        {
            for (int i = 0; i < layer.Inputs; i++)
            {
                w[i, j] *= factor[j];
            }

            b[j] = (b[j] - runningMean[j]) * factor[j] + beta[j];
        }

        return new Dense(w, b);
    }

    /// <summary>Folds a BatchNorm2d over the output channels of a convolution.</summary>
    /// <param name="layer">The convolution.</param>
    /// <param name="gamma">γ.</param>
    /// <param name="beta">β.</param>
    /// <param name="runningMean">μ.</param>
    /// <param name="runningVariance">σ².</param>
    /// <param name="epsilon">ε.</param>
    /// <exception cref="ArgumentException">A vector's length differs from the channel count, or a variance is negative.</exception>
    public static Conv2d Fold(Conv2d layer, ReadOnlySpan<double> gamma, ReadOnlySpan<double> beta, ReadOnlySpan<double> runningMean, ReadOnlySpan<double> runningVariance, double epsilon = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(layer);
        double[] factor = Factors(layer.OutChannels, gamma, beta, runningMean, runningVariance, epsilon);
        var k = layer.Kernels;
        var b = layer.Bias;
        for (int o = 0; o < layer.OutChannels; o++)
        {
            for (int c = 0; c < layer.InChannels; c++)
            {
                for (int y = 0; y < layer.KernelHeight; y++)
                {
                    for (int x = 0; x < layer.KernelWidth; x++)
                    {
                        k[o, c, y, x] *= factor[o];
                    }
                }
            }

            b[o] = (b[o] - runningMean[o]) * factor[o] + beta[o];
        }

        return new Conv2d(k, b, layer.Stride, layer.Padding);
    }

    private static double[] Factors(int count, ReadOnlySpan<double> gamma, ReadOnlySpan<double> beta, ReadOnlySpan<double> mean, ReadOnlySpan<double> variance, double epsilon)
    {
        if (gamma.Length != count || beta.Length != count || mean.Length != count || variance.Length != count)
        {
            throw new ArgumentException($"BatchNorm vectors must have {count} values (one per output channel).");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(epsilon);
        var factor = new double[count];
        for (int j = 0; j < count; j++)
        {
            if (!(variance[j] >= 0))
            {
                throw new ArgumentException($"Running variance {j} is {variance[j]}; it must be non-negative.");
            }

            factor[j] = gamma[j] / Math.Sqrt(variance[j] + epsilon);
        }

        return factor;
    }
}
