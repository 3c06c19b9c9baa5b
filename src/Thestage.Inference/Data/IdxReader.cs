using System.Buffers.Binary;
using System.IO.Compression;

namespace Thestage.Inference.Data;

/// <summary>
/// Reads IDX files (the MNIST / Fashion-MNIST container): a big-endian magic <c>0x0000TTRR</c> (element type TT, rank RR),
/// RR big-endian 32-bit dimensions, then the elements in row-major order. Only unsigned-byte elements (type 0x08) are
/// read, plain or gzip-compressed. The input is treated as untrusted: the magic, rank and dimensions are checked against
/// the data actually present before anything of the announced size is allocated. A plain file must hold exactly the
/// announced elements; a gzip file may announce at most <see cref="MaxGzipExpansion"/> times its own size (real image data
/// compresses 2–5×; a decompression bomb far more), and its buffer grows only as decompressed data arrives. Every
/// malformed input throws <see cref="InvalidDataException"/> with a one-line message.
/// </summary>
public static class IdxReader
{
    /// <summary>The magic of an image file: unsigned bytes, rank 3 ([count, rows, columns]).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>The magic of a label file: unsigned bytes, rank 1 ([count]).</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>The default cap on the number of elements a file may announce (256 Mi, about five times Fashion-MNIST's training images).</summary>
    public const long DefaultMaxElements = 1L << 28;

    /// <summary>The largest ratio of decompressed to compressed size accepted from a gzip file (Fashion-MNIST's is 1.8, MNIST's 4.7).</summary>
    public const int MaxGzipExpansion = 64;

    private const int ChunkSize = 1 << 20;

