namespace Thestage.Inference.Model;

/// <summary>
/// One layer of the model IR: a shape-checked function on row-major double tensors, with a plain reference
/// evaluation that defines what the encrypted runtime computes.
/// </summary>
public abstract class Layer
{
    private protected Layer()
    {
    }

    /// <summary>The layer's output shape for <paramref name="inputShape"/> (row-major, without a batch axis).</summary>
    /// <param name="inputShape">The input shape.</param>
    /// <exception cref="ArgumentException">The layer does not accept this shape.</exception>
    public abstract int[] OutputShape(IReadOnlyList<int> inputShape);

    /// <summary>The plain (double) evaluation on one row-major sample.</summary>
    /// <param name="input">The sample, of <paramref name="inputShape"/>.</param>
    /// <param name="inputShape">Its shape.</param>
    public abstract double[] Evaluate(ReadOnlySpan<double> input, IReadOnlyList<int> inputShape);

    /// <summary>The multiplicative depth of the layer's encrypted evaluation.</summary>
    public abstract int Depth { get; }

    /// <summary>A one-line description, e.g. "Conv2d(1→4, 7×7, stride 3)".</summary>
    public abstract override string ToString();

    internal static int Product(IReadOnlyList<int> shape)
    {
        int p = 1;
        foreach (int d in shape)
        {
            p = checked(p * d);
        }

        return p;
    }

    /// <summary>The shape-preserving evaluation of an elementwise layer: <paramref name="f"/> applied to every value.</summary>
    internal static double[] Elementwise(ReadOnlySpan<double> input, IReadOnlyList<int> shape, Func<double, double> f)
    {
        RequireLength(input, shape);
        var y = new double[input.Length];
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = f(input[i]);
        }

        return y;
    }

    /// <summary>The output shape of an elementwise layer: its input shape.</summary>
    internal static int[] SameShape(IReadOnlyList<int> shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return [.. shape];
    }

    internal static void RequireLength(ReadOnlySpan<double> input, IReadOnlyList<int> shape)
    {
        if (input.Length != Product(shape))
        {
            throw new ArgumentException($"The input has {input.Length} values; the shape [{string.Join(", ", shape)}] has {Product(shape)}.");
        }
    }
}
