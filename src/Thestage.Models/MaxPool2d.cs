namespace Thestage.Models;

/// <summary>
/// Max pooling of a [C, H, W] input over K × K windows with a stride (no padding, floor rounding). Evaluated in plain
/// arithmetic and by the proof back-end; CKKS has no comparison, so the CKKS back-end refuses it (use
/// <see cref="AvgPool2d"/> in a model meant for encrypted inference).
/// </summary>
public sealed class MaxPool2d : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="kernelSize">K ≥ 1.</param>
    /// <param name="stride">The stride (K when null).</param>
    public MaxPool2d(int kernelSize, int? stride = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(kernelSize, 1);
        KernelSize = kernelSize;
        Stride = stride ?? kernelSize;
        ArgumentOutOfRangeException.ThrowIfLessThan(Stride, 1, nameof(stride));
    }

    /// <inheritdoc/>
    public override LayerKind Kind => LayerKind.MaxPool2d;

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
        return Pooling.Reduce(input, inputShape, OutputShape(inputShape), KernelSize, Stride, maximum: true);
    }

    /// <inheritdoc/>
    public override string ToString() => $"MaxPool2d({KernelSize}×{KernelSize}, stride {Stride})";
}
