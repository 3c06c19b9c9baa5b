namespace Thestage.Models;

/// <summary>
/// A layer that is an affine map of the flattened row-major input: <c>y = x·M + b</c> (<see cref="Dense"/>,
/// <see cref="Conv2d"/>, <see cref="AvgPool2d"/>). Back-ends that evaluate any linear map (the CKKS diagonal method,
/// per-slot products) read <see cref="Matrix"/> and <see cref="OutputBias"/> and need no per-kind code.
/// </summary>
public abstract class LinearLayer : Layer
{
    private protected LinearLayer()
    {
    }

    /// <summary>The entries <c>M[i, j]</c> for flattened input <c>i</c> and output <c>j</c>, for an input of <paramref name="inputShape"/>.</summary>
    /// <param name="inputShape">The input shape (the layer must accept it).</param>
    /// <returns>A function of (input index, output index); it reads the layer's own weights, which never change.</returns>
    /// <exception cref="ArgumentException">The layer does not accept this shape.</exception>
    public abstract Func<int, int, double> Matrix(Shape inputShape);

    /// <summary>The bias <c>b</c> per flattened output, for an input of <paramref name="inputShape"/> (zeros for pooling).</summary>
    /// <param name="inputShape">The input shape (the layer must accept it).</param>
    /// <exception cref="ArgumentException">The layer does not accept this shape.</exception>
    public abstract double[] OutputBias(Shape inputShape);
}
