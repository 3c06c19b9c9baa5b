using Thestage.Privacy.Ckks;
using Thestage.Privacy.Rlwe;

namespace Thestage.Privacy.Serialization;

/// <summary>
/// Saves and loads CKKS parameters, plaintexts, ciphertexts, keys and encrypted vectors and tensors in one validated,
/// versioned binary format:
/// a 48-byte little-endian header (magic "TSPV", version 1, object kind, compression, flags, a 16-byte
/// fingerprint of N and the primes, payload and raw lengths) followed by the payload, in which every RNS limb is
/// bit-packed to the width of its prime.
/// </summary>
/// <remarks>
/// <para>Header (all integers little-endian):</para>
/// <code>
/// offset size field
///  0      4   magic "TSPV"
///  4      2   format version, 1
///  6      1   object kind: 1 parameters, 2 plaintext, 3 ciphertext, 4 public key, 5 relin keys, 6 Galois keys, 7 secret key,
///             8 encrypted vector, 9 encrypted tensor
///  7      1   compression: 0 none, 1 zlib, 2 Brotli (secret keys: always 0)
///  8      1   flags: bit 0 = seeded; other bits zero
///  9      7   reserved, zero
/// 16     16   parameter fingerprint: the first 16 bytes of SHA-256("TSPV parameters" ‖ u32 N ‖ u32 prime count ‖ u64 primes)
/// 32      8   payload length (bytes after the header)
/// 40      8   raw payload length (after decompression; equal to the payload length when uncompressed)
/// </code>
/// <para>
/// Payloads: parameters = u32 N, u32 count, u64 primes; plaintext = u32 level, f64 scale, poly; ciphertext = u32 size,
/// u32 level, f64 scale, c₀, then the 32-byte seed of c₁ (seeded) or c₁ … c_(size−1); public key = b, then the seed
/// of a or a; relinearization keys = u32 component count (L + 1), then per component b_j and seed_j or a_j; Galois
/// keys = u32 count, then per key (elements strictly ascending) u64 Galois element and a key-switching key as above;
/// secret key = u8 form, then s's ternary coefficients at 2 bits each (form 1: 0 → 0, 1 → +1, 2 → −1; N/4 bytes;
/// used for every ternary key) or s (form 0); vector = u32 length n, u32 ciphertext count (⌈n/(N/2)⌉), then the
/// ciphertexts; tensor = u32 rank r, r × u32 dimensions, u32 packing (0 row-major, 1 batch), u32 ciphertext count
/// (row-major: ⌈∏shape/(N/2)⌉; batch: ∏shape[1..]), then the ciphertexts. The ciphertexts of a vector or tensor are
/// in the ciphertext encoding, all of size 2 at one level and scale, and seeded together (the header's flag) when
/// every one has a seed. A polynomial is its RNS limbs in NTT form, limb i packed at ⌈log2 qᵢ⌉ bits per coefficient,
/// least significant bit first.
/// </para>
/// <para>
/// Seeded form (<see cref="CkksSerializationOptions.UseSeeds"/>, on by default): a uniform polynomial that was
/// expanded from a 32-byte seed is stored as that seed and re-expanded on load, as SEAL does; this halves fresh
/// symmetric ciphertexts, public keys, relinearization keys and Galois keys.
/// </para>
/// <para>
/// Loaders validate everything before use and throw only <see cref="CkksFormatException"/> for bad data (and
/// <see cref="ArgumentNullException"/> for null arguments; a failing stream's own <see cref="IOException"/> passes
/// through). They never allocate more than the parameters allow for the object, whatever the length fields say, and
/// refuse a compressed payload that declares more than <see cref="CkksLoadOptions.MaxDecompressedBytes"/> or more than
/// <see cref="CkksLoadOptions.MaxCompressionRatio"/> times its compressed length (a decompression bomb) before
/// decompressing anything; compressed vectors, tensors and Galois keys are parsed one element at a time as they are
/// decompressed.
/// Secret keys are saved and loaded only through <see cref="SaveSecretKey(SecretKey)"/> and
/// <see cref="LoadSecretKey(CkksContext, ReadOnlySpan{byte})"/> and their overloads: no generic overload accepts
/// one, so a secret key is never serialized by accident.
/// </para>
/// <para>
/// An object must fit in an array (<see cref="Array.MaxLength"/> bytes) to be saved to or loaded from a span or
/// array; otherwise saving throws <see cref="NotSupportedException"/>. Compression is tried only for payloads within
/// <see cref="CkksLoadOptions.DefaultMaxDecompressedBytes"/> and kept only within <see cref="CkksLoadOptions.MaxCompressionRatio"/>,
/// so that every saved object loads with the default limits. Galois keys are written to and read from streams one key
/// at a time, and vectors and tensors one ciphertext at a time, so larger ones go through streams. All
/// members are stateless and thread-safe; objects being saved must not be modified concurrently.
/// </para>
/// </remarks>
public static partial class CkksSerializer
{
    /// <summary>Serializes CKKS parameters (N and the primes).</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="options">Compression; seeding does not apply. Null for the defaults.</param>
    public static byte[] Save(CkksParameters parameters, CkksSerializationOptions? options = null) => Job(parameters, options).ToArray();

