using Thestage.Models;

namespace Thestage.Proofs.Quantization;

/// <summary>
/// One layer of a <see cref="QuantizedModel"/>: int8 weights, int32 biases and a power-of-two
/// requantization shift (see <see cref="QuantizedModel"/> for the semantics).
/// </summary>
public sealed class QuantizedLayer
{
    /// <summary>The smallest weight value.</summary>
    public const int MinWeight = -128;

    /// <summary>The largest weight value.</summary>
    public const int MaxWeight = 127;

    /// <summary>The largest requantization shift.</summary>
    public const int MaxShift = 30;

    private readonly int[] _weights;
    private readonly int[] _bias;

    private QuantizedLayer(LayerKind kind, int inFeatures, int outFeatures, int kernelHeight, int kernelWidth, int stride, int padding, int[] weights, int[] bias, int shift)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shift);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(shift, MaxShift);
        if (weights.Any(w => w is < MinWeight or > MaxWeight))
        {
            throw new ArgumentException("Weights must lie in the int8 range.", nameof(weights));
        }

        Kind = kind;
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        KernelHeight = kernelHeight;
        KernelWidth = kernelWidth;
        Stride = stride;
        Padding = padding;
        _weights = weights;
        _bias = bias;
        Shift = shift;
    }

    /// <summary>Gets the layer kind.</summary>
    public LayerKind Kind { get; }

    /// <summary>Gets the input features (Dense) or input channels (Conv2d); 0 otherwise.</summary>
    public int InFeatures { get; }

    /// <summary>Gets the output features (Dense) or output channels (Conv2d); 0 otherwise.</summary>
    public int OutFeatures { get; }

    /// <summary>Gets the kernel height (Conv2d, AvgPool2d, MaxPool2d); 0 otherwise.</summary>
    public int KernelHeight { get; }

    /// <summary>Gets the kernel width (Conv2d, AvgPool2d, MaxPool2d); 0 otherwise.</summary>
    public int KernelWidth { get; }

    /// <summary>Gets the stride (Conv2d; the kernel height for AvgPool2d and MaxPool2d); 0 otherwise.</summary>
    public int Stride { get; }

    /// <summary>Gets the zero padding on each side (Conv2d); 0 otherwise.</summary>
    public int Padding { get; }

    /// <summary>Gets the int8 weights (Dense <c>out × in</c>; Conv2d <c>out × in × kh × kw</c>).</summary>
    public ReadOnlySpan<int> Weights => _weights;

    /// <summary>Gets the int32 biases, in units of the accumulator.</summary>
    public ReadOnlySpan<int> Bias => _bias;

    /// <summary>Gets the requantization shift <c>s</c> (Dense, Conv2d, AvgPool2d, Square); 0 otherwise.</summary>
    public int Shift { get; }

    /// <summary>Gets a value indicating whether the layer requantizes an accumulator (Dense, Conv2d, AvgPool2d, Square).</summary>
    public bool Requantizes => Kind is LayerKind.Dense or LayerKind.Conv2d or LayerKind.AvgPool2d or LayerKind.Square;

    /// <summary>Creates a fully connected layer.</summary>
    /// <param name="inFeatures">Input features.</param>
    /// <param name="outFeatures">Output features.</param>
    /// <param name="weights"><c>out × in</c> int8 weights (copied).</param>
    /// <param name="bias"><c>out</c> int32 biases (copied).</param>
    /// <param name="shift">The requantization shift.</param>
    /// <returns>The layer.</returns>
    /// <exception cref="ArgumentException">The shapes or ranges are invalid.</exception>
    public static QuantizedLayer Dense(int inFeatures, int outFeatures, ReadOnlySpan<int> weights, ReadOnlySpan<int> bias, int shift)
    {
        LayerShapes.CheckDense(inFeatures, outFeatures, weights.Length, bias.Length);

        return new QuantizedLayer(LayerKind.Dense, inFeatures, outFeatures, 0, 0, 0, 0, weights.ToArray(), bias.ToArray(), shift);
    }

    /// <summary>Creates a 2-D convolution.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernelHeight">Kernel height.</param>
    /// <param name="kernelWidth">Kernel width.</param>
    /// <param name="stride">Stride.</param>
    /// <param name="padding">Zero padding on every side.</param>
    /// <param name="weights"><c>out × in × kh × kw</c> int8 weights (copied).</param>
    /// <param name="bias"><c>out</c> int32 biases (copied).</param>
    /// <param name="shift">The requantization shift.</param>
    /// <returns>The layer.</returns>
    /// <exception cref="ArgumentException">The shapes or ranges are invalid.</exception>
    public static QuantizedLayer Conv2d(
        int inChannels, int outChannels, int kernelHeight, int kernelWidth, int stride, int padding, ReadOnlySpan<int> weights, ReadOnlySpan<int> bias, int shift)
    {
        LayerShapes.CheckConv2d(inChannels, outChannels, kernelHeight, kernelWidth, stride, padding, weights.Length, bias.Length);

        return new QuantizedLayer(LayerKind.Conv2d, inChannels, outChannels, kernelHeight, kernelWidth, stride, padding, weights.ToArray(), bias.ToArray(), shift);
    }

    /// <summary>Creates an average pooling layer (stride = window; shift = log2 of the window area).</summary>
    /// <param name="kernelHeight">Window height.</param>
    /// <param name="kernelWidth">Window width; the area must be a power of two.</param>
    /// <returns>The layer.</returns>
    /// <exception cref="ArgumentException">The area is not a power of two.</exception>
    public static QuantizedLayer AvgPool2d(int kernelHeight, int kernelWidth)
    {
        int shift = LayerShapes.CheckAvgPool2d(kernelHeight, kernelWidth);
        return new QuantizedLayer(LayerKind.AvgPool2d, 0, 0, kernelHeight, kernelWidth, kernelHeight, 0, [], [], shift);
    }

    /// <summary>Creates a max pooling layer (stride = window, no padding): every output is the largest input of its window.</summary>
    /// <param name="kernelHeight">Window height.</param>
    /// <param name="kernelWidth">Window width; the area must be at most 16.</param>
    /// <returns>The layer.</returns>
    /// <exception cref="ArgumentException">The area is above 16.</exception>
    public static QuantizedLayer MaxPool2d(int kernelHeight, int kernelWidth)
    {
        LayerShapes.CheckMaxPool2d(kernelHeight, kernelWidth);
        return new QuantizedLayer(LayerKind.MaxPool2d, 0, 0, kernelHeight, kernelWidth, kernelHeight, 0, [], [], 0);
    }

    /// <summary>Creates a flatten layer.</summary>
    /// <returns>The layer.</returns>
    public static QuantizedLayer Flatten() => new(LayerKind.Flatten, 0, 0, 0, 0, 0, 0, [], [], 0);

    /// <summary>Creates a ReLU layer.</summary>
    /// <returns>The layer.</returns>
    public static QuantizedLayer ReLU() => new(LayerKind.Relu, 0, 0, 0, 0, 0, 0, [], [], 0);

    /// <summary>Creates a square layer <c>requant(x², shift)</c>.</summary>
    /// <param name="shift">The requantization shift.</param>
    /// <returns>The layer.</returns>
    public static QuantizedLayer Square(int shift) => new(LayerKind.Square, 0, 0, 0, 0, 0, 0, [], [], shift);

    /// <summary>Computes the output shape for an input shape.</summary>
    /// <param name="input">The input shape.</param>
    /// <returns>The output shape.</returns>
    /// <exception cref="ArgumentException">The input shape does not fit the layer.</exception>
    public Shape OutputShape(Shape input) =>
        LayerShapes.Output(Kind, input, InFeatures, OutFeatures, KernelHeight, KernelWidth, Stride, Padding);
}
