namespace Thestage.Models;

/// <summary>Polynomial fits on [−1, 1] in the Chebyshev basis, returned in the power basis of t.</summary>
/// <remarks>Trefethen, "Approximation Theory and Approximation Practice", SIAM 2013, ch. 3–4 and 16.</remarks>
internal static class ChebyshevFit
{
    public const int MaxDegree = 31;

    /// <summary>
    /// The interpolant of <paramref name="function"/> at the d + 1 Chebyshev points of the first kind
    /// <c>t_j = cos(π(j + ½)/(d + 1))</c>: near-minimax, within a factor 2 + (2/π)·ln(d + 1) of the best uniform error.
    /// </summary>
    public static double[] Interpolate(Func<double, double> function, int degree)
    {
        int n = degree + 1;
        var values = new double[n];
        for (int j = 0; j < n; j++)
        {
            values[j] = function(Math.Cos(Math.PI * (j + 0.5) / n));
        }

        // Discrete orthogonality of T_k at these points: a_k = (2 − δ_k0)/n · Σ_j f(t_j) T_k(t_j).
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

        return ToPowerBasis(a);
    }

    /// <summary>Σ a_k T_k(t) in powers of t, by T_(k+1) = 2t·T_k − T_(k−1).</summary>
    public static double[] ToPowerBasis(ReadOnlySpan<double> chebyshev)
    {
        int n = chebyshev.Length;
        var result = new double[n];
        var previous = new double[n];
        var current = new double[n];
        previous[0] = 1;
        result[0] = chebyshev[0];
        if (n > 1)
        {
            current[1] = 1;
        }

        for (int k = 1; k < n; k++)
        {
            for (int i = 0; i < n; i++)
            {
                result[i] += chebyshev[k] * current[i];
            }

            var next = new double[n];
            for (int i = 0; i < n; i++)
            {
                next[i] = (i > 0 ? 2 * current[i - 1] : 0) - previous[i];
            }

            previous = current;
            current = next;
        }

        return result;
    }

    /// <summary>The coefficients in x of q(α·x + β), q given in the power basis.</summary>
    public static double[] Substitute(ReadOnlySpan<double> q, double alpha, double beta)
    {
        int n = q.Length;
        var result = new double[n];
        var power = new double[n];
        power[0] = 1; // (αx + β)^i, expanded
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                result[j] += q[i] * power[j];
            }

            var next = new double[n];
            for (int j = 0; j <= i && j + 1 < n; j++)
            {
                next[j + 1] += alpha * power[j];
                next[j] += beta * power[j];
            }

            power = next;
        }

        return result;
    }
}
