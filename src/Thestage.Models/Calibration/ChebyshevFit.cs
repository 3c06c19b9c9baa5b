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

    /// <summary>
    /// The weighted discrete least-squares fit of degree <paramref name="degree"/> to <paramref name="function"/> at the
    /// points <paramref name="points"/> with weights <paramref name="weights"/>, in the Chebyshev basis of [−G, G]
    /// (G = <paramref name="halfWidth"/>, where it is well conditioned), solved by Householder QR; returned in the power
    /// basis of t. With d + 1 Chebyshev points of [−G, G] and equal weights it is <see cref="Interpolate"/>'s interpolant.
    /// </summary>
    /// <remarks>Golub and Van Loan, "Matrix Computations", 4th ed., §5.3 (least squares by QR).</remarks>
    public static double[] LeastSquares(Func<double, double> function, ReadOnlySpan<double> points, ReadOnlySpan<double> weights, int degree, double halfWidth)
    {
        int m = points.Length, n = degree + 1;
        var a = new double[m, n];
        var b = new double[m];
        for (int i = 0; i < m; i++)
        {
            double u = points[i] / halfWidth, w = Math.Sqrt(weights[i]);
            double previous = 1, current = u; // T_0(u), T_1(u)
            a[i, 0] = w;
            for (int k = 1; k < n; k++)
            {
                a[i, k] = w * current;
                (previous, current) = (current, 2 * u * current - previous);
            }

            b[i] = w * function(points[i]);
        }

        double[] chebyshev = SolveByQr(a, b, n);
        double[] inU = ToPowerBasis(chebyshev);
        double scale = 1;
        for (int k = 0; k < n; k++)
        {
            inU[k] /= scale;
            scale *= halfWidth;
        }

        return inU;
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

    /// <summary>min ‖A·x − b‖ for A of m × n (m ≥ n, full rank) by Householder reflections; A and b are overwritten.</summary>
    private static double[] SolveByQr(double[,] a, double[] b, int n)
    {
        int m = b.Length;
        for (int k = 0; k < n; k++)
        {
            double norm = 0;
            for (int i = k; i < m; i++)
            {
                norm += a[i, k] * a[i, k];
            }

            norm = Math.Sqrt(norm);
            if (norm == 0)
            {
                continue;
            }

            double alpha = a[k, k] > 0 ? -norm : norm;
            var v = new double[m - k];
            for (int i = k; i < m; i++)
            {
                v[i - k] = a[i, k];
            }

            v[0] -= alpha;
            double vv = v.Sum(x => x * x);
            if (vv == 0)
            {
                continue;
            }

            for (int j = k; j < n; j++)
            {
                double dot = 0;
                for (int i = k; i < m; i++)
                {
                    dot += v[i - k] * a[i, j];
                }

                double f = 2 * dot / vv;
                for (int i = k; i < m; i++)
                {
                    a[i, j] -= f * v[i - k];
                }
            }

            double db = 0;
            for (int i = k; i < m; i++)
            {
                db += v[i - k] * b[i];
            }

            double fb = 2 * db / vv;
            for (int i = k; i < m; i++)
            {
                b[i] -= fb * v[i - k];
            }
        }

        var x = new double[n];
        for (int k = n - 1; k >= 0; k--)
        {
            double sum = b[k];
            for (int j = k + 1; j < n; j++)
            {
                sum -= a[k, j] * x[j];
            }

            x[k] = a[k, k] == 0 ? 0 : sum / a[k, k];
        }

        return x;
    }
}
