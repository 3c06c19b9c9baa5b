namespace Thestage.Proofs.Quantization;

/// <summary>
/// A plain double-precision layer description: the kind, its shape parameters and its weights and bias as
/// flat arrays. It is the input of <see cref="Quantizer"/> and does not depend on any training framework.
/// </summary>
/// <remarks>
/// Weight layouts: Dense <c>out × in</c> row-major (input features in channel-major order); Conv2d
/// <c>out × in × kernelHeight × kernelWidth</c>. Bias has one entry per output feature or channel.
/// </remarks>
public sealed class FloatLayer
{
    private readonly double[] _weights;
    private readonly double[] _bias;

    private FloatLayer(LayerKind kind, int inFeatures, int outFeatures, int kernelHeight, int kernelWidth, int stride, int padding, double[] weights, double[] bias)
    {
        Kind = kind;
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        KernelHeight = kernelHeight;
        KernelWidth = kernelWidth;
        Stride = stride;
        Padding = padding;
        _weights = weights;
        _bias = bias;
        if (weights.Any(w => !double.IsFinite(w)) || bias.Any(b => !double.IsFinite(b)))
        {
            throw new ArgumentException("Weights and biases must be finite.");
        }
    }

    /// <summary>Gets the layer kind.</summary>
    public LayerKind Kind { get; }

    /// <summary>Gets the input features (Dense) or input channels (Conv2d); 0 otherwise.</summary>
    public int InFeatures { get; }

    /// <summary>Gets the output features (Dense) or output channels (Conv2d); 0 otherwise.</summary>
    public int OutFeatures { get; }

    /// <summary>Gets the kernel height (Conv2d, AvgPool2d); 0 otherwise.</summary>
    public int KernelHeight { get; }

    /// <summary>Gets the kernel width (Conv2d, AvgPool2d); 0 otherwise.</summary>
    public int KernelWidth { get; }

    /// <summary>Gets the stride (Conv2d; AvgPool2d uses the kernel size); 0 otherwise.</summary>
    public int Stride { get; }

    /// <summary>Gets the zero padding on each side (Conv2d); 0 otherwise.</summary>
    public int Padding { get; }

    /// <summary>Gets the weights (empty for parameter-free layers).</summary>
    public ReadOnlySpan<double> Weights => _weights;

    /// <summary>Gets the bias (empty for parameter-free layers).</summary>
    public ReadOnlySpan<double> Bias => _bias;

    /// <summary>Creates a fully connected layer.</summary>
    /// <param name="inFeatures">Input features.</param>
    /// <param name="outFeatures">Output features.</param>
    /// <param name="weights"><c>out × in</c> weights, row-major (copied).</param>
    /// <param name="bias"><c>out</c> biases (copied).</param>
    /// <returns>The layer.</returns>
    /// <exception cref="ArgumentException">The array lengths do not match the shape.</exception>
    public static FloatLayer Dense(int inFeatures, int outFeatures, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias)
    {
        LayerShapes.CheckDense(inFeatures, outFeatures, weights.Length, bias.Length);

        return new FloatLayer(LayerKind.Dense, inFeatures, outFeatures, 0, 0, 0, 0, weights.ToArray(), bias.ToArray());
    }

    /// <summary>Creates a 2-D convolution.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernelHeight">Kernel height.</param>
    /// <param name="kernelWidth">Kernel width.</param>
    /// <param name="stride">Stride (both directions).</param>
    /// <param name="padding">Zero padding on every side.</param>
    /// <param name="weights"><c>out × in × kh × kw</c> weights (copied).</param>
    /// <param name="bias"><c>out</c> biases (copied).</param>
    /// <returns>The layer.</returns>
    /// <exception cref="ArgumentException">The array lengths do not match the shape.</exception>
    public static FloatLayer Conv2d(int inChannels, int outChannels, int kernelHeight, int kernelWidth, int stride, int padding, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias)
    {
        LayerShapes.CheckConv2d(inChannels, outChannels, kernelHeight, kernelWidth, stride, padding, weights.Length, bias.Length);

        return new FloatLayer(LayerKind.Conv2d, inChannels, outChannels, kernelHeight, kernelWidth, stride, padding, weights.ToArray(), bias.ToArray());
    }

    /// <summary>Creates an average pooling layer with stride equal to the kernel.</summary>
    /// <param name="kernelHeight">Window height.</param>
    /// <param name="kernelWidth">Window width; <c>kernelHeight · kernelWidth</c> must be a power of two, at most 2^16.</param>
    /// <returns>The layer.</returns>
    /// <exception cref="ArgumentException">The window area is not a power of two.</exception>
    public static FloatLayer AvgPool2d(int kernelHeight, int kernelWidth)
    {
        LayerShapes.CheckAvgPool2d(kernelHeight, kernelWidth);
        return new FloatLayer(LayerKind.AvgPool2d, 0, 0, kernelHeight, kernelWidth, kernelHeight, 0, [], []);
    }

    /// <summary>Creates a flatten layer.</summary>
    /// <returns>The layer.</returns>
    public static FloatLayer Flatten() => new(LayerKind.Flatten, 0, 0, 0, 0, 0, 0, [], []);

    /// <summary>Creates a ReLU layer.</summary>
    /// <returns>The layer.</returns>
    public static FloatLayer ReLU() => new(LayerKind.ReLU, 0, 0, 0, 0, 0, 0, [], []);

    /// <summary>Creates a square activation layer.</summary>
    /// <returns>The layer.</returns>
    public static FloatLayer Square() => new(LayerKind.Square, 0, 0, 0, 0, 0, 0, [], []);

    /// <summary>Computes the output shape for an input shape.</summary>
    /// <param name="input">The input shape.</param>
    /// <returns>The output shape.</returns>
    /// <exception cref="ArgumentException">The input shape does not fit the layer.</exception>
    public TensorShape OutputShape(TensorShape input) =>
        LayerShapes.Output(Kind, input, InFeatures, OutFeatures, KernelHeight, KernelWidth, Stride, Padding);
}
