using Thestage.Privacy.Ckks;
using Thestage.Privacy.Rlwe;

namespace Thestage.Privacy.Tests.Ckks;

/// <summary>
/// The fused sums of products (<c>MultiplyPlainSum</c>, <c>MultiplyConstantMatrix</c>) against the operations they replace,
/// word for word: each product by <see cref="Evaluator.MultiplyPlain(Ciphertext, Plaintext)"/> added up with
/// <see cref="Evaluator.Add"/>, the constants encoded by <see cref="CkksEncoder.Encode(double, double, int)"/>; and the
/// decryptions against the same sums in plain doubles. Term counts cross the kernel's blocks of seven, the matrix the
/// tiles of coefficients; a chain of primes below 2^32 runs the one-word kernel.
/// </summary>
public sealed class AccumulateTests(CkksFixture f) : IClassFixture<CkksFixture>
{
    private const int Slots = 4096;

    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 2)]
    [InlineData(7, 2)]
    [InlineData(8, 2)]
    [InlineData(15, 1)]
    [InlineData(3, 0)]
    public void Sum_of_plain_products_matches_MultiplyPlain_then_Add_and_the_plain_sum(int count, int level)
    {
        Evaluator e = f.Evaluator;
        // At level 0 (one 60-bit prime) the product's scale must stay below 2^59: weights at 2^18 there.
        double weightScale = level == 0 ? 1 << 18 : CkksFixture.Scale;
        var values = new double[count][];
        var weights = new double[count][];
        var a = new Ciphertext[count];
        var p = new Plaintext[count];
        for (int k = 0; k < count; k++)
        {
            values[k] = CkksFixture.RandomValues(100 + k, Slots);
            weights[k] = CkksFixture.RandomValues(200 + k, Slots);
            a[k] = f.Encrypt(values[k]);
            while (a[k].Level > level)
            {
                e.ModSwitchToNextInplace(a[k]); // below the top: room to spare in the buffer, read at the level's stride
            }

            p[k] = f.Encoder.Encode(weights[k], k % 2 == 0 ? weightScale : weightScale / 2, level);
        }

        // The plaintexts' scales differ, so the products' scales do too: the sum must reject that; one scale for all.
        if (count > 1)
        {
            Assert.Throws<ArgumentException>(() => e.MultiplyPlainSum(a, p));
        }

        for (int k = 0; k < count; k++)
        {
            p[k] = f.Encoder.Encode(weights[k], weightScale, level);
        }

        Ciphertext expected = e.MultiplyPlain(a[0], p[0]);
        for (int k = 1; k < count; k++)
        {
            expected = e.Add(expected, e.MultiplyPlain(a[k], p[k]));
        }

        Ciphertext actual = e.MultiplyPlainSum(a, p);
        AssertSame(expected, actual);

        var plain = new double[Slots];
        for (int k = 0; k < count; k++)
        {
            for (int s = 0; s < Slots; s++)
            {
                plain[s] += values[k][s] * weights[k][s];
            }
        }

        Assert.True(CkksFixture.MaxError(plain, f.Decrypt(actual)) < Math.Max(1e-5, 256 / weightScale) * count);
    }

    [Fact]
    public void Constant_matrix_product_matches_MultiplyPlain_by_encoded_constants_then_Add_and_the_plain_product()
    {
        Evaluator e = f.Evaluator;
        const int inputs = 9, outputs = 5;
        double constantScale = 1L << 30;
        var random = new Random(7);
        var matrix = new double[inputs, outputs];
        for (int i = 0; i < inputs; i++)
        {
            for (int j = 0; j < outputs; j++)
            {
                matrix[i, j] = random.NextDouble() * 4 - 2;
            }
        }

        for (int i = 0; i < inputs; i++)
        {
            matrix[i, 1] = 0; // an output with no weight: zero
            matrix[i, 3] = i == 4 ? -1.5 : 1e-12; // one weight, the rest rounding to zero
        }

        double[][] values = Enumerable.Range(0, inputs).Select(i => CkksFixture.RandomValues(300 + i, Slots)).ToArray();
        Ciphertext[] x = values.Select(f.Encrypt).ToArray();
        Ciphertext[] actual = e.MultiplyConstantMatrix(x, matrix, constantScale);
        Assert.Equal(outputs, actual.Length);
        for (int j = 0; j < outputs; j++)
        {
            Ciphertext expected = e.MultiplyPlain(x[0], f.Encoder.Encode(matrix[0, j], constantScale, x[0].Level));
            for (int i = 1; i < inputs; i++)
            {
                expected = e.Add(expected, e.MultiplyPlain(x[i], f.Encoder.Encode(matrix[i, j], constantScale, x[i].Level)));
            }

            AssertSame(expected, actual[j]);
            var plain = new double[Slots];
            for (int i = 0; i < inputs; i++)
            {
                for (int s = 0; s < Slots; s++)
                {
                    plain[s] += values[i][s] * matrix[i, j];
                }
            }

            Assert.True(CkksFixture.MaxError(plain, f.Decrypt(actual[j])) < 1e-5, $"output {j}");
        }

        Assert.All(actual[1].Data, w => Assert.Equal(0UL, w));
    }

    [Fact]
    public void Primes_below_2_pow_32_give_the_words_of_MultiplyPlain_then_Add()
    {
        var context = new CkksContext(new CkksParameters(8192, [31, 26, 26, 31]));
        var keys = new KeyGenerator(context);
        var encoder = new CkksEncoder(context);
        var encryptor = new Encryptor(context, keys.CreatePublicKey());
        var e = new Evaluator(context);
        double scale = 1L << 20;
        const int count = 12;
        Ciphertext[] a = Enumerable.Range(0, count).Select(k => encryptor.Encrypt(encoder.Encode(CkksFixture.RandomValues(400 + k, Slots), scale))).ToArray();
        Plaintext[] p = Enumerable.Range(0, count).Select(k => encoder.Encode(CkksFixture.RandomValues(500 + k, Slots), scale)).ToArray();
        Ciphertext expected = e.MultiplyPlain(a[0], p[0]);
        for (int k = 1; k < count; k++)
        {
            expected = e.Add(expected, e.MultiplyPlain(a[k], p[k]));
        }

        AssertSame(expected, e.MultiplyPlainSum(a, p));

        var matrix = new double[count, 2];
        for (int k = 0; k < count; k++)
        {
            (matrix[k, 0], matrix[k, 1]) = (k - 5.5, 0.25 * k);
        }

        Ciphertext[] products = e.MultiplyConstantMatrix(a, matrix, 1 << 10);
        for (int j = 0; j < 2; j++)
        {
            Ciphertext column = e.MultiplyPlain(a[0], encoder.Encode(matrix[0, j], 1 << 10, a[0].Level));
            for (int k = 1; k < count; k++)
            {
                column = e.Add(column, e.MultiplyPlain(a[k], encoder.Encode(matrix[k, j], 1 << 10, a[k].Level)));
            }

            AssertSame(column, products[j]);
        }
    }

    [Fact]
    public void Operands_that_do_not_fit_together_are_rejected()
    {
        Evaluator e = f.Evaluator;
        Ciphertext x = f.Encrypt(CkksFixture.RandomValues(600, 8));
        Ciphertext low = e.ModSwitchToNext(x);
        Plaintext p = f.Encoder.Encode(CkksFixture.RandomValues(601, 8), CkksFixture.Scale);
        Assert.Throws<ArgumentException>(() => e.MultiplyPlainSum([], []));
        Assert.Throws<ArgumentException>(() => e.MultiplyPlainSum([x, x], [p]));
        Assert.Throws<ArgumentException>(() => e.MultiplyPlainSum([x, low], [p, p]));
        Assert.Throws<ArgumentException>(() => e.MultiplyPlainSum([x], [f.Encoder.Encode(1.0, CkksFixture.Scale, 1)]));
        Assert.Throws<ArgumentException>(() => e.MultiplyPlainSum([e.Square(x)], [p]));
        Assert.Throws<ArgumentNullException>(() => e.MultiplyPlainSum([x, null!], [p, p]));

        Assert.Throws<ArgumentException>(() => e.MultiplyConstantMatrix([x, x], new double[3, 2], 1 << 20));
        Assert.Throws<ArgumentException>(() => e.MultiplyConstantMatrix([], new double[0, 2], 1 << 20));
        Assert.Throws<ArgumentException>(() => e.MultiplyConstantMatrix([x, low], new double[2, 2], 1 << 20));
        Assert.Throws<ArgumentException>(() => e.MultiplyConstantMatrix([x, e.Square(x)], new double[2, 2], 1 << 20));
        Assert.Throws<ArgumentException>(() => e.MultiplyConstantMatrix([x], new double[,] { { 1e30 } }, 1 << 20));
        Assert.Throws<ArgumentException>(() => e.MultiplyConstantMatrix([x], new double[,] { { double.NaN } }, 1 << 20));
        Assert.Throws<ArgumentException>(() => e.MultiplyConstantMatrix([e.ModSwitchTo(x, 0)], new double[,] { { 1 } }, 1L << 59));
    }

    private static void AssertSame(Ciphertext expected, Ciphertext actual)
    {
        Assert.Equal(expected.Size, actual.Size);
        Assert.Equal(expected.Level, actual.Level);
        Assert.Equal(expected.Scale, actual.Scale);
        Assert.True(expected.Data.AsSpan(0, expected.Length).SequenceEqual(actual.Data.AsSpan(0, actual.Length)), "the words differ");
    }
}
