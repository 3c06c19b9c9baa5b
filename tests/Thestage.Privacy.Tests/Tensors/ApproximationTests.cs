using Thestage.Privacy.Tensors;
using Xunit.Abstractions;

namespace Thestage.Privacy.Tests.Tensors;

public sealed class ApproximationTests(ITestOutputHelper output)
{
    public static TheoryData<string, double, int, double> Cases => new()
    {
        // function, half-width of the interval, degree, the bound stated in Approximations' doc comment
        { "sigmoid", 8, 3, 1.16e-1 }, { "sigmoid", 8, 7, 2.96e-2 }, { "sigmoid", 8, 15, 1.38e-3 },
        { "tanh", 4, 3, 2.32e-1 }, { "tanh", 4, 7, 5.93e-2 }, { "tanh", 4, 15, 2.76e-3 },
        { "relu", 1, 3, 1.35e-1 }, { "relu", 1, 7, 6.37e-2 }, { "relu", 1, 15, 3.14e-2 },
        { "gelu", 4, 3, 4.25e-1 }, { "gelu", 4, 7, 5.22e-2 }, { "gelu", 4, 15, 2.40e-4 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Measured_error_matches_the_documented_bound(string name, double halfWidth, int degree, double documented)
    {
        (Func<double, double> f, Polynomial p) = name switch
        {
            "sigmoid" => ((Func<double, double>)Approximations.SigmoidFunction, Approximations.Sigmoid(-halfWidth, halfWidth, degree)),
            "tanh" => (Math.Tanh, Approximations.Tanh(-halfWidth, halfWidth, degree)),
            "relu" => (Approximations.ReluFunction, Approximations.Relu(-halfWidth, halfWidth, degree)),
            _ => (Approximations.GeluFunction, Approximations.Gelu(-halfWidth, halfWidth, degree)),
        };
        double error = p.MaxError(f, -halfWidth, halfWidth);
        output.WriteLine($"{name} [-{halfWidth}, {halfWidth}] degree {degree}: max error {error:E2}");
        Assert.InRange(error, documented * 0.99, documented * 1.01);
    }

    [Fact]
    public void Chebyshev_fit_reproduces_a_polynomial_of_its_degree()
    {
        var p = Polynomial.FitChebyshev(x => 1 - 2 * x + 0.5 * x * x * x, -3, 5, 3);
        Assert.Equal(new[] { 1.0, -2.0, 0.0, 0.5 }, p.Coefficients.ToArray(), (a, b) => Math.Abs(a - b) < 1e-9);
        Assert.Equal(2, p.Depth);
        Assert.Equal(0, new Polynomial([3.0, 0, 0]).Depth);
        Assert.Throws<ArgumentException>(() => new Polynomial([]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Polynomial.FitChebyshev(Math.Sin, 1, 1, 3));
    }
}
