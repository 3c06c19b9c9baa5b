namespace Thestage.Privacy.Serialization;

/// <summary>
/// Limits that <see cref="CkksSerializer"/>'s loaders apply to compressed payloads, so that a few bytes from another
/// party cannot make them allocate or work without bound (a decompression bomb).
/// </summary>
/// <remarks>
/// <para>A compressed payload is refused, before anything is decompressed, when its declared raw length exceeds
/// <see cref="MaxDecompressedBytes"/> or <see cref="MaxCompressionRatio"/> times its compressed length. Residues are
/// bit-packed to the width of their prime and uniformly distributed, so real keys and ciphertexts do not compress
/// (ratio ≈ 1); only degenerate objects such as a plaintext of zeros compress much, and the saver stores those
/// uncompressed (it compresses only within both limits' defaults), so everything it writes loads with the defaults.</para>
/// <para>Vectors, tensors and Galois keys are decompressed as a stream and parsed one ciphertext (one key) at a time, so
/// a hostile payload is rejected at its first bad element, with one element's buffer allocated beside what was
/// loaded. Uncompressed payloads are bounded by the bytes actually supplied and by the parameters.</para>
/// </remarks>
public sealed class CkksLoadOptions
{
    /// <summary>The default of <see cref="MaxDecompressedBytes"/>: 64 MiB.</summary>
    public const long DefaultMaxDecompressedBytes = 64L << 20;

    /// <summary>
    /// The largest accepted ratio of raw to compressed payload length: 8. Bit-packed residues compress by about 1;
    /// 8 bounds what any compressed input can expand to (with the format's other bounds, under 100 MB of objects per MB).
    /// </summary>
    public const int MaxCompressionRatio = 8;

    private readonly long _maxDecompressedBytes = DefaultMaxDecompressedBytes;

    /// <summary>The default limits.</summary>
    public static CkksLoadOptions Default { get; } = new();

    /// <summary>
    /// The largest raw (decompressed) payload a compressed object may declare; <see cref="DefaultMaxDecompressedBytes"/>
    /// by default. Lower it to bound what one request can cost; raise it only for large compressed objects from a
    /// trusted source.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public long MaxDecompressedBytes
    {
        get => _maxDecompressedBytes;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1L);
            _maxDecompressedBytes = value;
        }
    }
}
