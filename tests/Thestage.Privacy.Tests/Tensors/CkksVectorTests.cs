using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Thestage.Privacy.Tensors;

namespace Thestage.Privacy.Tests.Tensors;

/// <summary>Every vector operation against the same computation on doubles; lengths include vectors longer than one ciphertext (2048 slots).</summary>
public sealed class CkksVectorTests(TensorFixture f) : IClassFixture<TensorFixture>
{
    private const double Tolerance = 1e-6;

    private static int LengthFrom(PositiveInt seed) => 1 + (int)((uint)(seed.Get * 2654435761u) % 5000u);

    [Property(MaxTest = 6)]
    public Property Encrypt_decrypt_round_trips(PositiveInt seed)
    {
        double[] x = TensorFixture.Random(seed.Get, LengthFrom(seed));
        CkksVector v = f.Encrypt(x);
        return (TensorFixture.MaxError(x, v.Decrypt(f.Decryptor)) < Tolerance && v.CiphertextCount == (x.Length + 2047) / 2048).ToProperty();
    }

    [Property(MaxTest = 5)]
    public Property Elementwise_operations_match_plain(PositiveInt seed)
    {
        int n = LengthFrom(seed);
        double[] x = TensorFixture.Random(seed.Get, n), y = TensorFixture.Random(seed.Get + 1, n);
        CkksVector a = f.Encrypt(x), b = f.Encrypt(y);
        bool ok = Close(x.Zip(y, (p, q) => p + q), a.Add(b))
            && Close(x.Zip(y, (p, q) => p - q), a.Sub(b))
            && Close(x.Zip(y, (p, q) => p * q), a.Multiply(b))
            && Close(x.Select(p => -p), a.Negate())
            && Close(x.Select(p => p * p), a.Square())
            && Close(x.Zip(y, (p, q) => p + q), a.Add(y))
            && Close(x.Zip(y, (p, q) => p - q), a.Sub(y))
            && Close(x.Zip(y, (p, q) => p * q), a.Multiply(y))
            && Close(x.Select(p => p + 0.5), a.Add(0.5))
            && Close(x.Select(p => -1.5 * p), a.Multiply(-1.5));
        return ok.ToProperty();
    }

    [Property(MaxTest = 5)]
    public Property Sum_and_dot_products_match_plain(PositiveInt seed)
    {
        int n = LengthFrom(seed);
        double[] x = TensorFixture.Random(seed.Get, n), y = TensorFixture.Random(seed.Get + 2, n);
        CkksVector a = f.Encrypt(x), b = f.Encrypt(y);
        double dot = x.Zip(y, (p, q) => p * q).Sum();
        bool ok = Math.Abs(a.Sum().Decrypt(f.Decryptor)[0] - x.Sum()) < 1e-4
            && Math.Abs(a.Dot(y).Decrypt(f.Decryptor)[0] - dot) < 1e-4
            && Math.Abs(a.Dot(b).Decrypt(f.Decryptor)[0] - dot) < 1e-4
            // Adding a constant fills the padding; the sum must still count only the n values.
            && Math.Abs(a.Add(1.0).Sum().Decrypt(f.Decryptor)[0] - (x.Sum() + n)) < 1e-4;
        return ok.ToProperty();
    }

