namespace Thestage.Inference.Data;

/// <summary>The content of an IDX image file: <see cref="Count"/> images of <see cref="Rows"/> × <see cref="Columns"/> bytes, row-major.</summary>
public sealed class IdxImages
{
    private readonly byte[] _pixels;

    internal IdxImages(int count, int rows, int columns, byte[] pixels)
    {
        Count = count;
        Rows = rows;
        Columns = columns;
        _pixels = pixels;
    }

    /// <summary>The number of images.</summary>
    public int Count { get; }

    /// <summary>The rows of one image.</summary>
    public int Rows { get; }

    /// <summary>The columns of one image.</summary>
    public int Columns { get; }

    /// <summary>All pixels, image after image, each image row-major.</summary>
    public ReadOnlyMemory<byte> Pixels => _pixels;

    /// <summary>The pixels of one image, row-major.</summary>
    /// <param name="index">The image index.</param>
    public ReadOnlySpan<byte> Image(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        int size = Rows * Columns;
        return _pixels.AsSpan(index * size, size);
    }

    /// <summary>One image as doubles in [0, 1] (pixel / 255), row-major.</summary>
    /// <param name="index">The image index.</param>
    public double[] ImageAsDoubles(int index)
    {
        ReadOnlySpan<byte> image = Image(index);
        var values = new double[image.Length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = image[i] / 255.0;
        }

        return values;
    }
}