    /// <summary>Reads an image file ([count, rows, columns] unsigned bytes), plain or gzip.</summary>
    /// <param name="path">The file.</param>
    /// <param name="maxElements">The largest count × rows × columns accepted.</param>
    /// <exception cref="InvalidDataException">The file is not a well-formed IDX image file.</exception>
    public static IdxImages ReadImages(string path, long maxElements = DefaultMaxElements)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var file = File.OpenRead(path);
        return ReadImages(file, maxElements);
    }

    /// <summary>Reads an image file ([count, rows, columns] unsigned bytes), plain or gzip, from a seekable stream.</summary>
    /// <param name="stream">A seekable stream positioned at the file's start; it is read to its end.</param>
    /// <param name="maxElements">The largest count × rows × columns accepted.</param>
    /// <exception cref="InvalidDataException">The data is not a well-formed IDX image file.</exception>
    /// <exception cref="ArgumentException">The stream cannot seek.</exception>
    public static IdxImages ReadImages(Stream stream, long maxElements = DefaultMaxElements)
    {
        var (dims, data) = Read(stream, ImagesMagic, maxElements);
        if (dims[1] == 0 || dims[2] == 0)
        {
            throw new InvalidDataException($"IDX image file announces {dims[1]}×{dims[2]} images; rows and columns must be at least 1.");
        }

        return new IdxImages(dims[0], dims[1], dims[2], data);
    }

    /// <summary>Reads a label file ([count] unsigned bytes), plain or gzip.</summary>
    /// <param name="path">The file.</param>
    /// <param name="maxElements">The largest count accepted.</param>
    /// <exception cref="InvalidDataException">The file is not a well-formed IDX label file.</exception>
    public static byte[] ReadLabels(string path, long maxElements = DefaultMaxElements)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var file = File.OpenRead(path);
        return ReadLabels(file, maxElements);
    }

    /// <summary>Reads a label file ([count] unsigned bytes), plain or gzip, from a seekable stream.</summary>
    /// <param name="stream">A seekable stream positioned at the file's start; it is read to its end.</param>
    /// <param name="maxElements">The largest count accepted.</param>
    /// <exception cref="InvalidDataException">The data is not a well-formed IDX label file.</exception>
    /// <exception cref="ArgumentException">The stream cannot seek.</exception>
    public static byte[] ReadLabels(Stream stream, long maxElements = DefaultMaxElements) => Read(stream, LabelsMagic, maxElements).Data;

    private static (int[] Dims, byte[] Data) Read(Stream stream, int expectedMagic, long maxElements)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxElements, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxElements, Array.MaxLength);
        if (!stream.CanSeek)
        {
            throw new ArgumentException("The stream must be seekable (to tell gzip from plain IDX).", nameof(stream));
        }

        long start = stream.Position;
        int first = stream.ReadByte();
        int second = stream.ReadByte();
        stream.Position = start;
        bool gzip = first == 0x1f && second == 0x8b;
        long length = stream.Length - start;
        if (!gzip)
        {
            try
            {
                return ReadBody(stream, expectedMagic, maxElements, length, gzipLength: 0);
            }
            catch (EndOfStreamException e)
            {
                throw new InvalidDataException($"IDX data ends early: {e.Message}", e);
            }
        }

        using var inflated = new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true);
        try
        {
            return ReadBody(inflated, expectedMagic, maxElements, remaining: null, gzipLength: length);
        }
        catch (IOException e)
        {
            throw new InvalidDataException($"IDX data is not valid gzip: {e.Message}", e);
        }
    }

    private static (int[] Dims, byte[] Data) ReadBody(Stream stream, int expectedMagic, long maxElements, long? remaining, long gzipLength)
    {
        Span<byte> word = stackalloc byte[4];
        ReadHeader(stream, word, "magic");
        int magic = BinaryPrimitives.ReadInt32BigEndian(word);
        if (magic != expectedMagic)
        {
            throw new InvalidDataException($"IDX magic is 0x{magic:x8}; expected 0x{expectedMagic:x8} ({Describe(expectedMagic)}).");
        }

        int rank = expectedMagic & 0xff;
        var dims = new int[rank];
        long elements = 1;
        for (int i = 0; i < rank; i++)
        {
            ReadHeader(stream, word, $"dimension {i}");
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(word);
            if (dims[i] < 0)
            {
                throw new InvalidDataException($"IDX dimension {i} is {dims[i]}; dimensions are non-negative.");
            }

            elements *= dims[i];
            if (elements > maxElements)
            {
                throw new InvalidDataException($"IDX dimensions [{string.Join(", ", dims.Take(i + 1))}...] announce more than the {maxElements} elements accepted.");
            }
        }

        long header = 4L + 4L * rank;
        if (remaining is null && header + elements > gzipLength * MaxGzipExpansion)
        {
            throw new InvalidDataException(
                $"IDX gzip file of {gzipLength} bytes announces {elements} elements, more than {MaxGzipExpansion} times its size; real image data compresses far less, so this is refused as a likely decompression bomb (decompress the file to read it as plain IDX).");
        }

        if (remaining is long total)
        {
            long body = total - header;
            if (body != elements)
            {
                throw new InvalidDataException($"IDX dimensions [{string.Join(", ", dims)}] announce {elements} bytes of data; the file holds {body}.");
            }

            var data = new byte[elements];
            stream.ReadExactly(data);
            return (dims, data);
        }

        return (dims, ReadGrowing(stream, elements, dims));
    }

    // A compressed stream's length is unknown: grow the buffer only as data actually arrives, so a lying header
    // cannot make the reader allocate more than the input really decompresses to (plus one chunk).
    private static byte[] ReadGrowing(Stream stream, long elements, int[] dims)
    {
        var buffer = new byte[(int)Math.Min(elements, ChunkSize)];
        long filled = 0;
        while (filled < elements)
        {
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min(elements, (long)buffer.Length * 2));
            }

            int read = stream.Read(buffer, (int)filled, buffer.Length - (int)filled);
            if (read == 0)
            {
                throw new InvalidDataException($"IDX dimensions [{string.Join(", ", dims)}] announce {elements} bytes of data; the file holds {filled}.");
            }

            filled += read;
        }

        if (stream.ReadByte() >= 0)
        {
            throw new InvalidDataException($"IDX dimensions [{string.Join(", ", dims)}] announce {elements} bytes of data; the file holds more.");
        }

        return buffer;
    }

    private static void ReadHeader(Stream stream, Span<byte> word, string what)
    {
        int filled = 0;
        while (filled < word.Length)
        {
            int read = stream.Read(word[filled..]);
            if (read == 0)
            {
                throw new InvalidDataException($"IDX file ends inside its header ({what}).");
            }

            filled += read;
        }
    }

    private static string Describe(int magic) => magic == ImagesMagic ? "unsigned-byte images, rank 3" : "unsigned-byte labels, rank 1";
}
