namespace Thestage.Inference.Data;

/// <summary>Labelled Fashion-MNIST samples: 28 × 28 grey images as doubles in [0, 1] (row-major) and class indices 0–9.</summary>
public sealed class FashionMnistSet
{
    private readonly double[][] _images;
    private readonly int[] _labels;

    internal FashionMnistSet(double[][] images, int[] labels)
    {
        _images = images;
        _labels = labels;
    }

    /// <summary>The number of samples.</summary>
    public int Count => _labels.Length;

    /// <summary>The images, each 784 doubles in [0, 1], row-major 28 × 28 (shape [1, 28, 28] for a CNN).</summary>
    public IReadOnlyList<double[]> Images => _images;

    /// <summary>The class index of each image, 0–9 (see <see cref="FashionMnist.ClassNames"/>).</summary>
    public IReadOnlyList<int> Labels => _labels;

    /// <summary>The ten class names, by index.</summary>
    public IReadOnlyList<string> ClassNames => FashionMnist.ClassNames;
}
