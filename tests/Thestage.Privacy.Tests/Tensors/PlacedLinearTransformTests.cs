using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Thestage.Privacy.Tensors;

namespace Thestage.Privacy.Tests.Tensors;

/// <summary>Linear maps with their outputs placed in chosen slots (LinearTransform.PlaceOutputs and the placed constructor).</summary>
public sealed class PlacedLinearTransformTests(TensorFixture f) : IClassFixture<TensorFixture>
{
    private const int Side = 28, Kernel = 7, Stride = 3, Channels = 4, OutSide = 8;

    // TenSEAL's MNIST convolution: 4 kernels 7 × 7, stride 3, on a 28 × 28 image (row-major), no padding.
    private static double[,,,] Kernels(int seed)
    {
        var random = new Random(seed);
        var kernels = new double[Channels, 1, Kernel, Kernel];
        for (int o = 0; o < Channels; o++)
        {
            for (int y = 0; y < Kernel; y++)
            {
                for (int x = 0; x < Kernel; x++)
                {
                    kernels[o, 0, y, x] = random.NextDouble() - 0.5;
                }
            }
        }

        return kernels;
    }

    // The convolution computed directly, window by window: out[o, oy, ox] = Σ_(ky, kx) image[3·oy + ky, 3·ox + kx]·w[o, ky, kx].
    private static double NaiveConv(double[] image, double[,,,] kernels, int o, int oy, int ox)
    {
        double sum = 0;
        for (int ky = 0; ky < Kernel; ky++)
        {
            for (int kx = 0; kx < Kernel; kx++)
            {
                sum += image[(Stride * oy + ky) * Side + Stride * ox + kx] * kernels[o, 0, ky, kx];
            }
        }

        return sum;
    }

    [Fact]
    public void The_mnist_convolution_is_placed_at_its_windows_corners_with_seventy_diagonals_and_fifteen_rotations()
    {
        Func<int, int, double> entry = LinearTransform.Conv2dEntries(1, Side, Side, Kernels(1), Stride, 0);
        int[] slots = LinearTransform.PlaceOutputs(Side * Side, Channels * OutSide * OutSide, entry, 4096)!;

        int[] offset = [0, 1, 2, 28];
        for (int o = 0; o < Channels; o++)
        {
            for (int oy = 0; oy < OutSide; oy++)
            {
                for (int ox = 0; ox < OutSide; ox++)
                {
                    Assert.Equal(84 * oy + 3 * ox + offset[o], slots[(o * OutSide + oy) * OutSide + ox]);
                }
            }
        }

        IReadOnlyList<int> steps = LinearTransform.Steps(Side * Side, entry, slots, 4096);
        Assert.Equal(15, steps.Count);
        Assert.True(steps.Count < LinearTransform.Steps(Side * Side, 256, 4096).Count / 2);
        var transform = new LinearTransform(f.Tensors, Side * Side, entry, slots);
        Assert.Equal(70, transform.DiagonalCount);
        Assert.Equal(1024, transform.OutputLength);
        Assert.Equal(slots, transform.OutputSlots);
    }

    [Fact]
    public void The_placed_mnist_convolution_decrypts_to_the_naive_convolution_in_every_output_slot_and_zero_elsewhere()
    {
        double[,,,] kernels = Kernels(2);
        double[] image = TensorFixture.Random(3, Side * Side, 0, 1);
        Func<int, int, double> entry = LinearTransform.Conv2dEntries(1, Side, Side, kernels, Stride, 0);
        int[] slots = LinearTransform.PlaceOutputs(Side * Side, Channels * OutSide * OutSide, entry, f.Tensors.SlotCount)!;
        var transform = new LinearTransform(f.Tensors, Side * Side, entry, slots);
        var tensors = new TensorContext(f.Context, f.Tensors.Scale, f.KeyGenerator.CreateRelinKeys(), f.KeyGenerator.CreateGaloisKeys([.. transform.RotationSteps]));

        double[] y = transform.Apply(CkksVector.Encrypt(tensors, f.Encryptor, image)).Decrypt(f.Decryptor);

        Assert.Equal(1024, y.Length);
        var expected = new double[1024];
        for (int o = 0; o < Channels; o++)
        {
            for (int oy = 0; oy < OutSide; oy++)
            {
                for (int ox = 0; ox < OutSide; ox++)
                {
                    expected[slots[(o * OutSide + oy) * OutSide + ox]] = NaiveConv(image, kernels, o, oy, ox);
                }
            }
        }

        Assert.True(TensorFixture.MaxError(expected, y) < 1e-5, $"max error {TensorFixture.MaxError(expected, y):E2}");
    }

    // Any sparse map with any distinct slots: the product of the placed transform is x·M in the chosen slots, zero elsewhere.
    [Property(MaxTest = 6)]
    public Property A_sparse_map_with_any_placement_gives_the_product_in_the_chosen_slots(PositiveInt seed)
    {
        var random = new Random(seed.Get);
        int n = random.Next(1, 300), m = random.Next(1, 40);
        var matrix = new double[n, m];
        for (int j = 0; j < m; j++)
        {
            for (int t = 0; t < 3; t++)
            {
                matrix[random.Next(n), j] = random.NextDouble() * 2 - 1;
            }
        }

        int d = CkksVector.PeriodFor(n, f.Tensors.SlotCount);
        int[] slots = [.. Enumerable.Range(0, d).OrderBy(_ => random.Next()).Take(Math.Min(m, d))];
        m = slots.Length;
        double[] x = TensorFixture.Random(seed.Get, n);
        var transform = new LinearTransform(f.Tensors, n, (i, j) => matrix[i, j], slots);

        double[] y = transform.Apply(f.Encrypt(x)).Decrypt(f.Decryptor);

        var expected = new double[d];
        for (int j = 0; j < m; j++)
        {
            for (int i = 0; i < n; i++)
            {
                expected[slots[j]] += x[i] * matrix[i, j];
            }
        }

        return (TensorFixture.MaxError(expected, y) < 1e-5).ToProperty().Label($"n {n}, m {m}, error {TensorFixture.MaxError(expected, y):E2}");
    }

    [Fact]
    public void A_dense_map_is_not_placed()
    {
        Assert.Null(LinearTransform.PlaceOutputs(784, 128, (i, j) => 1.0 + i + j, 4096));
    }

    [Fact]
    public void Slots_used_twice_or_outside_the_period_are_refused()
    {
        Func<int, int, double> entry = (i, j) => i == j ? 1 : 0;
        Assert.Throws<ArgumentException>(() => new LinearTransform(f.Tensors, 100, entry, [3, 3]));
        Assert.Throws<ArgumentException>(() => new LinearTransform(f.Tensors, 100, entry, [0, 128]));
        Assert.Throws<ArgumentException>(() => new LinearTransform(f.Tensors, 100, entry, [-1]));
        Assert.Throws<ArgumentException>(() => LinearTransform.Steps(100, entry, [], 2048));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinearTransform(f.Tensors, 4096, entry, [0]));
    }
}
