namespace Thestage.Inference.Data;

/// <summary>
/// Loads Fashion-MNIST from IDX files on disk (never from the network). Debian's <c>dataset-fashion-mnist</c> package
/// installs them under <see cref="DefaultDirectory"/>; any directory holding the four files (plain or <c>.gz</c>) works.
/// </summary>
public static class FashionMnist
{
    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package installs the files.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The image side: every image is <see cref="ImageSize"/> × <see cref="ImageSize"/>.</summary>
    public const int ImageSize = 28;

    /// <summary>The ten class names, by label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>Whether both files of <paramref name="split"/> are present in <paramref name="directory"/>.</summary>
    /// <param name="split">The split.</param>
    /// <param name="directory">The directory (<see cref="DefaultDirectory"/> when null).</param>
    public static bool IsAvailable(FashionMnistSplit split = FashionMnistSplit.Test, string? directory = null)
    {
        string dir = directory ?? DefaultDirectory;
        return Find(dir, Prefix(split) + "-images-idx3-ubyte") is not null && Find(dir, Prefix(split) + "-labels-idx1-ubyte") is not null;
    }

    /// <summary>Loads a split, optionally only its first <paramref name="limit"/> samples.</summary>
    /// <param name="split">The split.</param>
    /// <param name="directory">The directory holding the IDX files (<see cref="DefaultDirectory"/> when null).</param>
    /// <param name="limit">At most this many samples (all when null).</param>
    /// <exception cref="FileNotFoundException">A file of the split is missing.</exception>
    /// <exception cref="InvalidDataException">A file is malformed, the images are not 28 × 28, the counts differ, or a label is not 0–9.</exception>
    public static FashionMnistSet Load(FashionMnistSplit split, string? directory = null, int? limit = null)
    {
        if (limit is int l)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(l, nameof(limit));
        }

        string dir = directory ?? DefaultDirectory;
        string imagesPath = Require(dir, Prefix(split) + "-images-idx3-ubyte");
        string labelsPath = Require(dir, Prefix(split) + "-labels-idx1-ubyte");
        IdxImages images = IdxReader.ReadImages(imagesPath);
        byte[] labels = IdxReader.ReadLabels(labelsPath);
        if (images.Rows != ImageSize || images.Columns != ImageSize)
        {
            throw new InvalidDataException($"{imagesPath} holds {images.Rows}×{images.Columns} images; Fashion-MNIST's are {ImageSize}×{ImageSize}.");
        }

        if (images.Count != labels.Length)
        {
            throw new InvalidDataException($"{imagesPath} holds {images.Count} images but {labelsPath} holds {labels.Length} labels.");
        }

        int count = Math.Min(images.Count, limit ?? int.MaxValue);
        var y = new int[count];
        for (int i = 0; i < count; i++)
        {
            if (labels[i] >= ClassNames.Count)
            {
                throw new InvalidDataException($"{labelsPath}: label {i} is {labels[i]}; Fashion-MNIST has {ClassNames.Count} classes.");
            }

            y[i] = labels[i];
        }

        return new FashionMnistSet(images, y);
    }

    private static string Prefix(FashionMnistSplit split) => split switch
    {
        FashionMnistSplit.Train => "train",
        FashionMnistSplit.Test => "t10k",
        _ => throw new ArgumentOutOfRangeException(nameof(split)),
    };

    private static string? Find(string directory, string name)
    {
        foreach (string candidate in new[] { name, name + ".gz" })
        {
            string path = Path.Combine(directory, candidate);
            if (File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }

    private static string Require(string directory, string name) =>
        Find(directory, name) ?? throw new FileNotFoundException(
            $"Fashion-MNIST file {name}[.gz] is not in {directory}. On Debian: apt-get install dataset-fashion-mnist (installs to {DefaultDirectory}), or pass the directory holding the IDX files.",
            Path.Combine(directory, name));
}
