using Thestage.Privacy.Serialization;

namespace Thestage.Privacy.Tests.Attacks;

/// <summary>
/// Found by the large fuzz campaign (100,000 cases per format, docs/security.md): an 86-byte parameters object whose
/// zlib stream is corrupt in a way .NET reports with <see cref="System.IO.Compression.ZLibException"/> (an
/// <see cref="IOException"/>) instead of <see cref="InvalidDataException"/>. It escaped the loader, so a caller that
/// handles <see cref="CkksFormatException"/> crashed on it.
/// </summary>
public sealed class CorruptCompressedStreamAttacks
{
    /// <summary>The campaign's input (TSPV parameters, ChunkShuffle of a zlib sample, seed 20261207).</summary>
    private static readonly byte[] Input = Convert.FromHexString(
        "5453505601000101000000000000000081035b0941c37a5b8c7e5500c83b25d21d000000000000002000000000000000782000000000000000"
        + "789c636061606066606060acf8ffff3f84b66700d105103e0074d708a3");

    [Fact]
    public void CorruptZlibStreamRaisingZLibException_EscapesTheLoader_Fails()
    {
        Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadParameters(Input));
        Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadParameters(new MemoryStream(Input, writable: false)));
    }
}
