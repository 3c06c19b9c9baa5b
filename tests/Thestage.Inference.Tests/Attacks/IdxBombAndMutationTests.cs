using Thestage.Inference.Data;
using Thestage.Inference.Tests.Data;

namespace Thestage.Inference.Tests.Attacks;

/// <summary>
/// Hostile IDX files. A gzip file of about 260 KB with an honest header of 2^28 elements inflated to 256 MiB (and allocated
/// 384 MiB on the way) before the expansion cap. Mutated files: <c>Fuzzing/InferenceFormatFuzzTests</c>.
/// </summary>
public sealed class IdxBombAndMutationTests
{
    [Fact]
    public void GzipBombUnderOneMegabyte_IsRefusedBeforeInflating()
    {
        byte[] bomb = IdxFiles.ZeroGzip(IdxReader.ImagesMagic, [1 << 12, 256, 256]); // 2^28 zero pixels, the old element cap
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
}
