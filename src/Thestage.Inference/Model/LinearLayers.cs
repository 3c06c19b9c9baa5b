using Thestage.Privacy.Tensors;

namespace Thestage.Inference.Model;

/// <summary>The matrix M (y = x·M + b) of each linear layer on the flattened row-major input.</summary>
internal static class LinearLayers
{
    /// <summary>M[i, j] for input i and output j.</summary>
    public static Func<int, int, double> Matrix(Layer layer, IReadOnlyList<int> inputShape) => layer switch
    {
        Dense dense => dense.WeightAt,
        Conv2d conv => LinearTransform.Conv2dEntries(inputShape[0], inputShape[1], inputShape[2], conv.Kernels, conv.Stride, conv.Padding),
        AvgPool2d pool => LinearTransform.AvgPool2dEntries(inputShape[1], inputShape[2], pool.KernelSize, pool.Stride),
        _ => throw new ArgumentException($"{layer} is not a linear layer."),
    };

    /// <summary>The bias per flattened output (zeros for pooling).</summary>
    public static double[] Bias(Layer layer, IReadOnlyList<int> inputShape)
    {
        int[] output = layer.OutputShape(inputShape);
        return layer switch
        {
            Dense dense => dense.BiasSpan.ToArray(),
            Conv2d conv => Enumerable.Range(0, Layer.Product(output)).Select(j => conv.BiasSpan[j / (output[1] * output[2])]).ToArray(),
            _ => new double[Layer.Product(output)],
        };
    }
}