    [Property(MaxTest = 8)]
    public Property Matrix_products_match_plain(PositiveInt seed, PositiveInt outputs)
    {
        int n = 1 + seed.Get % 3000, m = 1 + outputs.Get % 300;
        double[] x = TensorFixture.Random(seed.Get, n);
        var random = new Random(seed.Get + m);
        var matrix = new double[n, m];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < m; j++)
            {
                matrix[i, j] = (random.NextDouble() * 2 - 1) / Math.Sqrt(n);
            }
        }

        var expected = new double[m];
        for (int j = 0; j < m; j++)
        {
            for (int i = 0; i < n; i++)
            {
                expected[j] += x[i] * matrix[i, j];
            }
        }

        CkksVector y = f.Encrypt(x).MatMul(matrix);
        var transposed = new double[m, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < m; j++)
            {
                transposed[j, i] = matrix[i, j];
            }
        }

        CkksVector z = f.Encrypt(x).MatMulLeft(transposed);
        return (TensorFixture.MaxError(expected, y.Decrypt(f.Decryptor)) < 1e-5 && TensorFixture.MaxError(expected, z.Decrypt(f.Decryptor)) < 1e-5
            && y.Level == f.Context.MaxLevel - 1).ToProperty();
    }

    [Fact]
    public void Matrix_product_output_feeds_the_next_layer()
    {
        // Two layers: the output's replication period must be what the next product expects.
        double[] x = TensorFixture.Random(5, 100);
        double[,] w1 = RandomMatrix(6, 100, 30), w2 = RandomMatrix(7, 30, 10);
        double[] h = Multiply(x, w1), y = Multiply(h, w2);
        CkksVector result = f.Encrypt(x).MatMul(w1).Square().MatMul(w2);
        Assert.True(TensorFixture.MaxError(Multiply(h.Select(v => v * v).ToArray(), w2), result.Decrypt(f.Decryptor)) < 1e-5);
        Assert.Equal(f.Context.MaxLevel - 3, result.Level);
        _ = y;
    }

    [Fact]
    public void Powers_and_polynomials_use_the_stated_depth()
    {
        double[] x = TensorFixture.Random(9, 700);
        CkksVector v = f.Encrypt(x);
        for (int k = 1; k <= 9; k++)
        {
            CkksVector p = v.Power(k);
            Assert.True(TensorFixture.MaxError(x.Select(a => Math.Pow(a, k)).ToArray(), p.Decrypt(f.Decryptor)) < Tolerance, $"power {k}");
            Assert.Equal(f.Context.MaxLevel - (k == 1 ? 0 : (int)Math.Ceiling(Math.Log2(k))), p.Level);
        }

        foreach (int degree in new[] { 1, 2, 3, 4, 5, 7, 8, 11, 15 })
        {
            var coefficients = TensorFixture.Random(degree, degree + 1);
            var polynomial = new Polynomial(coefficients);
            CkksVector p = v.Polynomial(polynomial);
            Assert.True(TensorFixture.MaxError(x.Select(polynomial.Evaluate).ToArray(), p.Decrypt(f.Decryptor)) < 1e-5, $"degree {degree}");
            Assert.Equal(f.Context.MaxLevel - polynomial.Depth, p.Level);
        }

        Polynomial sigmoid = Approximations.Sigmoid(-8, 8, 7);
        double[] wide = TensorFixture.Random(10, 300, -8, 8);
        double[] approx = f.Encrypt(wide).Polynomial(sigmoid).Decrypt(f.Decryptor);
        // Inputs up to 8 make x^4 reach 4096: the CKKS error grows with the intermediate magnitudes (measured 2.7e-4
        // here, against 1e-7 for inputs in [−1, 1]); see Approximations' remarks.
        double error = TensorFixture.MaxError(wide.Select(sigmoid.Evaluate).ToArray(), approx);
        Assert.True(error < 1e-3, $"sigmoid error {error}");
        Polynomial scaled = Polynomial.FitChebyshev(t => Approximations.SigmoidFunction(8 * t), -1, 1, 7);
        double[] viaUnit = f.Encrypt(wide).Multiply(1 / 8.0).Polynomial(scaled).Decrypt(f.Decryptor);
        double unitError = TensorFixture.MaxError(wide.Select(v => scaled.Evaluate(v / 8)).ToArray(), viaUnit);
        Assert.True(unitError < 1e-5, $"unit-interval sigmoid error {unitError}");
    }

    [Fact]
    public void A_polynomial_keeps_the_scale_of_its_input_so_chained_polynomials_do_not_drift()
    {
        double[] x = TensorFixture.Random(12, 500, -1, 1);
        CkksVector v = f.Encrypt(x);
        var square = new Polynomial([0.1, 0.2, 0.6]);
        var cube = new Polynomial([0, 0.5, 0, 0.4]);
        CkksVector once = v.Polynomial(square), twice = once.Polynomial(cube);

        // Without the target-scale recursion the scale of x^(2^i) drifts by (Δ/q)^(2^i) with primes below the scale.
        Assert.All(once.Ciphertexts.Concat(twice.Ciphertexts), c => Assert.Equal(v.Ciphertexts[0].Scale, c.Scale));
        double[] expected = x.Select(a => cube.Evaluate(square.Evaluate(a))).ToArray();
        Assert.True(TensorFixture.MaxError(expected, twice.Decrypt(f.Decryptor)) < 1e-5);
    }

    [Fact]
    public void Operands_at_different_levels_and_scales_are_aligned_exactly()
    {
        double[] x = TensorFixture.Random(11, 64);
        CkksVector v = f.Encrypt(x);
        CkksVector cube = v.Multiply(v.Square());     // level L − 2
        CkksVector sum = cube.Add(v).Sub(v.Square()); // v at L, v² at L − 1: both brought down to L − 2
        double[] expected = x.Select(a => a * a * a + a - a * a).ToArray();
        Assert.True(TensorFixture.MaxError(expected, sum.Decrypt(f.Decryptor)) < Tolerance);
        Assert.Equal(f.Context.MaxLevel - 2, sum.Level);
    }

    [Fact]
    public void An_exhausted_chain_names_the_needed_and_available_depth()
    {
        CkksVector v = f.Encrypt([0.5, 0.25]);
        CkksVector low = v.Power(32);                 // five squarings: level L − 5 = 1
        var e = Assert.Throws<DepthExhaustedException>(() => low.Polynomial(new Polynomial(new double[16] { 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 })));
        Assert.Equal("A degree-15 polynomial needs depth 4, the parameters give 1 at this point of the modulus chain. Choose parameters with more primes (or fewer multiplications before this step).", e.Message);
        Assert.Throws<ArgumentException>(() => v.Add(f.Encrypt([1.0])));
        Assert.Throws<ArgumentException>(() => v.MatMul(new double[3, 2]));
    }

    [Fact]
    public void A_rotation_plan_gives_exactly_the_keys_the_operations_need()
    {
        var plan = new RotationPlan(f.Context.SlotCount).AddMatMul(300, 20).AddSum(20);
        var keys = f.KeyGenerator.CreateGaloisKeys(plan.Steps);
        var tensors = new TensorContext(f.Context, Math.Pow(2, 40), f.Tensors.RelinKeys, keys);
        double[] x = TensorFixture.Random(12, 300);
        double[,] w = RandomMatrix(13, 300, 20);
        double total = Multiply(x, w).Sum();
        CkksVector result = CkksVector.Encrypt(tensors, f.Encryptor, x).MatMul(w).Sum();
        Assert.True(Math.Abs(total - result.Decrypt(f.Decryptor)[0]) < 1e-5);
        Assert.Equal(keys.Count, plan.Count);
        var none = new TensorContext(f.Context, Math.Pow(2, 40), f.Tensors.RelinKeys);
        Assert.Throws<InvalidOperationException>(() => CkksVector.Encrypt(none, f.Encryptor, x).Sum());
    }

    private bool Close(IEnumerable<double> expected, CkksVector actual) => TensorFixture.MaxError(expected.ToArray(), actual.Decrypt(f.Decryptor)) < Tolerance;

    private static double[,] RandomMatrix(int seed, int rows, int cols)
    {
        var random = new Random(seed);
        var m = new double[rows, cols];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                m[i, j] = (random.NextDouble() * 2 - 1) / Math.Sqrt(rows);
            }
        }

        return m;
    }

    private static double[] Multiply(double[] x, double[,] w)
    {
        var y = new double[w.GetLength(1)];
        for (int j = 0; j < y.Length; j++)
        {
            for (int i = 0; i < x.Length; i++)
            {
                y[j] += x[i] * w[i, j];
            }
        }

        return y;
    }
}