    /// <summary>Serializes CKKS parameters into <paramref name="destination"/>.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="destination">The stream written to.</param>
    /// <param name="options">Compression; seeding does not apply. Null for the defaults.</param>
    public static void Save(CkksParameters parameters, Stream destination, CkksSerializationOptions? options = null) => Job(parameters, options).WriteTo(NotNull(destination));

    /// <summary>Serializes CKKS parameters into <paramref name="destination"/> if it is large enough.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="destination">The buffer; at least <see cref="GetSerializedSize(CkksParameters, CkksSerializationOptions?)"/> bytes.</param>
    /// <param name="bytesWritten">The number of bytes written, 0 when the buffer is too small.</param>
    /// <param name="options">Compression; seeding does not apply. Null for the defaults.</param>
    /// <returns>False when the buffer is too small.</returns>
    public static bool TrySave(CkksParameters parameters, Span<byte> destination, out int bytesWritten, CkksSerializationOptions? options = null) => Job(parameters, options).TryWrite(destination, out bytesWritten);

    /// <summary>The exact number of bytes <see cref="Save(CkksParameters, CkksSerializationOptions?)"/> produces.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="options">The options the object will be saved with; with compression this compresses once.</param>
    public static long GetSerializedSize(CkksParameters parameters, CkksSerializationOptions? options = null) => Job(parameters, options).Size;

    /// <summary>
    /// Serializes a plaintext. The bytes are as secret as the plaintext — a decryption c₀ + c₁·s gives the secret key to
    /// whoever holds its ciphertext — so the scratch buffers are wiped and the payload is never compressed (an NTT-form
    /// plaintext does not compress, and zlib keeps its output in a pooled buffer that cannot be wiped).
    /// </summary>
    /// <param name="plaintext">The plaintext.</param>
    /// <param name="options">Compression is ignored (see above) and seeding does not apply. Null for the defaults.</param>
    /// <exception cref="ArgumentException">The scale is outside [1, 2^b) for the b-bit modulus of the plaintext's level (loaders refuse it).</exception>
    public static byte[] Save(Plaintext plaintext, CkksSerializationOptions? options = null) => Job(plaintext, options).ToArray();

    /// <summary>Serializes a plaintext into <paramref name="destination"/>; the bytes are as secret as the plaintext, temporary buffers are wiped.</summary>
    /// <param name="plaintext">The plaintext.</param>
    /// <param name="destination">The stream written to.</param>
    /// <param name="options">Compression is ignored and seeding does not apply. Null for the defaults.</param>
    public static void Save(Plaintext plaintext, Stream destination, CkksSerializationOptions? options = null) => Job(plaintext, options).WriteTo(NotNull(destination));

    /// <summary>Serializes a plaintext into <paramref name="destination"/> if it is large enough; the bytes are as secret as the plaintext.</summary>
    /// <param name="plaintext">The plaintext.</param>
    /// <param name="destination">The buffer.</param>
    /// <param name="bytesWritten">The number of bytes written, 0 when the buffer is too small.</param>
    /// <param name="options">Compression is ignored and seeding does not apply. Null for the defaults.</param>
    /// <returns>False when the buffer is too small.</returns>
    public static bool TrySave(Plaintext plaintext, Span<byte> destination, out int bytesWritten, CkksSerializationOptions? options = null) => Job(plaintext, options).TryWrite(destination, out bytesWritten);

