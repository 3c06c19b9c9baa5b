using System.IO.Compression;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;
using Thestage.Models;

namespace Thestage.Benchmarks.Proofs;

/// <summary>
/// The models and inputs of the proof benchmarks: the 784-128-10 MLP, the small CNN of the Thestage.Proofs tests
/// (conv 1→4 5×5 → ReLU → avgpool 2×2 → dense 576→10) and LeNet-5 as zkCNN proves it, with deterministic Gaussian weights (proving cost does not
/// depend on the weight values), quantized on 28×28 images in [0, 1]: Fashion-MNIST test images when
/// <c>/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz</c> exists, otherwise synthetic images.
/// </summary>
public static class ProofWorkloads
{
    /// <summary>The Fashion-MNIST test images (IDX format, gzip), used when present.</summary>
    public const string FashionMnistImages = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";

    /// <summary>Gets 28×28 images with pixels in [0, 1]: Fashion-MNIST test images if available, otherwise synthetic ones.</summary>
    /// <param name="count">The number of images.</param>
    /// <param name="source">A description of where the images came from.</param>
    /// <returns>The images, row-major, 784 values each.</returns>
    public static List<double[]> Images(int count, out string source)
    {
        if (File.Exists(FashionMnistImages))
        {
            try
            {
                source = "Fashion-MNIST t10k images";
                return ReadIdxImages(FashionMnistImages, count);
            }
            catch (Exception e) when (e is IOException or InvalidDataException)
            {
                // fall through to synthetic images
            }
        }

        source = "synthetic 28x28 images";
        return SyntheticImages(count);
    }

    /// <summary>Builds the quantized, committed 784-128-10 MLP.</summary>
    /// <param name="calibration">The calibration images.</param>
    /// <param name="parameters">The Ligero parameters: <see cref="LigeroParameters.NonHidingForBenchmarks"/> for the plain rows, <see cref="LigeroParameters.DefaultHiding"/> (or with a budget) for hiding ones.</param>
    /// <returns>The committed model.</returns>
    public static CommittedModel Mlp(IReadOnlyList<double[]> calibration, LigeroParameters parameters) =>
        CommittedModel.Commit(Quantizer.Quantize(MlpSource(128), calibration), parameters);

    /// <summary>Builds the quantized, committed 784-<paramref name="hidden"/>-10 MLP (<c>thestage bench</c> varies the width).</summary>
    /// <param name="calibration">The calibration images.</param>
    /// <param name="hidden">The width of the hidden layer.</param>
    /// <param name="parameters">The Ligero parameters (see <see cref="Mlp(IReadOnlyList{double[]}, LigeroParameters)"/>).</param>
    /// <returns>The committed model.</returns>
    public static CommittedModel Mlp(IReadOnlyList<double[]> calibration, int hidden, LigeroParameters parameters) =>
        CommittedModel.Commit(Quantizer.Quantize(MlpSource(hidden), calibration), parameters);

    /// <summary>The 784-<paramref name="hidden"/>-10 ReLU MLP before quantization, with its deterministic Gaussian weights.</summary>
    /// <param name="hidden">The width of the hidden layer.</param>
    /// <returns>The model.</returns>
    public static Sequential MlpSource(int hidden)
    {
        var random = new Random(800);
        return new Sequential(
            Shape.Vector(784),
            [
                Dense.FromOutputMajor(784, hidden, Gaussian(random, 784 * hidden, 1.0 / Math.Sqrt(784)), Gaussian(random, hidden, 0.1)),
                Activation.Exact(LayerKind.Relu),
                Dense.FromOutputMajor(hidden, 10, Gaussian(random, hidden * 10, 1.0 / Math.Sqrt(hidden)), Gaussian(random, 10, 0.1)),
            ]);
    }

