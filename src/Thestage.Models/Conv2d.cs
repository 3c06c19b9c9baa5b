namespace Thestage.Models;

/// <summary>
/// 2-D convolution (cross-correlation, as PyTorch's Conv2d and ONNX's Conv with group 1) of a [C, H, W] input with
/// kernels [C_out, C, K_h, K_w], one stride for both axes and the same zero padding on every side, plus a bias per
/// output channel.
/// </summary>
public sealed class Conv2d : LinearLayer
{
    private readonly double[,,,] _kernels;
    private readonly double[] _bias;

    /// <summary>Creates the layer.</summary>
    /// <param name="kernels">[C_out, C, K_h, K_w], none zero.</param>
    /// <param name="bias">One per output channel (zeros when null).</param>
    /// <param name="stride">≥ 1.</param>
    /// <param name="padding">≥ 0.</param>
    /// <exception cref="ArgumentException">The kernels are empty, the bias length differs from C_out, or a value is not finite.</exception>
    public Conv2d(double[,,,] kernels, double[]? bias = null, int stride = 1, int padding = 0)
    {
        ArgumentNullException.ThrowIfNull(kernels);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        if (kernels.Length == 0)
        {
            throw new ArgumentException("The kernels are empty.", nameof(kernels));
        }

        _kernels = (double[,,,])kernels.Clone();
        _bias = bias is null ? new double[OutChannels] : (double[])bias.Clone();
        if (_bias.Length != OutChannels)
        {
            throw new ArgumentException($"The bias has {_bias.Length} values; the layer has {OutChannels} output channels.", nameof(bias));
        }

        RequireFinite(System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(ref _kernels[0, 0, 0, 0], _kernels.Length), nameof(kernels));
        RequireFinite(_bias, nameof(bias));
        Stride = stride;
        Padding = padding;
    }

    /// <summary>Creates the layer from kernels stored flat, [C_out, C, K_h, K_w] row-major (PyTorch's and ONNX's layout).</summary>
    /// <param name="inChannels">C ≥ 1.</param>
    /// <param name="outChannels">C_out ≥ 1.</param>
    /// <param name="kernelHeight">K_h ≥ 1.</param>
    /// <param name="kernelWidth">K_w ≥ 1.</param>
    /// <param name="stride">≥ 1.</param>
    /// <param name="padding">≥ 0.</param>
    /// <param name="kernels">C_out·C·K_h·K_w values.</param>
    /// <param name="bias">C_out values, or empty for no bias.</param>
    /// <exception cref="ArgumentException">The lengths do not match the sizes, or a value is not finite.</exception>
    public static Conv2d FromFlatKernels(int inChannels, int outChannels, int kernelHeight, int kernelWidth, int stride, int padding, ReadOnlySpan<double> kernels, ReadOnlySpan<double> bias)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(kernelHeight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(kernelWidth, 1);
        long count = (long)outChannels * inChannels * kernelHeight * kernelWidth;
        if (count != kernels.Length || (bias.Length != 0 && bias.Length != outChannels))
        {
            throw new ArgumentException($"A {outChannels}×{inChannels}×{kernelHeight}×{kernelWidth} convolution needs {count} kernel weights and {outChannels} biases; got {kernels.Length} and {bias.Length}.");
        }

        var k = new double[outChannels, inChannels, kernelHeight, kernelWidth];
        kernels.CopyTo(System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref k[0, 0, 0, 0], k.Length));
        return new Conv2d(k, bias.IsEmpty ? null : bias.ToArray(), stride, padding);
    }

    /// <inheritdoc/>
    public override LayerKind Kind => LayerKind.Conv2d;

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

    /// <summary>The kernels (a copy), [C_out, C, K_h, K_w].</summary>
    public double[,,,] Kernels => (double[,,,])_kernels.Clone();

    /// <summary>The bias (a copy), one per output channel.</summary>
    public double[] Bias => (double[])_bias.Clone();

    /// <summary>The kernel weight of output channel <paramref name="o"/>, input channel <paramref name="c"/> at (<paramref name="y"/>, <paramref name="x"/>).</summary>
    /// <param name="o">Output channel.</param>
    /// <param name="c">Input channel.</param>
    /// <param name="y">Row in the kernel.</param>
    /// <param name="x">Column in the kernel.</param>
    public double KernelAt(int o, int c, int y, int x) => _kernels[o, c, y, x];

    /// <inheritdoc/>
    public override Shape OutputShape(Shape inputShape)
    {
        RequireImage(inputShape, InChannels);
        try
        {
            return Shape.Image(OutChannels, Shape.WindowOutputSize(inputShape[1], KernelHeight, Stride, Padding), Shape.WindowOutputSize(inputShape[2], KernelWidth, Stride, Padding));
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{this} does not fit the input {inputShape}: {e.Message}", e);
        }
    }

    /// <inheritdoc/>
    public override double[] Evaluate(ReadOnlySpan<double> input, Shape inputShape)
    {
        Shape output = OutputShape(inputShape);
        RequireLength(input, inputShape);
        int h = inputShape[1], w = inputShape[2], oh = output[1], ow = output[2];
        var y = new double[output.Size];
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
    public override Func<int, int, double> Matrix(Shape inputShape)
    {
        Shape output = OutputShape(inputShape);
        int height = inputShape[1], width = inputShape[2], outW = output[2];
        int perChannel = height * width, outPerChannel = output[1] * outW;
        int kh = KernelHeight, kw = KernelWidth, stride = Stride, padding = Padding;
        double[,,,] kernels = _kernels;
        return (i, j) =>
        {
            int c = i / perChannel, y = i % perChannel / width, x = i % width;
            int o = j / outPerChannel, oy = j % outPerChannel / outW, ox = j % outW;
            int ky = y - (oy * stride - padding), kx = x - (ox * stride - padding);
            return ky >= 0 && ky < kh && kx >= 0 && kx < kw ? kernels[o, c, ky, kx] : 0;
        };
    }

    /// <inheritdoc/>
    public override double[] OutputBias(Shape inputShape)
    {
        Shape output = OutputShape(inputShape);
        int perChannel = output[1] * output[2];
        var bias = new double[output.Size];
        for (int j = 0; j < bias.Length; j++)
        {
            bias[j] = _bias[j / perChannel];
        }

        return bias;
    }

    /// <inheritdoc/>
    public override string ToString() => $"Conv2d({InChannels}→{OutChannels}, {KernelHeight}×{KernelWidth}, stride {Stride}, padding {Padding})";
}
