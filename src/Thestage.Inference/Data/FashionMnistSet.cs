namespace Thestage.Inference.Data;

/// <summary>Labelled Fashion-MNIST samples: 28 × 28 grey images as doubles in [0, 1] (row-major) and class indices 0–9.</summary>
/// <remarks>
/// The set keeps the IDX file's bytes (one per pixel) and converts an image to doubles when it is read, so the training split
/// costs 47 MB instead of 376 MB of doubles; each read returns a new array that the caller may keep or change.
/// </remarks>
public sealed class FashionMnistSet
{
    private readonly int[] _labels;

    internal FashionMnistSet(IdxImages images, int[] labels)
    {
        _labels = labels;
        Images = new ImageList(images, labels.Length);
    }

    /// <summary>The number of samples.</summary>
    public int Count => _labels.Length;

    /// <summary>The images, each 784 doubles in [0, 1], row-major 28 × 28 (shape [1, 28, 28] for a CNN).</summary>
    public IReadOnlyList<double[]> Images { get; }

    /// <summary>The class index of each image, 0–9 (see <see cref="FashionMnist.ClassNames"/>).</summary>
    public IReadOnlyList<int> Labels => _labels;

    /// <summary>The ten class names, by index.</summary>
    public IReadOnlyList<string> ClassNames => FashionMnist.ClassNames;

    /// <summary>The first <c>count</c> images of an IDX file, each converted to doubles when read.</summary>
    private sealed class ImageList(IdxImages images, int count) : IReadOnlyList<double[]>
    {
        public int Count => count;

        public double[] this[int index] => (uint)index < (uint)count ? images.ImageAsDoubles(index) : throw new ArgumentOutOfRangeException(nameof(index));

        public IEnumerator<double[]> GetEnumerator()
        {
            for (int i = 0; i < count; i++)
            {
                yield return images.ImageAsDoubles(i);
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
