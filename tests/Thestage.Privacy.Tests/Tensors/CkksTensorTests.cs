using System.Numerics.Tensors;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Thestage.Privacy.Tensors;

namespace Thestage.Privacy.Tests.Tensors;

/// <summary>Tensors with shapes and packings, convolution and pooling, against plain computations.</summary>
public sealed class CkksTensorTests(TensorFixture f) : IClassFixture<TensorFixture>
{
    [Property(MaxTest = 6)]
    public Property Both_packings_round_trip_and_compute_elementwise(PositiveInt seed, bool batch)
    {
        var random = new Random(seed.Get);
        int[] shape = [1 + random.Next(40), 1 + random.Next(5), 1 + random.Next(4)];
        int count = shape[0] * shape[1] * shape[2];
        double[] x = TensorFixture.Random(seed.Get, count), y = TensorFixture.Random(seed.Get + 1, count);
        TensorPacking packing = batch ? TensorPacking.Batch : TensorPacking.RowMajor;
        Tensor<double> tx = Tensor.Create(x, [shape[0], shape[1], shape[2]]);
        Tensor<double> ty = Tensor.Create(y, [shape[0], shape[1], shape[2]]);
        CkksTensor a = CkksTensor.Encrypt(f.Tensors, f.Encryptor, tx, packing);
        CkksTensor b = CkksTensor.Encrypt(f.Tensors, f.Encryptor, ty, packing);
        bool roundTrip = Close(x, a.Decrypt(f.Decryptor)) && a.Decrypt(f.Decryptor).Lengths.SequenceEqual(tx.Lengths);
        bool ops = Close(x.Zip(y, (p, q) => p + q), a.Add(b).Decrypt(f.Decryptor))
            && Close(x.Zip(y, (p, q) => p - q), a.Sub(b).Decrypt(f.Decryptor))
            && Close(x.Zip(y, (p, q) => p * q), a.Multiply(b).Decrypt(f.Decryptor))
            && Close(x.Zip(y, (p, q) => p * q), a.Multiply(ty).Decrypt(f.Decryptor))
            && Close(x.Zip(y, (p, q) => p + q), a.Add(ty).Decrypt(f.Decryptor))
            && Close(x.Select(p => 2 * p + 1), a.Multiply(2).Add(1).Decrypt(f.Decryptor))
            && Close(x.Select(p => p * p * p), a.Power(3).Decrypt(f.Decryptor))
            && Close(x.Select(p => -p), a.Negate().Decrypt(f.Decryptor));
        return (roundTrip && ops && (batch ? a.CiphertextCount == count / shape[0] : a.CiphertextCount == 1)).ToProperty();
    }

    [Theory]
    [InlineData(false, 0)]
    [InlineData(false, 1)]
    [InlineData(false, 2)]
    [InlineData(true, 0)]
    [InlineData(true, 1)]
    [InlineData(true, 2)]
    public void Axis_sums_match_plain(bool batch, int axis)
    {
        int[] shape = [6, 3, 5];
        double[] x = TensorFixture.Random(axis + (batch ? 10 : 0), 90);
        CkksTensor a = CkksTensor.Encrypt(f.Tensors, f.Encryptor, x, shape, batch ? TensorPacking.Batch : TensorPacking.RowMajor).Add(0.25);
        double[] expected = PlainAxisSum(x.Select(v => v + 0.25).ToArray(), shape, axis);
        Tensor<double> sum = a.Sum(axis).Decrypt(f.Decryptor);
        Assert.True(Close(expected, sum), $"axis {axis}");
        Assert.Equal(shape.Where((_, i) => i != axis).Select(d => (nint)d).ToArray(), sum.Lengths.ToArray());
        Assert.Equal(x.Sum() + 90 * 0.25, a.Sum().DecryptFlat(f.Decryptor)[0], 4);
    }

