using System.Buffers.Binary;
using System.IO.Compression;

namespace Thestage.Inference.Tests.Data;

/// <summary>Builds small IDX files in memory for the reader tests.</summary>
internal static class IdxFiles
{
    public static byte[] Build(int magic, int[] dims, byte[] data)
    {
        var bytes = new byte[4 + 4 * dims.Length + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (int i = 0; i < dims.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dims[i]);
        }

        data.CopyTo(bytes, 4 + 4 * dims.Length);
        return bytes;
    }

    public static byte[] Images(int count, int rows, int columns, int seed = 1)
    {
        var data = new byte[count * rows * columns];
        new Random(seed).NextBytes(data);
        return Build(0x00000803, [count, rows, columns], data);
    }

    public static byte[] Labels(params byte[] labels) => Build(0x00000801, [labels.Length], labels);

    public static byte[] Gzip(byte[] plain)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(plain);
        }

        return output.ToArray();
    }

    /// <summary>A gzip IDX file whose elements are all zero: deflate's 1:1032 limit, so 2^28 elements take about 260 KB.</summary>
    public static byte[] ZeroGzip(int magic, int[] dims)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(Build(magic, dims, []));
            var zeros = new byte[1 << 20];
            long count = dims.Aggregate(1L, (a, d) => a * d);
            for (long written = 0; written < count; written += zeros.Length)
            {
                gzip.Write(zeros, 0, (int)Math.Min(zeros.Length, count - written));
            }
        }

        return output.ToArray();
    }
}
