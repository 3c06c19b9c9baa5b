using System.IO.Compression;
using Thestage.Inference.Data;
using Thestage.Inference.Tests.Data;

namespace Thestage.Inference.Tests.Attacks;

/// <summary>
/// Hostile IDX files. A gzip file of about 260 KB with an honest header of 2^28 elements inflated to 256 MiB (and allocated
/// 384 MiB on the way) before the expansion cap; mutated files must only ever raise <see cref="InvalidDataException"/>.
/// </summary>
public sealed class IdxBombAndMutationTests
{
    [Fact]
    public void GzipBombUnderOneMegabyte_IsRefusedBeforeInflating()
    {
        byte[] bomb = ZeroImagesGzip(count: 1 << 12, side: 256); // 2^28 zero pixels, the old element cap
        Assert.True(bomb.Length < 1 << 20, $"the bomb is {bomb.Length} bytes");

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(new MemoryStream(bomb)));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("decompression bomb", e.Message, StringComparison.Ordinal);
        Assert.True(allocated < 1 << 20, $"allocated {allocated} bytes before refusing");
    }

    [Fact]
    public void GzipWithinTheExpansionCap_IsRead()
    {
        // Random pixels do not compress: the real case, far inside the cap.
        byte[] plain = IdxFiles.Images(50, 28, 28, seed: 9);
        Assert.Equal(plain.AsSpan(16).ToArray(), IdxReader.ReadImages(new MemoryStream(IdxFiles.Gzip(plain))).Pixels.ToArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MutatedFiles_ThrowOnlyInvalidDataException(bool gzip)
    {
        byte[] plain = IdxFiles.Images(3, 5, 4, seed: 2);
        byte[] original = gzip ? IdxFiles.Gzip(plain) : plain;
        var random = new Random(gzip ? 11 : 12);
        int read = 0, refused = 0;
        for (int trial = 0; trial < 3000; trial++)
        {
            byte[] file = Mutate(original, random);
            try
            {
                IdxImages images = IdxReader.ReadImages(new MemoryStream(file));
                Assert.Equal((long)images.Count * images.Rows * images.Columns, images.Pixels.Length);
                read++;
            }
            catch (InvalidDataException)
            {
                refused++;
            }
        }

        Assert.True(refused > 0 && read > 0, $"{read} read, {refused} refused");
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        byte[] file = (byte[])original.Clone();
        switch (random.Next(4))
        {
            case 0:
                file[random.Next(file.Length)] ^= (byte)(1 << random.Next(8));
                return file;
            case 1:
                return file[..random.Next(file.Length)];
            case 2:
                // A header field (magic or a dimension) set to an edge value.
                int field = 4 * random.Next(4);
                int[] edges = [0, 1, -1, int.MaxValue, int.MinValue, 1 << 16, 784];
                System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(file.AsSpan(Math.Min(field, file.Length - 4)), edges[random.Next(edges.Length)]);
                return file;
            default:
                return [.. file, .. new byte[random.Next(1, 64)]];
        }
    }

    private static byte[] ZeroImagesGzip(int count, int side)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(IdxFiles.Build(IdxReader.ImagesMagic, [count, side, side], []));
            var zeros = new byte[1 << 20];
            for (long written = 0; written < (long)count * side * side; written += zeros.Length)
            {
                gzip.Write(zeros);
            }
        }

        return output.ToArray();
    }
}