    [Property(MaxTest = 6)]
    public Property Convolution_matches_a_direct_loop(PositiveInt seed)
    {
        var random = new Random(seed.Get);
        int c = 1 + random.Next(2), h = 5 + random.Next(6), w = 5 + random.Next(6), k = 1 + random.Next(3), outC = 1 + random.Next(3);
        int stride = 1 + random.Next(2), pad = random.Next(2);
        double[] image = TensorFixture.Random(seed.Get, c * h * w);
        var kernels = new double[outC, c, k, k];
        for (int o = 0; o < outC; o++)
        {
            for (int i = 0; i < c; i++)
            {
                for (int y = 0; y < k; y++)
                {
                    for (int x = 0; x < k; x++)
                    {
                        kernels[o, i, y, x] = random.NextDouble() - 0.5;
                    }
                }
            }
        }

        var conv = LinearTransform.Conv2d(f.Tensors, c, h, w, kernels, stride, pad);
        int oh = LinearTransform.OutputSize(h, k, stride, pad), ow = LinearTransform.OutputSize(w, k, stride, pad);
        CkksTensor input = CkksTensor.Encrypt(f.Tensors, f.Encryptor, image, [c, h, w]);
        double[] actual = input.Apply(conv, [outC, oh, ow]).DecryptFlat(f.Decryptor);
        double[] expected = PlainConv(image, c, h, w, kernels, stride, pad, oh, ow);
        return (TensorFixture.MaxError(expected, actual) < 1e-5).ToProperty();
    }

    [Theory]
    [InlineData(16, 5, 2, 0)]
    [InlineData(10, 3, 1, 1)]
    [InlineData(9, 4, 2, 0)]
    public void Im2col_convolution_matches_the_linear_map_and_a_direct_loop(int size, int k, int stride, int pad)
    {
        double[] image = TensorFixture.Random(size + k, size * size);
        var kernels = new double[1, 1, k, k];
        var kernel = new double[k, k];
        var random = new Random(k);
        for (int y = 0; y < k; y++)
        {
            for (int x = 0; x < k; x++)
            {
                kernel[y, x] = kernels[0, 0, y, x] = random.NextDouble() - 0.5;
            }
        }

        int o = LinearTransform.OutputSize(size, k, stride, pad);
        double[] expected = PlainConv(image, 1, size, size, kernels, stride, pad, o, o).Select(v => v + 0.125).ToArray();
        var encoded = Im2ColImage.Encrypt(f.Tensors, f.Encryptor, image, size, size, k, stride, pad);
        Assert.Equal(o * o, encoded.WindowCount);
        double[] viaIm2col = encoded.Conv2d(kernel, bias: 0.125).Decrypt(f.Decryptor);
        Assert.True(TensorFixture.MaxError(expected, viaIm2col) < 1e-5);
        var linear = LinearTransform.Conv2d(f.Tensors, 1, size, size, kernels, stride, pad);
        double[] viaLinear = linear.Apply(f.Encrypt(image)).Add(0.125).Decrypt(f.Decryptor);
        Assert.True(TensorFixture.MaxError(expected, viaLinear) < 1e-5);
        Assert.Throws<ArgumentException>(() => encoded.Conv2d(new double[k + 1, k + 1]));
        // 28 × 28 with 7 × 7 stride 3 needs 64 × 64 = 4096 slots; N = 4096 gives 2048.
        Assert.Contains("needs 64 × 64 = 4096 slots", Assert.Throws<ArgumentException>(() => Im2ColImage.Encrypt(f.Tensors, f.Encryptor, new double[784], 28, 28, 7, 3)).Message);
    }

