namespace Thestage.Inference.Model;

/// <summary>
/// 2-D convolution (cross-correlation, as TorchSharp's Conv2d) of a [C, H, W] input with kernels [C_out, C, K_h, K_w],
/// a stride and zero padding, plus a bias per output channel.
/// </summary>
public sealed class Conv2d : Layer
{
    private readonly double[,,,] _kernels;
    private readonly double[] _bias;

    /// <summary>Creates the layer.</summary>
    /// <param name="kernels">[C_out, C, K_h, K_w].</param>
    /// <param name="bias">One per output channel (zeros when null).</param>
    /// <param name="stride">≥ 1.</param>
    /// <param name="padding">≥ 0.</param>
    /// <exception cref="ArgumentException">The bias length differs from C_out, or a value is not finite.</exception>
    public Conv2d(double[,,,] kernels, double[]? bias = null, int stride = 1, int padding = 0)
    {
        ArgumentNullException.ThrowIfNull(kernels);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        _kernels = (double[,,,])kernels.Clone();
        _bias = bias is null ? new double[OutChannels] : (double[])bias.Clone();
        if (_bias.Length != OutChannels)
        {
            throw new ArgumentException($"The bias has {_bias.Length} values; the layer has {OutChannels} output channels.", nameof(bias));
        }

        Check.Finite(_kernels.Cast<double>(), nameof(kernels));
        Check.Finite(_bias, nameof(bias));
        Stride = stride;
        Padding = padding;
    }

    /// <summary>C_out.</summary>
    public int OutChannels => _kernels.GetLength(0);

    /// <summary>C.</summary>
    public int InChannels => _kernels.GetLength(1);

    /// <summary>K_h.</summary>
    public int KernelHeight => _kernels.GetLength(2);

    /// <summary>K_w.</summary>
    public int KernelWidth => _kernels.GetLength(3);

    /// <summary>The stride.</summary>
    public int Stride { get; }

    /// <summary>The zero padding on each side.</summary>
    public int Padding { get; }

    /// <summary>The kernels (a copy).</summary>
    public double[,,,] Kernels => (double[,,,])_kernels.Clone();

    /// <summary>The bias (a copy).</summary>
    public double[] Bias => (double[])_bias.Clone();

    /// <inheritdoc/>
    public override int Depth => 1;

    /// <inheritdoc/>
    public override int[] OutputShape(IReadOnlyList<int> inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        if (inputShape.Count != 3 || inputShape[0] != InChannels)
        {
            throw new ArgumentException($"{this} takes [{InChannels}, H, W]; got [{string.Join(", ", inputShape)}].");
        }

        return [OutChannels, OutSize(inputShape[1], KernelHeight), OutSize(inputShape[2], KernelWidth)];
    }

    /// <inheritdoc/>
    public override double[] Evaluate(ReadOnlySpan<double> input, IReadOnlyList<int> inputShape)
    {
        int[] output = OutputShape(inputShape);
        RequireLength(input, inputShape);
        int h = inputShape[1], w = inputShape[2], oh = output[1], ow = output[2];
        var y = new double[OutChannels * oh * ow];
        for (int o = 0; o < OutChannels; o++)
        {
            for (int oy = 0; oy < oh; oy++)
            {
                for (int ox = 0; ox < ow; ox++)
                {
                    double sum = _bias[o];
                    for (int c = 0; c < InChannels; c++)
                    {
                        for (int ky = 0; ky < KernelHeight; ky++)
                        {
                            int iy = oy * Stride - Padding + ky;
                            if (iy < 0 || iy >= h)
                            {
                                continue;
                            }

                            for (int kx = 0; kx < KernelWidth; kx++)
                            {
                                int ix = ox * Stride - Padding + kx;
                                if (ix >= 0 && ix < w)
                                {
                                    sum += input[(c * h + iy) * w + ix] * _kernels[o, c, ky, kx];
                                }
                            }
                        }
                    }

                    y[(o * oh + oy) * ow + ox] = sum;
                }
            }
        }

        return y;
    }

    /// <inheritdoc/>
    public override string ToString() => $"Conv2d({InChannels}→{OutChannels}, {KernelHeight}×{KernelWidth}, stride {Stride}, padding {Padding})";

    internal double KernelAt(int o, int c, int y, int x) => _kernels[o, c, y, x];

    internal ReadOnlySpan<double> BiasSpan => _bias;

    private int OutSize(int size, int kernel)
    {
        if (size + 2 * Padding < kernel)
        {
            throw new ArgumentException($"{this}: a {kernel}-wide kernel does not fit an input of {size}.");
        }

        return (size + 2 * Padding - kernel) / Stride + 1;
    }
}
