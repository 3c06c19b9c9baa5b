namespace Thestage.Models;

/// <summary>Average pooling of a [C, H, W] input over K × K windows with a stride (no padding, floor rounding).</summary>
public sealed class AvgPool2d : LinearLayer
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

    /// <inheritdoc/>
    public override LayerKind Kind => LayerKind.AvgPool2d;

    /// <summary>K.</summary>
    public int KernelSize { get; }

    /// <summary>The stride.</summary>
    public int Stride { get; }

    /// <inheritdoc/>
    public override Shape OutputShape(Shape inputShape) => PoolOutput(inputShape, KernelSize, Stride);

    /// <inheritdoc/>
    public override double[] Evaluate(ReadOnlySpan<double> input, Shape inputShape)
    {
        RequireLength(input, inputShape);
        double[] y = Pooling.Reduce(input, inputShape, OutputShape(inputShape), KernelSize, Stride, maximum: false);
        double weight = 1.0 / (KernelSize * KernelSize);
        for (int i = 0; i < y.Length; i++)
        {
            y[i] *= weight;
        }

        return y;
    }

    /// <inheritdoc/>
    public override Func<int, int, double> Matrix(Shape inputShape)
    {
        Shape output = OutputShape(inputShape);
        int width = inputShape[2], outW = output[2];
        int perChannel = inputShape[1] * width, outPerChannel = output[1] * outW;
        int k = KernelSize, stride = Stride;
        double weight = 1.0 / (k * k);
        return (i, j) =>
        {
            int c = i / perChannel, y = i % perChannel / width, x = i % width;
            int o = j / outPerChannel, oy = j % outPerChannel / outW, ox = j % outW;
            int dy = y - oy * stride, dx = x - ox * stride;
            return c == o && dy >= 0 && dy < k && dx >= 0 && dx < k ? weight : 0;
        };
    }

    /// <inheritdoc/>
    public override double[] OutputBias(Shape inputShape) => new double[OutputShape(inputShape).Size];

    /// <inheritdoc/>
    public override string ToString() => $"AvgPool2d({KernelSize}×{KernelSize}, stride {Stride})";
}
