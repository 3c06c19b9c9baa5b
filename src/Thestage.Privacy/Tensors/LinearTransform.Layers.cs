namespace Thestage.Privacy.Tensors;

/// <summary>Layer shapes that are linear maps on row-major [channels, height, width] data.</summary>
public sealed partial class LinearTransform
{
    /// <summary>
    /// 2-D convolution (cross-correlation, as TorchSharp's Conv2d) of a row-major [C, H, W] input with plain kernels
    /// [C_out, C, K_h, K_w], stride and zero padding, to a row-major [C_out, H_out, W_out] output, as one linear map.
    /// </summary>
    /// <param name="tensors">The tensor context.</param>
    /// <param name="inputChannels">C.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <param name="kernels">[C_out, C, K_h, K_w].</param>
    /// <param name="stride">The stride, ≥ 1.</param>
    /// <param name="padding">Zero padding on each side, ≥ 0.</param>
    /// <remarks>H_out = ⌊(H + 2p − K_h)/s⌋ + 1, likewise W_out. The output (C_out·H_out·W_out values) must fit one
    /// ciphertext. Compared with TenSEAL's im2col convolution, this needs no special client encoding and its output is
    /// already packed for the next layer.</remarks>
    /// <exception cref="ArgumentException">The shapes disagree or the output does not fit.</exception>
    public static LinearTransform Conv2d(TensorContext tensors, int inputChannels, int height, int width, double[,,,] kernels, int stride = 1, int padding = 0)
    {
        ArgumentNullException.ThrowIfNull(kernels);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        if (kernels.GetLength(1) != inputChannels)
        {
            throw new ArgumentException($"The kernels take {kernels.GetLength(1)} input channels; the input has {inputChannels}.", nameof(kernels));
        }

        int outChannels = kernels.GetLength(0), outH = OutputSize(height, kernels.GetLength(2), stride, padding), outW = OutputSize(width, kernels.GetLength(3), stride, padding);
        return new LinearTransform(tensors, inputChannels * height * width, outChannels * outH * outW, Conv2dEntries(inputChannels, height, width, kernels, stride, padding));
    }

    /// <summary>
    /// The matrix entry M[i, j] of a 2-D convolution (see <see cref="Conv2d"/>) for flattened input i and output j,
    /// for callers that evaluate the same map another way (for example batch packing).
    /// </summary>
    /// <param name="inputChannels">C.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <param name="kernels">[C_out, C, K_h, K_w].</param>
    /// <param name="stride">The stride.</param>
    /// <param name="padding">The zero padding.</param>
    public static Func<int, int, double> Conv2dEntries(int inputChannels, int height, int width, double[,,,] kernels, int stride, int padding)
    {
        ArgumentNullException.ThrowIfNull(kernels);
        int kh = kernels.GetLength(2), kw = kernels.GetLength(3);
        int outH = OutputSize(height, kh, stride, padding), outW = OutputSize(width, kw, stride, padding);
        int perChannel = height * width, outPerChannel = outH * outW;
        return (i, j) =>
        {
            int c = i / perChannel, y = i % perChannel / width, x = i % width;
            int o = j / outPerChannel, oy = j % outPerChannel / outW, ox = j % outW;
            int ky = y - (oy * stride - padding), kx = x - (ox * stride - padding);
            return c < inputChannels && ky >= 0 && ky < kh && kx >= 0 && kx < kw ? kernels[o, c, ky, kx] : 0;
        };
    }

    /// <summary>Average pooling of a row-major [C, H, W] input over K × K windows with a stride, as one linear map.</summary>
    /// <param name="tensors">The tensor context.</param>
    /// <param name="channels">C.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <param name="kernelSize">K.</param>
    /// <param name="stride">The stride (K when not given).</param>
    public static LinearTransform AvgPool2d(TensorContext tensors, int channels, int height, int width, int kernelSize, int? stride = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(kernelSize, 1);
        int s = stride ?? kernelSize;
        ArgumentOutOfRangeException.ThrowIfLessThan(s, 1);
        int outH = OutputSize(height, kernelSize, s, 0), outW = OutputSize(width, kernelSize, s, 0);
        return new LinearTransform(tensors, channels * height * width, channels * outH * outW, AvgPool2dEntries(height, width, kernelSize, s));
    }

    /// <summary>The matrix entry M[i, j] of average pooling (see <see cref="AvgPool2d"/>).</summary>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <param name="kernelSize">K.</param>
    /// <param name="stride">The stride.</param>
    public static Func<int, int, double> AvgPool2dEntries(int height, int width, int kernelSize, int stride)
    {
        int outH = OutputSize(height, kernelSize, stride, 0), outW = OutputSize(width, kernelSize, stride, 0);
        int perChannel = height * width, outPerChannel = outH * outW;
        double weight = 1.0 / (kernelSize * kernelSize);
        return (i, j) =>
        {
            int c = i / perChannel, y = i % perChannel / width, x = i % width;
            int o = j / outPerChannel, oy = j % outPerChannel / outW, ox = j % outW;
            int dy = y - oy * stride, dx = x - ox * stride;
            return c == o && dy >= 0 && dy < kernelSize && dx >= 0 && dx < kernelSize ? weight : 0;
        };
    }

    /// <summary>The output size of a convolution or pooling along one axis: ⌊(n + 2p − k)/s⌋ + 1.</summary>
    /// <param name="size">n.</param>
    /// <param name="kernel">k.</param>
    /// <param name="stride">s.</param>
    /// <param name="padding">p.</param>
    /// <exception cref="ArgumentException">The kernel is larger than the padded input.</exception>
    public static int OutputSize(int size, int kernel, int stride, int padding)
    {
        if (size + 2 * padding < kernel || kernel < 1)
        {
            throw new ArgumentException($"A kernel of {kernel} does not fit an input of {size} with padding {padding}.");
        }

        return (size + 2 * padding - kernel) / stride + 1;
    }
}
