namespace Thestage.Models;

/// <summary>
/// Replaces every exact ReLU, sigmoid, tanh and GELU of a model by a polynomial fitted on the range its inputs take on
/// calibration samples, with the degree chosen for the accuracy asked — what the CKKS back-end needs, since it evaluates
/// only polynomials.
/// </summary>
/// <remarks>
/// <para>Per layer: the calibrated range [m, M] widened by a margin gives the covered interval [a, b]; t = (2x − a − b)/(b − a)
/// maps it to [−1, 1]. The polynomial q(t) minimizes the weighted squared error at Chebyshev points of [−1, 1] (weight 1)
/// and of the guard band 1 ≤ |t| ≤ G (a small weight): accurate where the data was, and held close to f — bounded for the
/// saturating sigmoid and tanh — where served inputs may stray (a logit 1.5× beyond the calibrated range is |t| ≈ 1.4 for a
/// range around 0). A plain Chebyshev interpolant on [a, b] instead grows like |t|^d outside it. The degree is the smallest
/// from 1 to the maximum whose error on [a, b] is within the accuracy asked (relative to f's range there).</para>
/// <para>Least squares on Chebyshev points: Trefethen, "Approximation Theory and Approximation Practice", SIAM 2013,
/// ch. 16 and 19; polynomial activations calibrated on data as in Concrete ML and in "HEMET" (Lou and Jiang, ICML 2021).</para>
/// </remarks>
public static class ActivationFitter
{
    private const int CheckPoints = 4001;

    /// <summary>Fits every exact non-polynomial activation of <paramref name="model"/> on the ranges of <paramref name="calibration"/>.</summary>
    /// <param name="model">The model, with exact activations.</param>
    /// <param name="calibration">Its calibration (<see cref="Calibration.Measure"/>).</param>
    /// <param name="options">The accuracy and intervals (defaults when null).</param>
    /// <returns>The polynomial model (other layers shared) and one fit per replaced layer.</returns>
    /// <exception cref="ArgumentException">The calibration is not of this model (another layer count).</exception>
    public static FittedModel Fit(Sequential model, Calibration calibration, ActivationFitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(calibration);
        options ??= new ActivationFitOptions();
        options.Validate();
        if (calibration.Ranges.Count != model.Layers.Count + 1)
        {
            throw new ArgumentException($"The calibration has {calibration.Ranges.Count} ranges; the model has {model.Layers.Count} layers (+ its input).", nameof(calibration));
        }

        var layers = model.Layers.ToArray();
        var fits = new List<ActivationFit>();
        for (int i = 0; i < layers.Length; i++)
        {
            if (layers[i] is Activation { IsPolynomial: false } exact)
            {
                (Activation polynomial, ActivationFit fit) = FitOne(i, exact.Kind, calibration.InputRangeOf(i), options);
                layers[i] = polynomial;
                fits.Add(fit);
            }
        }

        return new FittedModel(new Sequential(model.InputShape, layers), fits);
    }

    /// <summary>Fits one function on one calibrated range.</summary>
    /// <param name="layerIndex">The layer index, for the report.</param>
    /// <param name="function">Relu, Sigmoid, Tanh or Gelu.</param>
    /// <param name="calibrated">The calibrated range of its inputs.</param>
    /// <param name="options">The accuracy and intervals (defaults when null).</param>
    /// <exception cref="ArgumentException">The function has no fit.</exception>
    public static (Activation Activation, ActivationFit Fit) FitOne(int layerIndex, LayerKind function, ValueRange calibrated, ActivationFitOptions? options = null)
    {
        options ??= new ActivationFitOptions();
        options.Validate();
        if (function is not (LayerKind.Relu or LayerKind.Sigmoid or LayerKind.Tanh or LayerKind.Gelu))
        {
            throw new ArgumentException($"{function} has no fit; Relu, Sigmoid, Tanh and Gelu have.", nameof(function));
        }

        // A degenerate range (every calibration value equal) still gets an interval of width ≥ 2·10⁻³·max(1, |x|).
        double floor = 1e-3 * Math.Max(1, calibrated.MaxAbs);
        double width = Math.Max(calibrated.Width, 2 * floor);
        double a = calibrated.Center - 0.5 * width - options.Margin * width, b = calibrated.Center + 0.5 * width + options.Margin * width;
        double center = 0.5 * (a + b), half = 0.5 * (b - a), g = options.GuardFactor;
        double F(double t) => Activation.ExactValue(function, center + half * t);

        (double[] points, double[] weights) = Points(g, options.GuardWeight);
        double kink = function == LayerKind.Relu ? -center / half : double.NaN; // ReLU's error peaks at its kink, x = 0
        double range = Range(F, 1);
        double target = options.MaxRelativeError * Math.Max(range, double.Epsilon);
        double[]? best = null;
        int bestDegree = 0;
        double bestError = double.PositiveInfinity;
        for (int degree = 1; degree <= options.MaxDegree; degree++)
        {
            double[] q = ChebyshevFit.LeastSquares(F, points, weights, degree, g);
            double error = MaxError(F, q, 1, kink);
            if (error < bestError)
            {
                (best, bestDegree, bestError) = (q, degree, error);
            }

            if (error <= target)
            {
                break;
            }
        }

        Activation activation = Activation.Fitted(function, a, b, best!);
        var fit = new ActivationFit(layerIndex, function, calibrated, new ValueRange(a, b), new ValueRange(center - g * half, center + g * half),
            bestDegree, bestError, MaxError(F, best!, g, kink), bestError <= target);
        return (activation, fit);
    }

    /// <summary>Chebyshev points of [−1, 1] (weight 1) and of each guard band [±1, ±G] (weight w), 4 per degree of freedom at least.</summary>
    private static (double[] Points, double[] Weights) Points(double g, double guardWeight)
    {
        const int core = 256, band = 96;
        var points = new List<double>(core + 2 * band);
        var weights = new List<double>(core + 2 * band);
        for (int j = 0; j < core; j++)
        {
            points.Add(Math.Cos(Math.PI * (j + 0.5) / core));
            weights.Add(1);
        }

        if (g > 1)
        {
            for (int j = 0; j < band; j++)
            {
                double u = 0.5 * (1 + Math.Cos(Math.PI * (j + 0.5) / band)); // (0, 1)
                double t = 1 + (g - 1) * u;
                points.Add(t);
                points.Add(-t);
                weights.Add(guardWeight);
                weights.Add(guardWeight);
            }
        }

        return ([.. points], [.. weights]);
    }

    /// <summary>max |q(t) − f(t)| over evenly spaced points of [−h, h] and the kink of f, if any lies there.</summary>
    private static double MaxError(Func<double, double> f, double[] q, double halfWidth, double kink)
    {
        double Error(double t)
        {
            double y = 0;
            for (int k = q.Length - 1; k >= 0; k--)
            {
                y = y * t + q[k];
            }

            return Math.Abs(y - f(t));
        }

        double worst = Math.Abs(kink) <= halfWidth ? Error(kink) : 0;
        for (int i = 0; i < CheckPoints; i++)
        {
            worst = Math.Max(worst, Error(-halfWidth + 2 * halfWidth * i / (CheckPoints - 1)));
        }

        return worst;
    }

    private static double Range(Func<double, double> f, double halfWidth)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (int i = 0; i < CheckPoints; i++)
        {
            double y = f(-halfWidth + 2 * halfWidth * i / (CheckPoints - 1));
            min = Math.Min(min, y);
            max = Math.Max(max, y);
        }

        return max - min;
    }
}