    [Fact]
    public void Average_pooling_and_batched_matrix_products_match_plain()
    {
        double[] image = TensorFixture.Random(3, 2 * 8 * 8);
        var pool = LinearTransform.AvgPool2d(f.Tensors, 2, 8, 8, 2);
        double[] pooled = CkksTensor.Encrypt(f.Tensors, f.Encryptor, image, [2, 8, 8]).Apply(pool, [2, 4, 4]).DecryptFlat(f.Decryptor);
        var expected = new double[32];
        for (int ch = 0; ch < 2; ch++)
        {
            for (int y = 0; y < 4; y++)
            {
                for (int x = 0; x < 4; x++)
                {
                    expected[ch * 16 + y * 4 + x] = (image[ch * 64 + 2 * y * 8 + 2 * x] + image[ch * 64 + 2 * y * 8 + 2 * x + 1] + image[ch * 64 + (2 * y + 1) * 8 + 2 * x] + image[ch * 64 + (2 * y + 1) * 8 + 2 * x + 1]) / 4;
                }
            }
        }

        Assert.True(TensorFixture.MaxError(expected, pooled) < 1e-6);

        // Batch of 100 samples × 12 features times a 12 × 5 matrix: no rotations.
        double[] batch = TensorFixture.Random(4, 1200);
        var w = new double[12, 5];
        var random = new Random(5);
        for (int i = 0; i < 12; i++)
        {
            for (int j = 0; j < 5; j++)
            {
                w[i, j] = random.NextDouble() - 0.5;
            }
        }

        double[] product = CkksTensor.Encrypt(f.Tensors, f.Encryptor, batch, [100, 12], TensorPacking.Batch).MatMul(w).DecryptFlat(f.Decryptor);
        var plain = new double[500];
        for (int s = 0; s < 100; s++)
        {
            for (int j = 0; j < 5; j++)
            {
                for (int i = 0; i < 12; i++)
                {
                    plain[s * 5 + j] += batch[s * 12 + i] * w[i, j];
                }
            }
        }

        Assert.True(TensorFixture.MaxError(plain, product) < 1e-6);
    }

    [Fact]
    public void Reshape_and_flatten_keep_the_data_and_bad_shapes_are_refused()
    {
        double[] x = TensorFixture.Random(6, 24);
        CkksTensor a = CkksTensor.Encrypt(f.Tensors, f.Encryptor, x, [2, 3, 4]);
        Assert.Equal([24], a.Flatten().Shape);
        Assert.True(Close(x, a.Reshape([4, 6]).Decrypt(f.Decryptor)));
        Assert.Throws<ArgumentException>(() => a.Reshape([5, 5]));
        Assert.Throws<ArgumentException>(() => CkksTensor.Encrypt(f.Tensors, f.Encryptor, x, [5, 5]));
        CkksTensor b = CkksTensor.Encrypt(f.Tensors, f.Encryptor, x, [2, 3, 4], TensorPacking.Batch);
        Assert.Equal([2, 12], b.Flatten().Shape);
        Assert.Throws<ArgumentException>(() => b.Reshape([4, 6]));
        Assert.Throws<ArgumentException>(() => a.Add(b));
        Assert.Throws<InvalidOperationException>(() => b.AsVector());
        Assert.Throws<ArgumentException>(() => CkksTensor.Encrypt(f.Tensors, f.Encryptor, new double[4096 * 2], [4096, 2], TensorPacking.Batch));
    }

    private static bool Close(IEnumerable<double> expected, Tensor<double> actual)
    {
        var flat = new double[actual.FlattenedLength];
        actual.FlattenTo(flat);
        return TensorFixture.MaxError(expected.ToArray(), flat) < 1e-5;
    }

    private static double[] PlainAxisSum(double[] x, int[] shape, int axis)
    {
        int inner = shape.Skip(axis + 1).Aggregate(1, (p, d) => p * d), size = shape[axis];
        var result = new double[x.Length / size];
        for (int i = 0; i < x.Length; i++)
        {
            int outer = i / (inner * size), rest = i % inner;
            result[outer * inner + rest] += x[i];
        }

        return result;
    }

    private static double[] PlainConv(double[] image, int c, int h, int w, double[,,,] kernels, int stride, int pad, int oh, int ow)
    {
        int outC = kernels.GetLength(0), k = kernels.GetLength(2);
        var result = new double[outC * oh * ow];
        for (int o = 0; o < outC; o++)
        {
            for (int y = 0; y < oh; y++)
            {
                for (int x = 0; x < ow; x++)
                {
                    double sum = 0;
                    for (int i = 0; i < c; i++)
                    {
                        for (int ky = 0; ky < k; ky++)
                        {
                            for (int kx = 0; kx < k; kx++)
                            {
                                int iy = y * stride - pad + ky, ix = x * stride - pad + kx;
                                if (iy >= 0 && iy < h && ix >= 0 && ix < w)
                                {
                                    sum += image[i * h * w + iy * w + ix] * kernels[o, i, ky, kx];
                                }
                            }
                        }
                    }

                    result[o * oh * ow + y * ow + x] = sum;
                }
            }
        }

        return result;
    }
}