    /// <summary>Builds the quantized, committed CNN conv 1→4 5×5 → ReLU → avgpool 2×2 → flatten → dense 576→10 on 1×28×28.</summary>
    /// <param name="calibration">The calibration images.</param>
    /// <param name="parameters">The Ligero parameters (see <see cref="Mlp(IReadOnlyList{double[]}, LigeroParameters)"/>).</param>
    /// <returns>The committed model.</returns>
    public static CommittedModel Cnn(IReadOnlyList<double[]> calibration, LigeroParameters parameters) =>
        CommittedModel.Commit(Quantizer.Quantize(CnnSource(), calibration), parameters);

    /// <summary>The CNN of <see cref="Cnn(IReadOnlyList{double[]}, LigeroParameters)"/> before quantization, with its deterministic Gaussian weights.</summary>
    /// <returns>The model.</returns>
    public static Sequential CnnSource()
    {
        var random = new Random(810);
        return new Sequential(
            new Shape(1, 28, 28),
            [
                Conv2d.FromFlatKernels(1, 4, 5, 5, 1, 0, Gaussian(random, 100, 0.2), Gaussian(random, 4, 0.1)),
                Activation.Exact(LayerKind.Relu),
                new AvgPool2d(2),
                new Flatten(),
                Dense.FromOutputMajor(576, 10, Gaussian(random, 5760, 1.0 / 24), Gaussian(random, 10, 0.1)),
            ]);
    }

    /// <summary>
    /// Builds LeNet-5 as zkCNN proves it (TAMUCrypto/zkCNN, <c>src/models.cpp</c>, class <c>lenet</c>, 32×32 input, 61,706
    /// parameters): conv 1→6 5×5 → pool 2×2 → conv 6→16 5×5 → pool 2×2 → dense 400→120 → ReLU → dense 120→84 → ReLU →
    /// dense 84→10, Kaiming-normal weights; with max pooling, ReLU after each pooling (max and ReLU commute; zkCNN folds it
    /// into its max pooling), with average pooling ReLU before it. Quantized with calibrated activation ranges
    /// (the quantizer's shifts follow the calibrated ranges: worst-case ranges through five weighted layers would leave the outputs zero).
    /// </summary>
    /// <param name="calibration">The calibration images, 32×32 (see <see cref="Pad32"/>).</param>
    /// <param name="maxPooling">Max pooling (zkCNN's LeNet-5) or average pooling.</param>
    /// <param name="parameters">The commitment parameters (see <see cref="Mlp(IReadOnlyList{double[]}, LigeroParameters)"/>).</param>
    /// <returns>The committed model.</returns>
    public static CommittedModel LeNet5(IReadOnlyList<double[]> calibration, bool maxPooling, LigeroParameters parameters)
    {
        var random = new Random(820);
        var layers = new List<Layer>();
        foreach ((int inChannels, int outChannels) in new[] { (1, 6), (6, 16) })
        {
            int fanIn = inChannels * 25;
            layers.Add(Conv2d.FromFlatKernels(
                inChannels, outChannels, 5, 5, 1, 0, Gaussian(random, outChannels * fanIn, Math.Sqrt(2.0 / fanIn)), Gaussian(random, outChannels, 0.05)));
            layers.AddRange(maxPooling ? [new MaxPool2d(2), Activation.Exact(LayerKind.Relu)] : [Activation.Exact(LayerKind.Relu), new AvgPool2d(2)]);
        }

        layers.Add(new Flatten());
        int[] widths = [400, 120, 84, 10];
        for (int i = 0; i + 1 < widths.Length; i++)
        {
            layers.Add(Dense.FromOutputMajor(widths[i], widths[i + 1], Gaussian(random, widths[i] * widths[i + 1], Math.Sqrt(2.0 / widths[i])), Gaussian(random, widths[i + 1], 0.05)));
            if (i + 2 < widths.Length)
            {
                layers.Add(Activation.Exact(LayerKind.Relu));
            }
        }

        var source = new Sequential(new Shape(1, 32, 32), layers);
        return CommittedModel.Commit(Quantizer.Quantize(source, calibration, 8), parameters);
    }

