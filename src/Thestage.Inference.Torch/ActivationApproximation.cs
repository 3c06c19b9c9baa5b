namespace Thestage.Inference.Torch;

/// <summary>How ReLU, sigmoid, tanh and GELU become polynomials: a Chebyshev fit of the given degree on [Min, Max], the range the pre-activations are expected to stay in.</summary>
public sealed class ActivationApproximation
{
    /// <summary>Creates the setting.</summary>
    /// <param name="min">The interval's lower end.</param>
    /// <param name="max">The interval's upper end (above <paramref name="min"/>).</param>
    /// <param name="degree">The polynomial degree, 1–63.</param>
    public ActivationApproximation(double min, double max, int degree)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max) || !(min < max))
        {
            throw new ArgumentException($"The interval [{min}, {max}] must be finite and non-empty.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(degree, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(degree, 63);
        Min = min;
        Max = max;
        Degree = degree;
    }

    /// <summary>The interval's lower end.</summary>
    public double Min { get; }

    /// <summary>The interval's upper end.</summary>
    public double Max { get; }

    /// <summary>The polynomial degree.</summary>
    public int Degree { get; }

    /// <inheritdoc/>
    public override string ToString() => $"[{Min}, {Max}] deg {Degree}";
}
