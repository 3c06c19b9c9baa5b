using System.Globalization;

namespace Thestage.Models;

/// <summary>
/// An elementwise activation: an exact function (<see cref="LayerKind.Relu"/>, <see cref="LayerKind.Sigmoid"/>,
/// <see cref="LayerKind.Tanh"/>, <see cref="LayerKind.Gelu"/>), the square x², or a polynomial
/// <c>p(x) = q(α·x + β)</c> — for example a fit of one of the exact functions on an interval [a, b], stored with
/// <c>t = α·x + β = (2x − a − b)/(b − a)</c> so that its coefficients are those of the well-conditioned basis on [−1, 1].
/// </summary>
/// <remarks>
/// The plain evaluation is the layer's function as written: an exact ReLU evaluates max(0, x), its fitted polynomial
/// evaluates the polynomial. The CKKS back-end evaluates <see cref="LayerKind.Square"/> and <see cref="LayerKind.Polynomial"/>
/// (<see cref="IsPolynomial"/>); exact functions are replaced by fits first (<c>Calibration</c>). The proof back-end
/// evaluates the exact ReLU and the square.
/// </remarks>
public sealed class Activation : Layer
{
    private readonly double[] _coefficients;

    private Activation(LayerKind kind, string name, double[] coefficients, double scale = 1, double offset = 0, LayerKind? approximates = null, (double Min, double Max)? interval = null)
    {
        Kind = kind;
        Name = name;
        _coefficients = coefficients;
        InputScale = scale;
        InputOffset = offset;
        Approximates = approximates;
        Interval = interval;
    }

    /// <inheritdoc/>
    public override LayerKind Kind { get; }

    /// <summary>What the activation stands for, e.g. "square", "relu" or "relu≈[-4, 4] deg 7".</summary>
    public string Name { get; }

    /// <summary>True for x ↦ x².</summary>
    public bool IsSquare => Kind == LayerKind.Square;

    /// <summary>True when the activation is a polynomial (the square or <see cref="LayerKind.Polynomial"/>), which CKKS can evaluate.</summary>
    public bool IsPolynomial => Kind is LayerKind.Square or LayerKind.Polynomial;

    /// <summary>The coefficients c₀, c₁, … of q in the power basis of <c>t = α·x + β</c>, constant first; [0, 0, 1] for the square; empty for an exact function.</summary>
    public IReadOnlyList<double> Coefficients => _coefficients;

    /// <summary>The degree of q (2 for the square, 0 for an exact function).</summary>
    public int Degree => Math.Max(0, _coefficients.Length - 1);

    /// <summary>α of <c>t = α·x + β</c> (1 unless the polynomial was fitted on an interval).</summary>
    public double InputScale { get; }

    /// <summary>β of <c>t = α·x + β</c> (0 unless the polynomial was fitted on an interval).</summary>
    public double InputOffset { get; }

    /// <summary>The exact function a fitted polynomial stands for, or null.</summary>
    public LayerKind? Approximates { get; }

    /// <summary>The interval [a, b] a fitted polynomial was fitted on (<c>t</c> runs over [−1, 1] there), or null.</summary>
    public (double Min, double Max)? Interval { get; }

    /// <summary>x ↦ x² (CryptoNets).</summary>
    public static Activation Square() => new(LayerKind.Square, "square", [0, 0, 1]);

    /// <summary>The exact function <paramref name="function"/>.</summary>
    /// <param name="function"><see cref="LayerKind.Relu"/>, <see cref="LayerKind.Sigmoid"/>, <see cref="LayerKind.Tanh"/>, <see cref="LayerKind.Gelu"/> or <see cref="LayerKind.Square"/>.</param>
    /// <exception cref="ArgumentException">Another kind.</exception>
    public static Activation Exact(LayerKind function) => function switch
    {
        LayerKind.Square => Square(),
        LayerKind.Relu or LayerKind.Sigmoid or LayerKind.Tanh or LayerKind.Gelu => new(function, function.ToString().ToLowerInvariant(), []),
        _ => throw new ArgumentException($"{function} is not an activation function; expected Relu, Sigmoid, Tanh, Gelu or Square.", nameof(function)),
    };

