namespace Thestage.Proofs.Quantization;

/// <summary>Shape rules shared by the float and the fixed-point layers.</summary>
internal static class LayerShapes
{
    /// <summary>Checks a dense layer's sizes against its weight and bias counts.</summary>
    public static void CheckDense(int inFeatures, int outFeatures, int weightCount, int biasCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inFeatures);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outFeatures);
        if ((long)inFeatures * outFeatures != weightCount || biasCount != outFeatures)
        {
            throw new ArgumentException("Dense weights must be out × in and bias must have out entries.");
        }
    }

    /// <summary>Checks a convolution's sizes against its weight and bias counts.</summary>
    public static void CheckConv2d(int inChannels, int outChannels, int kernelHeight, int kernelWidth, int stride, int padding, int weightCount, int biasCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stride);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        if ((long)outChannels * inChannels * kernelHeight * kernelWidth != weightCount || biasCount != outChannels)
        {
            throw new ArgumentException("Conv2d weights must be out × in × kh × kw and bias must have out entries.");
        }
    }

    /// <summary>Checks an average-pooling window (area a power of two, at most 2^16) and returns log2 of its area.</summary>
    public static int CheckAvgPool2d(int kernelHeight, int kernelWidth)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelWidth);
        long area = (long)kernelHeight * kernelWidth;
        if (area > 1 << 16 || !System.Numerics.BitOperations.IsPow2(area))
        {
            throw new ArgumentException("The pooling window area must be a power of two (at most 2^16).");
        }

        return System.Numerics.BitOperations.Log2((ulong)area);
    }

    public static TensorShape Output(LayerKind kind, TensorShape input, int inFeatures, int outFeatures, int kernelHeight, int kernelWidth, int stride, int padding)
    {
        if (!input.IsValid)
        {
            throw new ArgumentException("The input shape is invalid.");
        }

        TensorShape output;
        switch (kind)
        {
            case LayerKind.Dense:
                if (input.Size != inFeatures)
                {
                    throw new ArgumentException($"Dense expects {inFeatures} input features, got {input.Size}.");
                }

                output = TensorShape.Vector(outFeatures);
                break;
            case LayerKind.Conv2d:
                if (input.Channels != inFeatures || input.Height + (2 * padding) < kernelHeight || input.Width + (2 * padding) < kernelWidth)
                {
                    throw new ArgumentException("The convolution does not fit the input shape.");
                }

                output = new TensorShape(
                    outFeatures,
                    ((input.Height + (2 * padding) - kernelHeight) / stride) + 1,
                    ((input.Width + (2 * padding) - kernelWidth) / stride) + 1);
                break;
            case LayerKind.AvgPool2d:
                if (input.Height < kernelHeight || input.Width < kernelWidth)
                {
                    throw new ArgumentException("The pooling window does not fit the input shape.");
                }

                output = new TensorShape(input.Channels, input.Height / kernelHeight, input.Width / kernelWidth);
                break;
            case LayerKind.Flatten:
                output = TensorShape.Vector(input.Size);
                break;
            case LayerKind.ReLU:
            case LayerKind.Square:
                output = input;
                break;
            default:
                throw new ArgumentException("Unknown layer kind.");
        }

        if (!output.IsValid)
        {
            throw new ArgumentException("The output shape is invalid.");
        }

        return output;
    }
}
