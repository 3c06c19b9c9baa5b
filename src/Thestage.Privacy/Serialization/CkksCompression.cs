namespace Thestage.Privacy.Serialization;

/// <summary>
/// How the payload of a serialized object is compressed, with the codecs of <c>System.IO.Compression</c>.
/// </summary>
/// <remarks>
/// Coefficients are already bit-packed to the width of their prime and are uniformly distributed, so
/// compression rarely shrinks them; the serializer stores the payload uncompressed whenever the compressed
/// form would not be smaller, so asking for compression never makes the output larger.
/// </remarks>
public enum CkksCompression
{
    /// <summary>No compression.</summary>
    None = 0,

    /// <summary>zlib (RFC 1950, Deflate with a header and Adler-32 checksum), as SEAL's <c>compr_mode_type::zlib</c>.</summary>
    ZLib = 1,

    /// <summary>Brotli (RFC 7932) at quality 5.</summary>
    Brotli = 2,
}
