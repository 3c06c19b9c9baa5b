namespace Thestage.Privacy.Tensors;

/// <summary>
/// A real polynomial p(x) = c₀ + c₁x + … + c_d x^d in the power basis, as evaluated on encrypted data by
/// <see cref="CkksVector.Polynomial(Tensors.Polynomial)"/> at multiplicative depth ⌈log2(d + 1)⌉.
/// </summary>
public sealed class Polynomial
{
    private readonly double[] _coefficients;

    /// <summary>Creates p from its coefficients, constant term first.</summary>
    /// <param name="coefficients">c₀, c₁, …, c_d (trailing zeros are dropped); at least one.</param>
    /// <exception cref="ArgumentException">No coefficients, or one is not finite.</exception>
    public Polynomial(ReadOnlySpan<double> coefficients)
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

        _coefficients = coefficients[..(degree + 1)].ToArray();
    }

    /// <summary>The coefficients, constant term first.</summary>
    public IReadOnlyList<double> Coefficients => _coefficients;

    /// <summary>The degree d.</summary>
    public int Degree => _coefficients.Length - 1;

    /// <summary>The multiplicative depth of its encrypted evaluation, ⌈log2(d + 1)⌉ (0 for a constant).</summary>
    public int Depth => Degree == 0 ? 0 : System.Numerics.BitOperations.Log2((uint)Degree) + 1;

    /// <summary>p(x) by Horner's rule.</summary>
    /// <param name="x">The argument.</param>
    public double Evaluate(double x)
    {
        double y = 0;
        for (int i = _coefficients.Length - 1; i >= 0; i--)
        {
            y = y * x + _coefficients[i];
        }

        return y;
    }

    /// <summary>
    /// Interpolates <paramref name="function"/> at the d + 1 Chebyshev nodes of [<paramref name="min"/>, <paramref name="max"/>]
    /// (near-minimax: within a factor 2 + (2/π)·ln(d + 1) of the best uniform error) and returns it in the power basis.
    /// </summary>
    /// <param name="function">The function to approximate.</param>
    /// <param name="min">The interval's lower end.</param>
    /// <param name="max">The interval's upper end.</param>
    /// <param name="degree">d, from 1 to 31.</param>
    /// <exception cref="ArgumentOutOfRangeException">The degree or interval is invalid.</exception>
    /// <remarks>Trefethen, "Approximation Theory and Approximation Practice", SIAM 2013, ch. 4 and 16.</remarks>
    public static Polynomial FitChebyshev(Func<double, double> function, double min, double max, int degree)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentOutOfRangeException.ThrowIfLessThan(degree, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(degree, 31);
        if (!(max > min) || !double.IsFinite(min) || !double.IsFinite(max))
        {
            throw new ArgumentOutOfRangeException(nameof(max), max, "The interval must be finite with max > min.");
        }

        int n = degree + 1;
        // Chebyshev coefficients a_k of f(t) on t ∈ [−1, 1] from the values at t_j = cos(π(j + 1/2)/n).
        var values = new double[n];
        for (int j = 0; j < n; j++)
        {
            double t = Math.Cos(Math.PI * (j + 0.5) / n);
            values[j] = function(0.5 * (max - min) * t + 0.5 * (max + min));
        }

        var a = new double[n];
        for (int k = 0; k < n; k++)
        {
            double sum = 0;
            for (int j = 0; j < n; j++)
            {
                sum += values[j] * Math.Cos(Math.PI * k * (j + 0.5) / n);
            }

            a[k] = (k == 0 ? 1.0 : 2.0) / n * sum;
        }

        // Σ a_k T_k(t) in powers of t (T_(k+1) = 2t·T_k − T_(k−1)), then substitute t = αx + β.
        var inT = new double[n];
        var previous = new double[n];
        var current = new double[n];
        previous[0] = 1;            // T_0
        if (n > 1)
        {
            current[1] = 1;         // T_1
        }

        inT[0] += a[0];
        for (int k = 1; k < n; k++)
        {
            for (int i = 0; i < n; i++)
            {
                inT[i] += a[k] * current[i];
            }

            if (k + 1 < n)
            {
                var next = new double[n];
                for (int i = 0; i < n; i++)
                {
                    next[i] = (i > 0 ? 2 * current[i - 1] : 0) - previous[i];
                }

                previous = current;
                current = next;
            }
        }

        double alpha = 2 / (max - min), beta = -(max + min) / (max - min);
        var inX = new double[n];
        var power = new double[n];
        power[0] = 1; // (αx + β)^i, expanded
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                inX[j] += inT[i] * power[j];
            }

            var nextPower = new double[n];
            for (int j = 0; j <= i && j + 1 < n; j++)
            {
                nextPower[j + 1] += alpha * power[j];
                nextPower[j] += beta * power[j];
            }

            power = nextPower;
        }

        return new Polynomial(inX);
    }

    /// <summary>The largest |p(x) − f(x)| over <paramref name="samples"/> evenly spaced points of [min, max].</summary>
    /// <param name="function">The reference function.</param>
    /// <param name="min">The interval's lower end.</param>
    /// <param name="max">The interval's upper end.</param>
    /// <param name="samples">At least 2 points.</param>
    public double MaxError(Func<double, double> function, double min, double max, int samples = 10001)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 2);
        double worst = 0;
        for (int i = 0; i < samples; i++)
        {
            double x = min + (max - min) * i / (samples - 1);
            worst = Math.Max(worst, Math.Abs(Evaluate(x) - function(x)));
        }

        return worst;
    }
}
