namespace Thestage.Proofs.Quantization;

/// <summary>Shape rules shared by the float and the fixed-point layers.</summary>
internal static class LayerShapes
{
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
