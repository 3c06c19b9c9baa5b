namespace Thestage.Models;

/// <summary>How closely one evaluation of a model follows a reference on the same inputs (for example the polynomial
/// model against the exact one, the encrypted outputs against the plain ones, the fixed-point model against its source).</summary>
/// <param name="SampleCount">The number of inputs compared.</param>
/// <param name="MaxAbsoluteError">The largest |reference − other| over all outputs and inputs.</param>
/// <param name="MeanAbsoluteError">The mean |reference − other| over all outputs and inputs.</param>
/// <param name="MaxAbsoluteOutput">The largest |reference|, to put the errors in scale.</param>
/// <param name="ArgmaxAgreement">The fraction of inputs whose arg-max output (predicted class) agrees.</param>
public sealed record AgreementReport(int SampleCount, double MaxAbsoluteError, double MeanAbsoluteError, double MaxAbsoluteOutput, double ArgmaxAgreement)
{
    /// <summary>Compares outputs row by row.</summary>
    /// <param name="reference">The reference outputs, one row per input.</param>
    /// <param name="other">The other outputs, the same shape.</param>
    /// <exception cref="ArgumentException">No rows, or the shapes differ.</exception>
    public static AgreementReport Compare(IReadOnlyList<double[]> reference, IReadOnlyList<double[]> other)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(other);
        if (reference.Count == 0 || reference.Count != other.Count)
        {
            throw new ArgumentException($"Compare needs the same number of rows, at least one; got {reference.Count} and {other.Count}.");
        }

        double maxError = 0, sumError = 0, maxOutput = 0;
        long values = 0;
        int agree = 0;
        for (int s = 0; s < reference.Count; s++)
        {
            double[] a = reference[s], b = other[s];
            if (a.Length != b.Length || a.Length == 0)
            {
                throw new ArgumentException($"Row {s} has {a.Length} and {b.Length} values.");
            }

            for (int i = 0; i < a.Length; i++)
            {
                double error = Math.Abs(a[i] - b[i]);
                maxError = Math.Max(maxError, error);
                maxOutput = Math.Max(maxOutput, Math.Abs(a[i]));
                sumError += error;
                values++;
            }

            agree += ArgMax(a) == ArgMax(b) ? 1 : 0;
        }

        return new AgreementReport(reference.Count, maxError, sumError / values, maxOutput, (double)agree / reference.Count);
    }

    /// <summary>Evaluates both models on <paramref name="inputs"/> and compares their outputs.</summary>
    /// <param name="reference">The reference model.</param>
    /// <param name="other">The other model (same input and output sizes).</param>
    /// <param name="inputs">At least one input.</param>
    public static AgreementReport Compare(Sequential reference, Sequential other, IReadOnlyList<double[]> inputs)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(other);
        ArgumentNullException.ThrowIfNull(inputs);
        return Compare([.. inputs.Select(x => reference.Evaluate(x))], [.. inputs.Select(x => other.Evaluate(x))]);
    }

    /// <summary>The index of the largest value (the first one on ties).</summary>
    /// <param name="values">At least one value.</param>
    public static int ArgMax(ReadOnlySpan<double> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }
}