    /// <summary>The exact number of bytes <see cref="Save(Plaintext, CkksSerializationOptions?)"/> produces.</summary>
    /// <param name="plaintext">The plaintext.</param>
    /// <param name="options">The options the object will be saved with (compression is ignored).</param>
    public static long GetSerializedSize(Plaintext plaintext, CkksSerializationOptions? options = null) => Job(plaintext, options).Size;

    /// <summary>Serializes a ciphertext; seeded (half the size) when it is a fresh symmetric encryption and seeds are used.</summary>
    /// <param name="ciphertext">The ciphertext.</param>
    /// <param name="options">Seeding and compression. Null for the defaults (seeded where possible, uncompressed).</param>
    /// <exception cref="ArgumentException">The ciphertext has more polynomials than the format's maximum (8), or a scale outside [1, 2^b) for the b-bit modulus of its level (loaders refuse it).</exception>
    public static byte[] Save(Ciphertext ciphertext, CkksSerializationOptions? options = null) => Job(ciphertext, options).ToArray();

    /// <summary>Serializes a ciphertext into <paramref name="destination"/>.</summary>
    /// <param name="ciphertext">The ciphertext.</param>
    /// <param name="destination">The stream written to.</param>
    /// <param name="options">Seeding and compression. Null for the defaults.</param>
    public static void Save(Ciphertext ciphertext, Stream destination, CkksSerializationOptions? options = null) => Job(ciphertext, options).WriteTo(NotNull(destination));

    /// <summary>Serializes a ciphertext into <paramref name="destination"/> if it is large enough.</summary>
    /// <param name="ciphertext">The ciphertext.</param>
    /// <param name="destination">The buffer.</param>
    /// <param name="bytesWritten">The number of bytes written, 0 when the buffer is too small.</param>
    /// <param name="options">Seeding and compression. Null for the defaults.</param>
    /// <returns>False when the buffer is too small.</returns>
    public static bool TrySave(Ciphertext ciphertext, Span<byte> destination, out int bytesWritten, CkksSerializationOptions? options = null) => Job(ciphertext, options).TryWrite(destination, out bytesWritten);

    /// <summary>The exact number of bytes <see cref="Save(Ciphertext, CkksSerializationOptions?)"/> produces.</summary>
    /// <param name="ciphertext">The ciphertext.</param>
    /// <param name="options">The options the object will be saved with; with compression this compresses once.</param>
    public static long GetSerializedSize(Ciphertext ciphertext, CkksSerializationOptions? options = null) => Job(ciphertext, options).Size;

    /// <summary>Serializes a public key; seeded (half the size) by default.</summary>
    /// <param name="publicKey">The public key.</param>
    /// <param name="options">Seeding and compression. Null for the defaults.</param>
    public static byte[] Save(PublicKey publicKey, CkksSerializationOptions? options = null) => Job(publicKey, options).ToArray();

    /// <summary>Serializes a public key into <paramref name="destination"/>.</summary>
    /// <param name="publicKey">The public key.</param>
    /// <param name="destination">The stream written to.</param>
    /// <param name="options">Seeding and compression. Null for the defaults.</param>
    public static void Save(PublicKey publicKey, Stream destination, CkksSerializationOptions? options = null) => Job(publicKey, options).WriteTo(NotNull(destination));

    /// <summary>Serializes a public key into <paramref name="destination"/> if it is large enough.</summary>
    /// <param name="publicKey">The public key.</param>
    /// <param name="destination">The buffer.</param>
    /// <param name="bytesWritten">The number of bytes written, 0 when the buffer is too small.</param>
    /// <param name="options">Seeding and compression. Null for the defaults.</param>
    /// <returns>False when the buffer is too small.</returns>
    public static bool TrySave(PublicKey publicKey, Span<byte> destination, out int bytesWritten, CkksSerializationOptions? options = null) => Job(publicKey, options).TryWrite(destination, out bytesWritten);

