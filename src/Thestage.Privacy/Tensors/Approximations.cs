namespace Thestage.Privacy.Tensors;

/// <summary>
/// Polynomial approximations of activation functions on a stated interval, by Chebyshev interpolation
/// (<see cref="Polynomial.FitChebyshev"/>), degree chosen by the caller. Inputs outside the interval are not
/// approximated: scale the data (or choose the interval) so that they stay inside.
/// </summary>
/// <remarks>
/// Measured max abs error over 10,001 evenly spaced points (test <c>ApproximationTests</c>):
/// <list type="table">
/// <listheader><term>function, interval</term><description>degree 3 / 7 / 15</description></listheader>
/// <item><term>sigmoid, [−8, 8]</term><description>1.16e-1 / 2.96e-2 / 1.38e-3</description></item>
/// <item><term>tanh, [−4, 4]</term><description>2.32e-1 / 5.93e-2 / 2.76e-3</description></item>
/// <item><term>ReLU, [−1, 1]</term><description>1.35e-1 / 6.37e-2 / 3.14e-2 (a kink: the error falls only as 1/d)</description></item>
/// <item><term>GELU, [−4, 4]</term><description>4.25e-1 / 5.22e-2 / 2.40e-4</description></item>
/// </list>
/// The encrypted evaluation adds CKKS error that grows with the intermediate powers: on [−8, 8], x⁴ reaches 4096
/// and a degree-7 sigmoid showed 2.7e-4 extra error at Δ = 2^40, against below 1e-5 when the input is first scaled
/// to [−1, 1] (one scalar multiply) and the polynomial fitted to t ↦ f(8t) on [−1, 1].
/// </remarks>
public static class Approximations
{
    /// <summary>σ(x) = 1/(1 + e^−x) on [min, max].</summary>
    /// <param name="min">The interval's lower end.</param>
    /// <param name="max">The interval's upper end.</param>
    /// <param name="degree">The degree, 1 to 31.</param>
    public static Polynomial Sigmoid(double min, double max, int degree) => Polynomial.FitChebyshev(SigmoidFunction, min, max, degree);

    /// <summary>tanh(x) on [min, max].</summary>
    /// <param name="min">The interval's lower end.</param>
    /// <param name="max">The interval's upper end.</param>
    /// <param name="degree">The degree, 1 to 31.</param>
    public static Polynomial Tanh(double min, double max, int degree) => Polynomial.FitChebyshev(Math.Tanh, min, max, degree);

    /// <summary>max(0, x) on [min, max].</summary>
    /// <param name="min">The interval's lower end.</param>
    /// <param name="max">The interval's upper end.</param>
    /// <param name="degree">The degree, 1 to 31.</param>
    public static Polynomial Relu(double min, double max, int degree) => Polynomial.FitChebyshev(ReluFunction, min, max, degree);

    /// <summary>GELU(x) = x·Φ(x) (the exact form with the normal CDF) on [min, max].</summary>
    /// <param name="min">The interval's lower end.</param>
    /// <param name="max">The interval's upper end.</param>
    /// <param name="degree">The degree, 1 to 31.</param>
    public static Polynomial Gelu(double min, double max, int degree) => Polynomial.FitChebyshev(GeluFunction, min, max, degree);

    /// <summary>The logistic function.</summary>
    /// <param name="x">The argument.</param>
    public static double SigmoidFunction(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>max(0, x).</summary>
    /// <param name="x">The argument.</param>
    public static double ReluFunction(double x) => Math.Max(0, x);

    /// <summary>x·Φ(x), Φ the standard normal CDF (via erf with |error| &lt; 1.2e-7, Numerical Recipes' erfc).</summary>
    /// <param name="x">The argument.</param>
    public static double GeluFunction(double x) => 0.5 * x * (1 + Erf(x / Math.Sqrt(2)));

    private static double Erf(double x)
    {
        // Chebyshev-fitted erfc (Press et al., Numerical Recipes, 3rd ed., §6.2.2), fractional error < 1.2e-7.
        double z = Math.Abs(x);
        double t = 1 / (1 + 0.5 * z);
        double erfc = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? 1 - erfc : erfc - 1;
    }
}
