namespace Thestage.Models;

/// <summary>
/// One layer of the model IR: a shape-checked function on row-major double tensors, with a plain reference evaluation
/// that defines what every back-end computes (the CKKS back-end approximately, the proof back-end in fixed point).
/// </summary>
/// <remarks>Layers are immutable; the derived types are this library's (<see cref="LayerKind"/> lists them).</remarks>
public abstract class Layer
{
    private protected Layer()
    {
    }

    /// <summary>The kind of operation.</summary>
    public abstract LayerKind Kind { get; }

    /// <summary>The layer's output shape for <paramref name="inputShape"/>.</summary>
    /// <param name="inputShape">The input shape (one sample, no batch axis).</param>
    /// <exception cref="ArgumentException">The layer does not accept this shape.</exception>
    public abstract Shape OutputShape(Shape inputShape);

    /// <summary>The plain (double) evaluation on one row-major sample.</summary>
    /// <param name="input">The sample, of <paramref name="inputShape"/>.</param>
    /// <param name="inputShape">Its shape.</param>
    /// <exception cref="ArgumentException">The shape is not accepted or the input has another length.</exception>
    public abstract double[] Evaluate(ReadOnlySpan<double> input, Shape inputShape);

    /// <summary>A one-line description, e.g. "Conv2d(1→4, 7×7, stride 3, padding 0)".</summary>
    public abstract override string ToString();

    /// <summary>Checks that <paramref name="input"/> has <paramref name="shape"/>'s element count.</summary>
    private protected static void RequireLength(ReadOnlySpan<double> input, Shape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (input.Length != shape.Size)
        {
            throw new ArgumentException($"The input has {input.Length} values; the shape {shape} has {shape.Size}.");
        }
    }

    /// <summary>Checks that a parameter is finite.</summary>
    private protected static void RequireFinite(ReadOnlySpan<double> values, string name)
    {
        foreach (double v in values)
        {
            if (!double.IsFinite(v))
            {
                throw new ArgumentException("Every weight must be finite.", name);
            }
        }
    }

    /// <summary>The output shape of a K × K pooling window with a stride and no padding on a [C, H, W] input.</summary>
    private protected Shape PoolOutput(Shape inputShape, int kernelSize, int stride)
    {
        RequireImage(inputShape);
        try
        {
            return Shape.Image(inputShape[0], Shape.WindowOutputSize(inputShape[1], kernelSize, stride, 0), Shape.WindowOutputSize(inputShape[2], kernelSize, stride, 0));
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{this} does not fit the input {inputShape}: {e.Message}", e);
        }
    }

    /// <summary>Checks a [C, H, W] input of a windowed layer.</summary>
    private protected Shape RequireImage(Shape inputShape, int? channels = null)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        if (!inputShape.IsImage || (channels is int c && inputShape[0] != c))
        {
            throw new ArgumentException($"{this} takes [{(channels is int k ? k.ToString(System.Globalization.CultureInfo.InvariantCulture) : "C")}, H, W]; got {inputShape}.");
        }

        return inputShape;
    }
}
