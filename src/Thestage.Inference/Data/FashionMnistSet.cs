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

    /// <summary>
    /// Converts the samples to the fixed point of proven training (<see cref="Proofs.Training.FixedPointTrainer"/>):
    /// pixel <c>x ∈ [0, 1]</c> becomes <c>round(x·2^f)</c>, the value the trainer reads as <c>x</c>.
    /// </summary>
    /// <param name="config">A configuration with 784 inputs and 10 classes.</param>
    /// <returns>The training set.</returns>
    /// <exception cref="ArgumentException">The configuration does not have 784 inputs and 10 classes.</exception>
    public Proofs.Training.TrainingDataset ToTrainingDataset(Proofs.Training.TrainingConfig config)
    {
        RequireShape(config);

        // The dataset copies each sample as it reads it, so the fixed-point vectors are produced one at a time instead of all at
        // once (60,000 of them are 188 MB that would be live beside the copy and these doubles).
        return new Proofs.Training.TrainingDataset(config, new FixedPointImages(_images.Length, i => ToFixedPoint(_images[i], config.One)), _labels);
    }

    /// <summary>Pixel <c>x ∈ [0, 1]</c> as the trainer's fixed point, <c>round(x·one)</c> (halves away from zero).</summary>
    internal static int[] ToFixedPoint(double[] image, long one) => Array.ConvertAll(image, x => (int)Math.Round(x * one, MidpointRounding.AwayFromZero));

    internal static void RequireShape(Proofs.Training.TrainingConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.InputSize != FashionMnist.ImageSize * FashionMnist.ImageSize || config.ClassCount != FashionMnist.ClassNames.Count)
        {
            throw new ArgumentException("Fashion-MNIST needs 784 inputs and 10 classes.", nameof(config));
        }
    }

    /// <summary>Images in fixed point, each computed when read (the dataset reads each once and keeps its own copy).</summary>
    internal sealed class FixedPointImages(int count, Func<int, int[]> image) : IReadOnlyList<int[]>
    {
        public int Count => count;

        public int[] this[int index] => image(index);

        public IEnumerator<int[]> GetEnumerator()
        {
            for (int i = 0; i < count; i++)
            {
                yield return image(i);
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
