using Thestage.Inference.Data;

namespace Thestage.Inference.Tests.Data;

public sealed class IdxReaderTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadsImagesPlainAndGzip(bool gzip)
    {
        byte[] plain = IdxFiles.Images(3, 4, 5);
        byte[] file = gzip ? IdxFiles.Gzip(plain) : plain;

        IdxImages images = IdxReader.ReadImages(new MemoryStream(file));

        Assert.Equal((3, 4, 5), (images.Count, images.Rows, images.Columns));
        Assert.Equal(plain.AsSpan(16).ToArray(), images.Pixels.ToArray());
        Assert.Equal(plain.AsSpan(16 + 20, 20).ToArray(), images.Image(1).ToArray());
        double[] second = images.ImageAsDoubles(1);
        Assert.Equal(plain[16 + 20 + 7] / 255.0, second[7]);
        Assert.All(second, v => Assert.InRange(v, 0.0, 1.0));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadsLabelsPlainAndGzip(bool gzip)
    {
        byte[] plain = IdxFiles.Labels(9, 0, 3, 7);
        byte[] file = gzip ? IdxFiles.Gzip(plain) : plain;

        Assert.Equal(new byte[] { 9, 0, 3, 7 }, IdxReader.ReadLabels(new MemoryStream(file)));
    }

    [Fact]
    public void ReadsFromAFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"idx-{Guid.NewGuid():N}.gz");
        try
        {
            File.WriteAllBytes(path, IdxFiles.Gzip(IdxFiles.Labels(1, 2)));
            Assert.Equal(new byte[] { 1, 2 }, IdxReader.ReadLabels(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RejectsTruncatedData(bool gzip)
    {
        byte[] plain = IdxFiles.Images(2, 3, 3);
        byte[] cut = plain[..^1];
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(new MemoryStream(gzip ? IdxFiles.Gzip(cut) : cut)));
        Assert.Contains("17", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RejectsTrailingData(bool gzip)
    {
        byte[] plain = [.. IdxFiles.Labels(1, 2, 3), 0];
        Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(new MemoryStream(gzip ? IdxFiles.Gzip(plain) : plain)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(11)]
    public void RejectsATruncatedHeader(int length)
    {
        byte[] plain = IdxFiles.Images(1, 2, 2)[..length];
        Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(new MemoryStream(plain)));
    }

    [Theory]
    [InlineData(0x00000801)] // a label file where images are expected
    [InlineData(0x00000903)] // signed bytes
    [InlineData(0x00000d03)] // floats
    [InlineData(0x01000803)] // non-zero leading byte
    [InlineData(0x00000804)] // rank 4
    public void RejectsABadMagic(int magic)
    {
        byte[] file = IdxFiles.Build(magic, [1, 2, 2], new byte[4]);
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(new MemoryStream(file)));
        Assert.Contains("magic", e.Message);
    }

    [Fact]
    public void RejectsAnImageFileReadAsLabels() =>
        Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(new MemoryStream(IdxFiles.Images(1, 1, 1))));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RejectsDimensionsThatLieAboutTheData(bool gzip)
    {
        byte[] plain = IdxFiles.Build(0x00000803, [1000, 28, 28], new byte[784]);
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(new MemoryStream(gzip ? IdxFiles.Gzip(plain) : plain)));
        Assert.Contains("784000", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RefusesHugeDimensionsBeforeAllocating(bool gzip)
    {
        byte[] plain = IdxFiles.Build(0x00000803, [int.MaxValue, int.MaxValue, int.MaxValue], new byte[16]);
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(new MemoryStream(gzip ? IdxFiles.Gzip(plain) : plain)));
        Assert.Contains("elements accepted", e.Message);
    }

    [Fact]
    public void AGzipHeaderJustUnderTheCapFailsOnTheMissingData()
    {
        // 2^28 elements announced, 16 present: the reader must fail on the data, not allocate the announced size up front.
        byte[] plain = IdxFiles.Build(0x00000803, [1 << 20, 16, 16], new byte[16]);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(new MemoryStream(IdxFiles.Gzip(plain))));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 16 << 20, $"allocated {allocated} bytes for a 16-byte payload");
    }

    [Fact]
    public void RejectsANegativeDimension()
    {
        byte[] file = IdxFiles.Build(0x00000801, [-1], []);
        Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(new MemoryStream(file)));
    }

    [Fact]
    public void RejectsZeroSizedImages()
    {
        byte[] file = IdxFiles.Build(0x00000803, [5, 0, 28], []);
        Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(new MemoryStream(file)));
    }

    [Fact]
    public void RejectsCorruptGzip()
    {
        byte[] gzip = IdxFiles.Gzip(IdxFiles.Labels(1, 2, 3, 4, 5, 6, 7, 8));
        for (int i = 10; i < gzip.Length - 8; i++)
        {
            gzip[i] ^= 0x5a;
        }

        Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(new MemoryStream(gzip)));
    }

    [Fact]
    public void HonoursASmallerElementCap()
    {
        byte[] file = IdxFiles.Labels(1, 2, 3);
        Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(new MemoryStream(file), maxElements: 2));
        Assert.Equal(3, IdxReader.ReadLabels(new MemoryStream(file), maxElements: 3).Length);
    }
}
