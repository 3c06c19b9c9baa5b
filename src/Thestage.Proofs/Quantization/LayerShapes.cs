using Thestage.Models;

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

    /// <summary>The largest max-pooling window area the circuit proves (its zero-check has degree area + 1).</summary>
    public const int MaxPoolWindow = 16;

    /// <summary>Checks a max-pooling window (area at most <see cref="MaxPoolWindow"/>).</summary>
    public static void CheckMaxPool2d(int kernelHeight, int kernelWidth)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelWidth);
        if ((long)kernelHeight * kernelWidth > MaxPoolWindow)
        {
            throw new ArgumentException($"The max-pooling window area must be at most {MaxPoolWindow}.");
        }
    }

    /// <summary>
    /// The proof system's canonical form of a [C, H, W] shape: a vector <c>[C]</c> when H = W = 1, otherwise the image
    /// (so shapes compare equal however a layer produced them).
    /// </summary>
    /// <exception cref="ArgumentException">A dimension is below 1 or the shape holds more than <see cref="Shape.MaxElements"/> values.</exception>
    public static Shape Canonical(int channels, int height, int width) => height == 1 && width == 1 ? Shape.Vector(channels) : Shape.Image(channels, height, width);

    /// <summary>The canonical form of a shape of rank 1 or 3 (see <see cref="Canonical(int, int, int)"/>).</summary>
    /// <exception cref="ArgumentException">The rank is neither 1 nor 3.</exception>
    public static Shape Canonical(Shape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Rank is not (1 or 3))
        {
            throw new ArgumentException($"The proof system takes vectors [n] and images [C, H, W]; got {shape}.");
        }

        return Canonical(shape.Channels, shape.Height, shape.Width);
    }

    /// <summary>The output shape of a layer of the fixed-point model (canonical, see <see cref="Canonical(int, int, int)"/>).</summary>
    /// <exception cref="ArgumentException">The layer does not fit the input shape.</exception>
    public static Shape Output(LayerKind kind, Shape input, int inFeatures, int outFeatures, int kernelHeight, int kernelWidth, int stride, int padding)
    {
        input = Canonical(input);
        switch (kind)
        {
            case LayerKind.Dense:
                if (input.Size != inFeatures)
                {
                    throw new ArgumentException($"Dense expects {inFeatures} input features, got {input.Size}.");
                }

                return Shape.Vector(outFeatures);
            case LayerKind.Conv2d:
                if (input.Channels != inFeatures || input.Height + (2 * padding) < kernelHeight || input.Width + (2 * padding) < kernelWidth)
                {
                    throw new ArgumentException("The convolution does not fit the input shape.");
                }

                return Canonical(outFeatures, Shape.WindowOutputSize(input.Height, kernelHeight, stride, padding), Shape.WindowOutputSize(input.Width, kernelWidth, stride, padding));
            case LayerKind.AvgPool2d:
            case LayerKind.MaxPool2d:
                if (input.Height < kernelHeight || input.Width < kernelWidth)
                {
                    throw new ArgumentException("The pooling window does not fit the input shape.");
                }

                return Canonical(input.Channels, input.Height / kernelHeight, input.Width / kernelWidth);
            case LayerKind.Flatten:
                return Shape.Vector(input.Size);
            case LayerKind.Relu:
            case LayerKind.Square:
                return input;
            default:
                throw new ArgumentException($"The proof system has no {kind} layer.");
        }
    }
}
