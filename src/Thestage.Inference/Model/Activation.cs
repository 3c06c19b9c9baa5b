using Thestage.Privacy.Tensors;

namespace Thestage.Inference.Model;

/// <summary>
/// An elementwise activation that CKKS can evaluate: the square x², or a polynomial (for example a Chebyshev fit of
/// ReLU, sigmoid, tanh or GELU on a stated interval and degree, see <see cref="Approximations"/>).
/// </summary>
public sealed class Activation : Layer
{
    private Activation(string name, Polynomial polynomial, bool isSquare = false)
    {
        Name = name;
        Polynomial = polynomial;
        IsSquare = isSquare;
    }

    /// <summary>True for x ↦ x², which costs one level (a general degree-2 polynomial costs two).</summary>
    public bool IsSquare { get; }

    /// <summary>What the activation stands for, e.g. "square" or "relu≈[−4, 4] deg 7".</summary>
    public string Name { get; }

    /// <summary>The polynomial evaluated (x² for the square).</summary>
    public Polynomial Polynomial { get; }

    /// <inheritdoc/>
    public override int Depth => IsSquare ? 1 : Polynomial.Depth;

    /// <summary>x ↦ x² (CryptoNets), one level.</summary>
    public static Activation Square() => new("square", new Polynomial([0, 0, 1]), isSquare: true);

    /// <summary>A given polynomial.</summary>
    /// <param name="polynomial">The polynomial.</param>
    /// <param name="name">A description.</param>
    public static Activation FromPolynomial(Polynomial polynomial, string name)
    {
        ArgumentNullException.ThrowIfNull(polynomial);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new Activation(name, polynomial);
    }

    /// <summary>A Chebyshev fit of ReLU on [min, max].</summary>
    /// <param name="min">The interval's lower end.</param>
    /// <param name="max">The interval's upper end.</param>
    /// <param name="degree">The degree.</param>
    public static Activation Relu(double min, double max, int degree) => new($"relu≈[{min}, {max}] deg {degree}", Approximations.Relu(min, max, degree));

    /// <summary>A Chebyshev fit of the sigmoid on [min, max].</summary>
    /// <param name="min">The interval's lower end.</param>
    /// <param name="max">The interval's upper end.</param>
    /// <param name="degree">The degree.</param>
    public static Activation Sigmoid(double min, double max, int degree) => new($"sigmoid≈[{min}, {max}] deg {degree}", Approximations.Sigmoid(min, max, degree));

    /// <summary>A Chebyshev fit of tanh on [min, max].</summary>
    /// <param name="min">The interval's lower end.</param>
    /// <param name="max">The interval's upper end.</param>
    /// <param name="degree">The degree.</param>
    public static Activation Tanh(double min, double max, int degree) => new($"tanh≈[{min}, {max}] deg {degree}", Approximations.Tanh(min, max, degree));

    /// <summary>A Chebyshev fit of GELU on [min, max].</summary>
    /// <param name="min">The interval's lower end.</param>
    /// <param name="max">The interval's upper end.</param>
    /// <param name="degree">The degree.</param>
    public static Activation Gelu(double min, double max, int degree) => new($"gelu≈[{min}, {max}] deg {degree}", Approximations.Gelu(min, max, degree));

    /// <inheritdoc/>
    public override int[] OutputShape(IReadOnlyList<int> inputShape) => SameShape(inputShape);

    /// <inheritdoc/>
    public override double[] Evaluate(ReadOnlySpan<double> input, IReadOnlyList<int> inputShape) => Elementwise(input, inputShape, Polynomial.Evaluate);

    /// <inheritdoc/>
    public override string ToString() => $"Activation({Name})";
}