    /// <summary>The exact number of bytes <see cref="Save(PublicKey, CkksSerializationOptions?)"/> produces.</summary>
    /// <param name="publicKey">The public key.</param>
    /// <param name="options">The options the object will be saved with; with compression this compresses once.</param>
    public static long GetSerializedSize(PublicKey publicKey, CkksSerializationOptions? options = null) => Job(publicKey, options).Size;

    /// <summary>Serializes relinearization keys; seeded (half the size) by default.</summary>
    /// <param name="relinKeys">The relinearization keys.</param>
    /// <param name="options">Seeding and compression. Null for the defaults.</param>
    public static byte[] Save(RelinKeys relinKeys, CkksSerializationOptions? options = null) => Job(relinKeys, options).ToArray();

    /// <summary>Serializes relinearization keys into <paramref name="destination"/>.</summary>
    /// <param name="relinKeys">The relinearization keys.</param>
    /// <param name="destination">The stream written to.</param>
    /// <param name="options">Seeding and compression. Null for the defaults.</param>
    public static void Save(RelinKeys relinKeys, Stream destination, CkksSerializationOptions? options = null) => Job(relinKeys, options).WriteTo(NotNull(destination));

    /// <summary>Serializes relinearization keys into <paramref name="destination"/> if it is large enough.</summary>
    /// <param name="relinKeys">The relinearization keys.</param>
    /// <param name="destination">The buffer.</param>
    /// <param name="bytesWritten">The number of bytes written, 0 when the buffer is too small.</param>
    /// <param name="options">Seeding and compression. Null for the defaults.</param>
    /// <returns>False when the buffer is too small.</returns>
    public static bool TrySave(RelinKeys relinKeys, Span<byte> destination, out int bytesWritten, CkksSerializationOptions? options = null) => Job(relinKeys, options).TryWrite(destination, out bytesWritten);

    /// <summary>The exact number of bytes <see cref="Save(RelinKeys, CkksSerializationOptions?)"/> produces.</summary>
    /// <param name="relinKeys">The relinearization keys.</param>
    /// <param name="options">The options the object will be saved with; with compression this compresses once.</param>
    public static long GetSerializedSize(RelinKeys relinKeys, CkksSerializationOptions? options = null) => Job(relinKeys, options).Size;

    /// <summary>Serializes Galois keys (elements ascending); seeded (half the size) by default.</summary>
    /// <param name="galoisKeys">The Galois keys.</param>
    /// <param name="options">Seeding and compression. Null for the defaults.</param>
    public static byte[] Save(GaloisKeys galoisKeys, CkksSerializationOptions? options = null) => Job(galoisKeys, options).ToArray();

    /// <summary>Serializes Galois keys into <paramref name="destination"/>.</summary>
    /// <param name="galoisKeys">The Galois keys.</param>
    /// <param name="destination">The stream written to.</param>
    /// <param name="options">Seeding and compression. Null for the defaults.</param>
    public static void Save(GaloisKeys galoisKeys, Stream destination, CkksSerializationOptions? options = null) => Job(galoisKeys, options).WriteTo(NotNull(destination));

    /// <summary>Serializes Galois keys into <paramref name="destination"/> if it is large enough.</summary>
    /// <param name="galoisKeys">The Galois keys.</param>
    /// <param name="destination">The buffer.</param>
    /// <param name="bytesWritten">The number of bytes written, 0 when the buffer is too small.</param>
    /// <param name="options">Seeding and compression. Null for the defaults.</param>
    /// <returns>False when the buffer is too small.</returns>
    public static bool TrySave(GaloisKeys galoisKeys, Span<byte> destination, out int bytesWritten, CkksSerializationOptions? options = null) => Job(galoisKeys, options).TryWrite(destination, out bytesWritten);

    /// <summary>The exact number of bytes <see cref="Save(GaloisKeys, CkksSerializationOptions?)"/> produces.</summary>
    /// <param name="galoisKeys">The Galois keys.</param>
    /// <param name="options">The options the object will be saved with; with compression this compresses once.</param>
    public static long GetSerializedSize(GaloisKeys galoisKeys, CkksSerializationOptions? options = null) => Job(galoisKeys, options).Size;

    private static Stream NotNull(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return stream;
    }