    /// <summary>Pads 28×28 images to 32×32 with a two-pixel zero border (LeNet-5's input, as zkCNN's MNIST data).</summary>
    /// <param name="images">Row-major 28×28 images.</param>
    /// <returns>Row-major 32×32 images.</returns>
    public static List<double[]> Pad32(IEnumerable<double[]> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        return images.Select(image =>
        {
            var padded = new double[32 * 32];
            for (int y = 0; y < 28; y++)
            {
                image.AsSpan(y * 28, 28).CopyTo(padded.AsSpan(((y + 2) * 32) + 2, 28));
            }

            return padded;
        }).ToList();
    }

    /// <summary>Describes a serialized proof: total size and the sizes of its Ligero openings.</summary>
    /// <param name="proof">The proof.</param>
    /// <returns>A one-line description.</returns>
    public static string Describe(InferenceProof proof)
    {
        ArgumentNullException.ThrowIfNull(proof);
        int total = InferenceProofSerializer.Serialize(proof).Length;
        int witness = LigeroProofSerializer.Serialize(proof.AdviceOpening).Length;
        int[] weights = proof.WeightOpenings.Select(o => LigeroProofSerializer.Serialize(o).Length).ToArray();
        return $"proof {total} B ({total / 1024.0:F1} KiB): witness opening {witness} B ({proof.AdviceOpening.RowCount} rows opened), "
            + $"weight openings {string.Join(" + ", weights)} B, {proof.Sumchecks.Count} sumchecks, {proof.Values.Length} extension values, "
            + $"rest {total - witness - weights.Sum()} B";
    }

    /// <summary>Gaussian values with the given standard deviation (Box–Muller).</summary>
    /// <param name="random">The generator.</param>
    /// <param name="length">The number of values.</param>
    /// <param name="scale">The standard deviation.</param>
    /// <returns>The values.</returns>
    public static double[] Gaussian(Random random, int length, double scale)
    {
        ArgumentNullException.ThrowIfNull(random);
        var values = new double[length];
        for (int i = 0; i < length; i++)
        {
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
            values[i] = scale * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        }

        return values;
    }

    private static List<double[]> ReadIdxImages(string path, int count)
    {
        using var stream = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var reader = new BinaryReader(stream);
        byte[] header = reader.ReadBytes(16);
        int magic = (header[0] << 24) | (header[1] << 16) | (header[2] << 8) | header[3];
        int images = (header[4] << 24) | (header[5] << 16) | (header[6] << 8) | header[7];
        int rows = (header[8] << 24) | (header[9] << 16) | (header[10] << 8) | header[11];
        int cols = (header[12] << 24) | (header[13] << 16) | (header[14] << 8) | header[15];
        if (magic != 0x803 || rows != 28 || cols != 28 || images < count)
        {
            throw new InvalidDataException("Not a 28x28 IDX image file with enough images.");
        }

        var result = new List<double[]>(count);
        for (int i = 0; i < count; i++)
        {
            byte[] pixels = reader.ReadBytes(784);
            if (pixels.Length != 784)
            {
                throw new InvalidDataException("Truncated IDX image file.");
            }

            result.Add(Array.ConvertAll(pixels, p => p / 255.0));
        }

        return result;
    }

    // Blurred blobs on a dark background plus pixel noise, clamped to [0, 1]: roughly the statistics of a clothing image.
    private static List<double[]> SyntheticImages(int count)
    {
        var random = new Random(28);
        var result = new List<double[]>(count);
        for (int n = 0; n < count; n++)
        {
            var image = new double[784];
            double cy = 10 + (8 * random.NextDouble()), cx = 10 + (8 * random.NextDouble());
            double sy = 4 + (6 * random.NextDouble()), sx = 3 + (6 * random.NextDouble());
            for (int y = 0; y < 28; y++)
            {
                for (int x = 0; x < 28; x++)
                {
                    double blob = Math.Exp(-((y - cy) * (y - cy) / (2 * sy * sy)) - ((x - cx) * (x - cx) / (2 * sx * sx)));
                    image[(y * 28) + x] = Math.Clamp(blob + (0.05 * (random.NextDouble() - 0.5)), 0, 1);
                }
            }

            result.Add(image);
        }

        return result;
    }
}