    /// <summary>The polynomial p(x) = c₀ + c₁x + … with the given coefficients.</summary>
    /// <param name="coefficients">c₀, c₁, …, at least one, all finite (trailing zeros are dropped).</param>
    /// <param name="name">A description.</param>
    /// <exception cref="ArgumentException">No coefficient, or one is not finite.</exception>
    public static Activation FromPolynomial(ReadOnlySpan<double> coefficients, string name) => FromPolynomial(coefficients, name, 1, 0);

    /// <summary>The polynomial p(x) = q(α·x + β), q given by its coefficients.</summary>
    /// <param name="coefficients">The coefficients of q, at least one, all finite (trailing zeros are dropped).</param>
    /// <param name="name">A description.</param>
    /// <param name="inputScale">α, finite and nonzero.</param>
    /// <param name="inputOffset">β, finite.</param>
    /// <exception cref="ArgumentException">No coefficient, or a value is not finite, or α is zero.</exception>
    public static Activation FromPolynomial(ReadOnlySpan<double> coefficients, string name, double inputScale, double inputOffset)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!double.IsFinite(inputScale) || inputScale == 0 || !double.IsFinite(inputOffset))
        {
            throw new ArgumentException($"t = α·x + β needs a finite nonzero α and a finite β; got α = {inputScale}, β = {inputOffset}.");
        }

        return new(LayerKind.Polynomial, name, Trim(coefficients), inputScale, inputOffset);
    }

    /// <summary>
    /// The polynomial fitted to <paramref name="function"/> on [<paramref name="min"/>, <paramref name="max"/>], given by its
    /// coefficients in <c>t = (2x − min − max)/(max − min)</c>: what calibration produces.
    /// </summary>
    /// <param name="function">The exact function it approximates (Relu, Sigmoid, Tanh or Gelu).</param>
    /// <param name="min">a.</param>
    /// <param name="max">b &gt; a.</param>
    /// <param name="coefficients">The coefficients of q in t.</param>
    /// <exception cref="ArgumentException">The function is not one of the four, the interval is empty or not finite, or a coefficient is not finite.</exception>
    public static Activation Fitted(LayerKind function, double min, double max, ReadOnlySpan<double> coefficients)
    {
        if (function is not (LayerKind.Relu or LayerKind.Sigmoid or LayerKind.Tanh or LayerKind.Gelu))
        {
            throw new ArgumentException($"{function} has no fit; expected Relu, Sigmoid, Tanh or Gelu.", nameof(function));
        }

        if (!double.IsFinite(min) || !double.IsFinite(max) || !(max > min) || !double.IsFinite(2 / (max - min)))
        {
            throw new ArgumentException($"The interval [{min}, {max}] must be finite and non-empty.");
        }

        double[] q = Trim(coefficients);
        string name = string.Create(CultureInfo.InvariantCulture, $"{function.ToString().ToLowerInvariant()}≈[{min:G6}, {max:G6}] deg {q.Length - 1}");
        return new(LayerKind.Polynomial, name, q, 2 / (max - min), -(max + min) / (max - min), function, (min, max));
    }

    /// <summary>The Chebyshev interpolant of ReLU of degree <paramref name="degree"/> on [min, max] (near-minimax, Trefethen ATAP ch. 16).</summary>
    /// <param name="min">The interval's lower end.</param>
    /// <param name="max">The interval's upper end.</param>
    /// <param name="degree">The degree, 1 to 31.</param>
    public static Activation Relu(double min, double max, int degree) => Interpolated(LayerKind.Relu, min, max, degree);

    /// <summary>The Chebyshev interpolant of the sigmoid on [min, max].</summary>
    /// <param name="min">The interval's lower end.</param>
    /// <param name="max">The interval's upper end.</param>
    /// <param name="degree">The degree, 1 to 31.</param>
    public static Activation Sigmoid(double min, double max, int degree) => Interpolated(LayerKind.Sigmoid, min, max, degree);

    /// <summary>The Chebyshev interpolant of tanh on [min, max].</summary>
    /// <param name="min">The interval's lower end.</param>
    /// <param name="max">The interval's upper end.</param>
    /// <param name="degree">The degree, 1 to 31.</param>
    public static Activation Tanh(double min, double max, int degree) => Interpolated(LayerKind.Tanh, min, max, degree);

    /// <summary>The Chebyshev interpolant of GELU on [min, max].</summary>
    /// <param name="min">The interval's lower end.</param>
    /// <param name="max">The interval's upper end.</param>
    /// <param name="degree">The degree, 1 to 31.</param>
    public static Activation Gelu(double min, double max, int degree) => Interpolated(LayerKind.Gelu, min, max, degree);

    /// <summary>The exact value of an activation function.</summary>
    /// <param name="function">Relu, Sigmoid, Tanh, Gelu or Square.</param>
    /// <param name="x">The argument.</param>
    /// <exception cref="ArgumentException">Another kind.</exception>
    public static double ExactValue(LayerKind function, double x) => function switch
    {
        LayerKind.Relu => Math.Max(0, x),
        LayerKind.Sigmoid => 1 / (1 + Math.Exp(-x)),
        LayerKind.Tanh => Math.Tanh(x),
        LayerKind.Gelu => 0.5 * x * (1 + Erf(x / Math.Sqrt(2))),
        LayerKind.Square => x * x,
        _ => throw new ArgumentException($"{function} is not an activation function.", nameof(function)),
    };

    /// <summary>The activation's value at <paramref name="x"/>: the exact function, or q(α·x + β).</summary>
    /// <param name="x">The argument.</param>
    public double Apply(double x)
    {
        if (!IsPolynomial)
        {
            return ExactValue(Kind, x);
        }

        double t = InputScale * x + InputOffset, y = 0;
        for (int i = _coefficients.Length - 1; i >= 0; i--)
        {
            y = y * t + _coefficients[i];
        }

        return y;
    }

    /// <summary>The coefficients of p in the power basis of x itself (q(α·x + β) expanded); exact when α = 1 and β = 0.</summary>
    /// <exception cref="InvalidOperationException">The activation is an exact function, not a polynomial.</exception>
    public double[] PowerCoefficients()
    {
        if (!IsPolynomial)
        {
            throw new InvalidOperationException($"{this} is not a polynomial.");
        }

        return ChebyshevFit.Substitute(_coefficients, InputScale, InputOffset);
    }

    /// <inheritdoc/>
    public override Shape OutputShape(Shape inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        return inputShape;
    }

    /// <inheritdoc/>
    public override double[] Evaluate(ReadOnlySpan<double> input, Shape inputShape)
    {
        RequireLength(input, inputShape);
        var y = new double[input.Length];
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = Apply(input[i]);
        }

        return y;
    }

    /// <inheritdoc/>
    public override string ToString() => $"Activation({Name})";

    private static Activation Interpolated(LayerKind function, double min, double max, int degree)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(degree, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(degree, ChebyshevFit.MaxDegree);
        if (!double.IsFinite(min) || !double.IsFinite(max) || !(max > min))
        {
            throw new ArgumentOutOfRangeException(nameof(max), max, "The interval must be finite with max > min.");
        }

        return Fitted(function, min, max, ChebyshevFit.Interpolate(t => ExactValue(function, 0.5 * (max - min) * t + 0.5 * (max + min)), degree));
    }

    private static double[] Trim(ReadOnlySpan<double> coefficients)
    {
        if (coefficients.IsEmpty)
        {
            throw new ArgumentException("A polynomial needs at least one coefficient.", nameof(coefficients));
        }

        foreach (double c in coefficients)
        {
            if (!double.IsFinite(c))
            {
                throw new ArgumentException("Coefficients must be finite.", nameof(coefficients));
            }
        }

        int degree = coefficients.Length - 1;
        while (degree > 0 && coefficients[degree] == 0)
        {
            degree--;
        }

        return coefficients[..(degree + 1)].ToArray();
    }

    private static double Erf(double x)
    {
        // Chebyshev-fitted erfc (Press et al., Numerical Recipes, 3rd ed., §6.2.2), fractional error < 1.2e-7.
        double z = Math.Abs(x);
        double t = 1 / (1 + 0.5 * z);
        double erfc = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? 1 - erfc : erfc - 1;
    }
}