    private static SaveJob Job(CkksParameters parameters, CkksSerializationOptions? options)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ulong[] primes = parameters.CoeffModulus.ToArray();
        int n = parameters.PolyModulusDegree;
        return new SaveJob(ObjectKind.Parameters, FormatHeader.ComputeFingerprint(n, primes), false, ObjectEncoder.ParametersSize(primes.Length), d => ObjectEncoder.WriteParameters(n, primes, d), Compression(options));
    }

    private static SaveJob Job(Plaintext plaintext, CkksSerializationOptions? options)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        ThrowIfUnloadableScale(plaintext.Context, plaintext.Scale, plaintext.Level, nameof(plaintext));
        // Sensitive: a decryption c₀ + c₁·s gives s with its ciphertext, and an encoding is the message itself.
        return new SaveJob(ObjectKind.Plaintext, Fingerprints.Of(plaintext.Context), false, ObjectEncoder.PlaintextSize(plaintext.Context, plaintext.Level), d => ObjectEncoder.WritePlaintext(plaintext, d), Compression(options), sensitive: true);
    }

    private static SaveJob Job(Ciphertext ciphertext, CkksSerializationOptions? options)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        if (ciphertext.Size > ObjectEncoder.MaxCiphertextSize)
        {
            throw new ArgumentException($"Ciphertexts of more than {ObjectEncoder.MaxCiphertextSize} polynomials cannot be serialized; relinearize first.", nameof(ciphertext));
        }

        ThrowIfUnloadableScale(ciphertext.Context, ciphertext.Scale, ciphertext.Level, nameof(ciphertext));

        bool seeded = (options ?? CkksSerializationOptions.Default).UseSeeds && ciphertext.Seed is not null && ciphertext.Size == 2;
        long size = ObjectEncoder.CiphertextSize(ciphertext.Context, ciphertext.Size, ciphertext.Level, seeded);
        return new SaveJob(ObjectKind.Ciphertext, Fingerprints.Of(ciphertext.Context), seeded, size, d => ObjectEncoder.WriteCiphertext(ciphertext, seeded, d), Compression(options));
    }

    private static SaveJob Job(PublicKey publicKey, CkksSerializationOptions? options)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        bool seeded = (options ?? CkksSerializationOptions.Default).UseSeeds && publicKey.Seed is not null;
        return new SaveJob(ObjectKind.PublicKey, Fingerprints.Of(publicKey.Context), seeded, ObjectEncoder.PublicKeySize(publicKey.Context, seeded), d => ObjectEncoder.WritePublicKey(publicKey, seeded, d), Compression(options));
    }

    private static SaveJob Job(RelinKeys relinKeys, CkksSerializationOptions? options)
    {
        ArgumentNullException.ThrowIfNull(relinKeys);
        bool seeded = (options ?? CkksSerializationOptions.Default).UseSeeds && ObjectEncoder.HasSeeds(relinKeys.Key);
        return new SaveJob(ObjectKind.RelinKeys, Fingerprints.Of(relinKeys.Context), seeded, ObjectEncoder.RelinKeysSize(relinKeys.Context, seeded), d => ObjectEncoder.WriteRelinKeys(relinKeys, seeded, d), Compression(options));
    }

    private static SaveJob Job(GaloisKeys galoisKeys, CkksSerializationOptions? options)
    {
        ArgumentNullException.ThrowIfNull(galoisKeys);
        bool seeded = (options ?? CkksSerializationOptions.Default).UseSeeds && galoisKeys.GaloisElements.All(g => galoisKeys.TryGet(g, out KeySwitchingKey k) && ObjectEncoder.HasSeeds(k));
        return new SaveJob(ObjectKind.GaloisKeys, Fingerprints.Of(galoisKeys.Context), seeded, ObjectEncoder.GaloisKeysSegments(galoisKeys, seeded), Compression(options));
    }

    /// <summary>Refuses to write a scale that every loader refuses (<see cref="RlweContext.FindScaleError"/>).</summary>
    internal static void ThrowIfUnloadableScale(RlweContext context, double scale, int level, string parameterName)
    {
        string? error = context.FindScaleError(scale, level);
        if (error is not null)
        {
            throw new ArgumentException(error + " It is not saved, because no loader would accept it.", parameterName);
        }
    }

    private static CkksCompression Compression(CkksSerializationOptions? options) => (options ?? CkksSerializationOptions.Default).Compression;
}
