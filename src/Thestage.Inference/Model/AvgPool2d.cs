namespace Thestage.Inference.Model;

/// <summary>Average pooling of a [C, H, W] input over K × K windows with a stride (no padding).</summary>
public sealed class AvgPool2d : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="kernelSize">K ≥ 1.</param>
    /// <param name="stride">The stride (K when null).</param>
    public AvgPool2d(int kernelSize, int? stride = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(kernelSize, 1);
        KernelSize = kernelSize;
        Stride = stride ?? kernelSize;
        ArgumentOutOfRangeException.ThrowIfLessThan(Stride, 1, nameof(stride));
    }

    /// <summary>K.</summary>
    public int KernelSize { get; }

    /// <summary>The stride.</summary>
    public int Stride { get; }

    /// <inheritdoc/>
    public override int Depth => 1;

    /// <inheritdoc/>
    public override int[] OutputShape(IReadOnlyList<int> inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        if (inputShape.Count != 3 || inputShape[1] < KernelSize || inputShape[2] < KernelSize)
        {
            throw new ArgumentException($"{this} takes [C, H, W] with H, W ≥ {KernelSize}; got [{string.Join(", ", inputShape)}].");
        }

        return [inputShape[0], (inputShape[1] - KernelSize) / Stride + 1, (inputShape[2] - KernelSize) / Stride + 1];
    }

    /// <inheritdoc/>
    public override double[] Evaluate(ReadOnlySpan<double> input, IReadOnlyList<int> inputShape)
    {
        int[] output = OutputShape(inputShape);
        RequireLength(input, inputShape);
        int h = inputShape[1], w = inputShape[2], oh = output[1], ow = output[2];
        var y = new double[output[0] * oh * ow];
        double weight = 1.0 / (KernelSize * KernelSize);
        for (int c = 0; c < output[0]; c++)
        {
            for (int oy = 0; oy < oh; oy++)
            {
                for (int ox = 0; ox < ow; ox++)
                {
                    double sum = 0;
                    for (int dy = 0; dy < KernelSize; dy++)
                    {
                        for (int dx = 0; dx < KernelSize; dx++)
                        {
                            sum += input[(c * h + oy * Stride + dy) * w + ox * Stride + dx];
                        }
                    }

                    y[(c * oh + oy) * ow + ox] = sum * weight;
                }
            }
        }

        return y;
    }

    /// <inheritdoc/>
    public override string ToString() => $"AvgPool2d({KernelSize}×{KernelSize}, stride {Stride})";
}
