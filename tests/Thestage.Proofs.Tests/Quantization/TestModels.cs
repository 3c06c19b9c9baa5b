using Thestage.Proofs.Quantization;
using Thestage.Models;

namespace Thestage.Proofs.Tests.Quantization;

/// <summary>Deterministic random models and inputs for tests.</summary>
internal static class TestModels
{
    public static double[] Gaussian(Random random, int length, double scale)
    {
        var values = new double[length];
        for (int i = 0; i < length; i++)
        {
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
            values[i] = scale * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        }

        return values;
    }

    public static Sequential Mlp(Random random, params int[] widths)
    {
        var layers = new List<Layer>();
        for (int i = 0; i + 1 < widths.Length; i++)
        {
            int fanIn = widths[i], fanOut = widths[i + 1];
            layers.Add(Dense.FromOutputMajor(fanIn, fanOut, Gaussian(random, fanIn * fanOut, 1.0 / Math.Sqrt(fanIn)), Gaussian(random, fanOut, 0.1)));
            if (i + 2 < widths.Length)
            {
                layers.Add(Activation.Exact(LayerKind.Relu));
            }
        }

        return new Sequential(Shape.Vector(widths[0]), layers);
    }

    /// <summary>Conv2d(stride, padding) → ReLU → AvgPool2d(2×2) → Square → Flatten → Dense.</summary>
    public static Sequential Cnn(Random random, int channels, int size, int outChannels, int kernel, int stride, int padding, int classes)
    {
        var input = new Shape(channels, size, size);
        Layer conv = Conv2d.FromFlatKernels(
            channels, outChannels, kernel, kernel, stride, padding,
            Gaussian(random, outChannels * channels * kernel * kernel, 1.0 / Math.Sqrt(channels * kernel * kernel)), Gaussian(random, outChannels, 0.1));
        Shape convOut = conv.OutputShape(input);
        var layers = new List<Layer> { conv, Activation.Exact(LayerKind.Relu) };
        Shape current = convOut;
        if (convOut.Height >= 2 && convOut.Width >= 2)
        {
            layers.Add(new AvgPool2d(2));
            current = layers[^1].OutputShape(current);
        }

        layers.Add(Activation.Square());
        layers.Add(new Flatten());
        layers.Add(Dense.FromOutputMajor(current.Size, classes, Gaussian(random, current.Size * classes, 1.0 / Math.Sqrt(current.Size)), Gaussian(random, classes, 0.1)));
        return new Sequential(input, layers);
    }

    /// <summary>
    /// LeNet-5 as zkCNN proves it (TAMUCrypto/zkCNN, <c>src/models.cpp</c>, class <c>lenet</c>, 32×32 input): conv 1→6 5×5 →
    /// pooling 2×2 → conv 6→16 5×5 → pooling 2×2 → dense 400→120 → ReLU → dense 120→84 → ReLU → dense 84→10, 61,706
    /// parameters, Kaiming-normal weights. With max pooling a ReLU follows each pooling (max and ReLU commute; zkCNN folds the
    /// ReLU into its max-pooling layer); with average pooling it precedes each pooling (zkCNN's conv → ReLU → average pool).
    /// </summary>
    public static Sequential LeNet5(Random random, bool maxPooling)
    {
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

        return new Sequential(new Shape(1, 32, 32), layers);
    }

    public static List<double[]> Inputs(Random random, Shape shape, int count) =>
        Enumerable.Range(0, count).Select(_ => Gaussian(random, shape.Size, 1.0)).ToList();

    public static (QuantizedModel Model, List<int[]> Inputs) Quantized(Sequential model, Random random, int count)
    {
        List<double[]> real = Inputs(random, model.InputShape, Math.Max(count, 4));
        QuantizedModel quantized = Quantizer.Quantize(model, real, 8);
        return (quantized, real.Take(count).Select(x => quantized.QuantizeInput(x)).ToList());
    }
}
