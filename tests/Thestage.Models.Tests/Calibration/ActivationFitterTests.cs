namespace Thestage.Models.Tests.Calibration;

/// <summary>Calibrated activation fits: accurate on the calibrated range, bounded beyond it, degree chosen for the accuracy asked.</summary>
public sealed class ActivationFitterTests
{
    public static TheoryData<LayerKind, double, double> Ranges => new()
    {
        { LayerKind.Relu, -4, 6 },
        { LayerKind.Relu, 2, 7 },
        { LayerKind.Sigmoid, -8, 8 },
        { LayerKind.Sigmoid, -1, 12 },
        { LayerKind.Tanh, -3, 3 },
        { LayerKind.Gelu, -4, 4 },
    };

    [Theory]
    [MemberData(nameof(Ranges))]
    public void The_fit_meets_its_reported_error_on_the_calibrated_range_and_degrades_gracefully_at_1_5x_beyond(LayerKind function, double min, double max)
    {
        var calibrated = new ValueRange(min, max);
        (Activation fitted, ActivationFit fit) = ActivationFitter.FitOne(3, function, calibrated);
        Assert.Equal(3, fit.LayerIndex);
        Assert.True(fit.Covered.Min < min && fit.Covered.Max > max);
        Assert.Equal(fit.Covered, new ValueRange(fitted.Interval!.Value.Min, fitted.Interval.Value.Max));
        double range = Enumerable.Range(0, 1001).Select(i => Activation.ExactValue(function, fit.Covered.Min + fit.Covered.Width * i / 1000)).Aggregate((Min: double.MaxValue, Max: double.MinValue), (a, v) => (Math.Min(a.Min, v), Math.Max(a.Max, v)), a => a.Max - a.Min);

        double inside = MaxError(fitted, function, min, max);
        Assert.True(inside <= fit.MaxError * 1.01, $"{inside} > reported {fit.MaxError}");
        Assert.True(fit.MaxError <= 0.05 * range, $"{fit}");

        // Served inputs 1.5× beyond the calibrated range (scaled about 0, as a logit that is larger than any calibration one).
        double beyond = MaxError(fitted, function, 1.5 * min, 1.5 * max);
        Assert.True(beyond <= fit.GuardMaxError * 1.01, $"{beyond} > reported guard error {fit.GuardMaxError}");
        Assert.True(beyond <= 0.1 * range, $"{function} on 1.5 × [{min}, {max}]: error {beyond}, range {range}");

        // The plain interpolant on the covered interval, of the same degree, is what explodes there.
        Activation interpolant = Interpolant(function, fit.Covered, Math.Max(fit.Degree, 7));
        Assert.True(MaxError(interpolant, function, 1.5 * min, 1.5 * max) > 2 * beyond || fit.Degree < 3);
    }

    [Fact]
    public void The_degree_is_the_smallest_that_meets_the_accuracy_asked()
    {
        var range = new ValueRange(-3, 3);
        ActivationFit loose = ActivationFitter.FitOne(0, LayerKind.Tanh, range, new ActivationFitOptions { MaxRelativeError = 0.05 }).Fit;
        ActivationFit tight = ActivationFitter.FitOne(0, LayerKind.Tanh, range, new ActivationFitOptions { MaxRelativeError = 0.02 }).Fit;
        Assert.True(loose.MeetsTarget && tight.MeetsTarget);
        Assert.True(loose.Degree < tight.Degree);
        ActivationFit below = ActivationFitter.FitOne(0, LayerKind.Tanh, range, new ActivationFitOptions { MaxRelativeError = 0.05, MaxDegree = loose.Degree - 1 }).Fit;
        Assert.False(below.MeetsTarget);
        Assert.True(below.Degree < loose.Degree);
        Assert.True(below.MaxError > loose.MaxError);
    }

    [Fact]
    public void A_model_gets_one_fit_per_exact_activation_and_keeps_its_other_layers()
    {
        var random = new Random(5);
        var model = new Sequential([3], [
            new Dense(Layers.RandomModels.Matrix(random, 3, 4, 1), Layers.RandomModels.Vector(random, 4)),
            Activation.Exact(LayerKind.Relu),
            new Dense(Layers.RandomModels.Matrix(random, 4, 2, 1)),
            Activation.Square(),
            Activation.Exact(LayerKind.Sigmoid),
        ]);
        double[][] samples = [.. Enumerable.Range(0, 50).Select(_ => Layers.RandomModels.Vector(random, 3))];
        Models.Calibration calibration = Models.Calibration.Measure(model, samples);
        FittedModel fitted = ActivationFitter.Fit(model, calibration);
        Assert.Equal([1, 4], fitted.Fits.Select(f => f.LayerIndex));
        Assert.Same(model.Layers[0], fitted.Model.Layers[0]);
        Assert.Same(model.Layers[3], fitted.Model.Layers[3]);
        Assert.All(fitted.Model.Layers.OfType<Activation>(), a => Assert.True(a.IsPolynomial));
        Assert.Equal(calibration.InputRangeOf(1), fitted.Fits[0].Calibrated);

        AgreementReport agreement = AgreementReport.Compare(model, fitted.Model, samples);
        Assert.True(agreement.MaxAbsoluteError < 0.1, agreement.ToString());
        Assert.Throws<ArgumentException>(() => ActivationFitter.FitOne(0, LayerKind.Dense, new ValueRange(0, 1)));
        Assert.Throws<ArgumentException>(() => ActivationFitter.Fit(model, new Models.Calibration(1, [new(0, 1), new(0, 1)])));
    }

    [Fact]
    public void A_degenerate_range_still_gets_an_interval()
    {
        (Activation a, ActivationFit fit) = ActivationFitter.FitOne(0, LayerKind.Sigmoid, new ValueRange(2, 2));
        Assert.True(fit.Covered.Width > 0);
        Assert.Equal(Activation.ExactValue(LayerKind.Sigmoid, 2), a.Apply(2), 3);
    }

    [Fact]
    public void Least_squares_on_d_plus_1_chebyshev_points_is_the_interpolant()
    {
        const int degree = 9;
        double[] points = [.. Enumerable.Range(0, degree + 1).Select(j => 3 * Math.Cos(Math.PI * (j + 0.5) / (degree + 1)))];
        double[] q = ChebyshevFit.LeastSquares(Math.Tanh, points, Enumerable.Repeat(1.0, degree + 1).ToArray(), degree, 3);
        double[] interpolant = ChebyshevFit.Interpolate(u => Math.Tanh(3 * u), degree);
        for (int i = 0; i <= 100; i++)
        {
            double t = -3 + 6 * i / 100.0;
            Assert.Equal(Horner(interpolant, t / 3), Horner(q, t), 10);
        }
    }

    private static double Horner(double[] c, double t) => c.Reverse().Aggregate(0.0, (y, k) => y * t + k);

    private static Activation Interpolant(LayerKind function, ValueRange range, int degree) => function switch
    {
        LayerKind.Relu => Activation.Relu(range.Min, range.Max, degree),
        LayerKind.Sigmoid => Activation.Sigmoid(range.Min, range.Max, degree),
        LayerKind.Tanh => Activation.Tanh(range.Min, range.Max, degree),
        _ => Activation.Gelu(range.Min, range.Max, degree),
    };

    private static double MaxError(Activation a, LayerKind function, double min, double max) =>
        Enumerable.Range(0, 2001).Select(i => min + (max - min) * i / 2000).Max(x => Math.Abs(a.Apply(x) - Activation.ExactValue(function, x)));
}
