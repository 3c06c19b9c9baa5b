using Thestage.Privacy.Ckks;
using Thestage.Privacy.Rlwe;

namespace Thestage.Privacy.Serialization;

public static partial class CkksSerializer
{
    /// <summary>Loads CKKS parameters; no context is needed. Checks N, the prime count and each prime (size, ≡ 1 mod 2N, distinct, prime).</summary>
    /// <param name="data">Exactly one serialized parameters object.</param>
    /// <param name="options">Limits for compressed payloads (<see cref="CkksLoadOptions"/>); null for the defaults.</param>
    /// <exception cref="CkksFormatException">The data is not valid serialized parameters.</exception>
    public static CkksParameters LoadParameters(ReadOnlySpan<byte> data, CkksLoadOptions? options = null) =>
        ObjectLoader.Load(data, ObjectKind.Parameters, null, false, options, ObjectDecoder.ReadParameters);

    /// <summary>Loads CKKS parameters from <paramref name="source"/>, reading exactly one object.</summary>
    /// <param name="source">The stream, positioned at the object.</param>
    /// <param name="options">Limits for compressed payloads (<see cref="CkksLoadOptions"/>); null for the defaults.</param>
    /// <exception cref="CkksFormatException">The data is not valid serialized parameters.</exception>
    public static CkksParameters LoadParameters(Stream source, CkksLoadOptions? options = null) =>
        ObjectLoader.Load(NotNull(source), ObjectKind.Parameters, null, false, options, ObjectDecoder.ReadParameters);

    /// <summary>Loads a plaintext saved under the parameters of <paramref name="context"/>.</summary>
    /// <param name="context">The context; its parameter fingerprint must match the data's.</param>
    /// <param name="data">Exactly one serialized plaintext.</param>
    /// <param name="options">Limits for compressed payloads (<see cref="CkksLoadOptions"/>); null for the defaults.</param>
    /// <exception cref="CkksFormatException">The data is not a valid plaintext for this context.</exception>
    public static Plaintext LoadPlaintext(CkksContext context, ReadOnlySpan<byte> data, CkksLoadOptions? options = null) =>
        ObjectLoader.Load(data, ObjectKind.Plaintext, NotNull(context), true, options, (raw, _) => ObjectDecoder.ReadPlaintext(context, raw));

    /// <summary>Loads a plaintext from <paramref name="source"/>, reading exactly one object.</summary>
    /// <param name="context">The context; its parameter fingerprint must match the data's.</param>
    /// <param name="source">The stream, positioned at the object.</param>
    /// <param name="options">Limits for compressed payloads (<see cref="CkksLoadOptions"/>); null for the defaults.</param>
    /// <exception cref="CkksFormatException">The data is not a valid plaintext for this context.</exception>
    public static Plaintext LoadPlaintext(CkksContext context, Stream source, CkksLoadOptions? options = null) =>
        ObjectLoader.Load(NotNull(source), ObjectKind.Plaintext, NotNull(context), true, options, (raw, _) => ObjectDecoder.ReadPlaintext(context, raw));

    /// <summary>Loads a ciphertext saved under the parameters of <paramref name="context"/>; a seeded one has c₁ re-expanded (and keeps its seed).</summary>
    /// <param name="context">The context; its parameter fingerprint must match the data's.</param>
    /// <param name="data">Exactly one serialized ciphertext.</param>
    /// <param name="options">Limits for compressed payloads (<see cref="CkksLoadOptions"/>); null for the defaults.</param>
    /// <exception cref="CkksFormatException">The data is not a valid ciphertext for this context.</exception>
    public static Ciphertext LoadCiphertext(CkksContext context, ReadOnlySpan<byte> data, CkksLoadOptions? options = null) =>
        ObjectLoader.Load(data, ObjectKind.Ciphertext, NotNull(context), false, options, (raw, h) => ObjectDecoder.ReadCiphertext(context, h.Seeded, raw));

    /// <summary>Loads a ciphertext from <paramref name="source"/>, reading exactly one object.</summary>
    /// <param name="context">The context; its parameter fingerprint must match the data's.</param>
    /// <param name="source">The stream, positioned at the object.</param>
    /// <param name="options">Limits for compressed payloads (<see cref="CkksLoadOptions"/>); null for the defaults.</param>
    /// <exception cref="CkksFormatException">The data is not a valid ciphertext for this context.</exception>
    public static Ciphertext LoadCiphertext(CkksContext context, Stream source, CkksLoadOptions? options = null) =>
        ObjectLoader.Load(NotNull(source), ObjectKind.Ciphertext, NotNull(context), false, options, (raw, h) => ObjectDecoder.ReadCiphertext(context, h.Seeded, raw));

    /// <summary>Loads a public key saved under the parameters of <paramref name="context"/>.</summary>
    /// <param name="context">The context; its parameter fingerprint must match the data's.</param>
    /// <param name="data">Exactly one serialized public key.</param>
    /// <param name="options">Limits for compressed payloads (<see cref="CkksLoadOptions"/>); null for the defaults.</param>
    /// <exception cref="CkksFormatException">The data is not a valid public key for this context.</exception>
    public static PublicKey LoadPublicKey(CkksContext context, ReadOnlySpan<byte> data, CkksLoadOptions? options = null) =>
        ObjectLoader.Load(data, ObjectKind.PublicKey, NotNull(context), false, options, (raw, h) => ObjectDecoder.ReadPublicKey(context, h.Seeded, raw));

    /// <summary>Loads a public key from <paramref name="source"/>, reading exactly one object.</summary>
    /// <param name="context">The context; its parameter fingerprint must match the data's.</param>
    /// <param name="source">The stream, positioned at the object.</param>
    /// <param name="options">Limits for compressed payloads (<see cref="CkksLoadOptions"/>); null for the defaults.</param>
    /// <exception cref="CkksFormatException">The data is not a valid public key for this context.</exception>
    public static PublicKey LoadPublicKey(CkksContext context, Stream source, CkksLoadOptions? options = null) =>
        ObjectLoader.Load(NotNull(source), ObjectKind.PublicKey, NotNull(context), false, options, (raw, h) => ObjectDecoder.ReadPublicKey(context, h.Seeded, raw));

    /// <summary>Loads relinearization keys saved under the parameters of <paramref name="context"/>.</summary>
    /// <param name="context">The context; its parameter fingerprint must match the data's.</param>
    /// <param name="data">Exactly one serialized set of relinearization keys.</param>
    /// <param name="options">Limits for compressed payloads (<see cref="CkksLoadOptions"/>); null for the defaults.</param>
    /// <exception cref="CkksFormatException">The data is not valid relinearization keys for this context.</exception>
    public static RelinKeys LoadRelinKeys(CkksContext context, ReadOnlySpan<byte> data, CkksLoadOptions? options = null) =>
        ObjectLoader.Load(data, ObjectKind.RelinKeys, NotNull(context), false, options, (raw, h) => ObjectDecoder.ReadRelinKeys(context, h.Seeded, raw));

    /// <summary>Loads relinearization keys from <paramref name="source"/>, reading exactly one object.</summary>
    /// <param name="context">The context; its parameter fingerprint must match the data's.</param>
    /// <param name="source">The stream, positioned at the object.</param>
    /// <param name="options">Limits for compressed payloads (<see cref="CkksLoadOptions"/>); null for the defaults.</param>
    /// <exception cref="CkksFormatException">The data is not valid relinearization keys for this context.</exception>
    public static RelinKeys LoadRelinKeys(CkksContext context, Stream source, CkksLoadOptions? options = null) =>
        ObjectLoader.Load(NotNull(source), ObjectKind.RelinKeys, NotNull(context), false, options, (raw, h) => ObjectDecoder.ReadRelinKeys(context, h.Seeded, raw));

    /// <summary>Loads Galois keys saved under the parameters of <paramref name="context"/>; elements must be odd, in [3, 2N), strictly ascending.</summary>
    /// <param name="context">The context; its parameter fingerprint must match the data's.</param>
    /// <param name="data">Exactly one serialized set of Galois keys.</param>
    /// <param name="options">Limits for compressed payloads (<see cref="CkksLoadOptions"/>); null for the defaults.</param>
    /// <exception cref="CkksFormatException">The data is not valid Galois keys for this context.</exception>
    public static GaloisKeys LoadGaloisKeys(CkksContext context, ReadOnlySpan<byte> data, CkksLoadOptions? options = null) =>
        ObjectLoader.Load(data, ObjectKind.GaloisKeys, NotNull(context), false, options, (raw, h) => ObjectDecoder.ReadGaloisKeys(context, h.Seeded, raw), (s, h) => ObjectDecoder.ReadGaloisKeys(context, h.Seeded, s, h));

    /// <summary>Loads Galois keys from <paramref name="source"/>, reading exactly one object; uncompressed, one key at a time, so the set may exceed the largest array.</summary>
    /// <param name="context">The context; its parameter fingerprint must match the data's.</param>
    /// <param name="source">The stream, positioned at the object.</param>
    /// <param name="options">Limits for compressed payloads (<see cref="CkksLoadOptions"/>); null for the defaults.</param>
    /// <exception cref="CkksFormatException">The data is not valid Galois keys for this context.</exception>
    public static GaloisKeys LoadGaloisKeys(CkksContext context, Stream source, CkksLoadOptions? options = null) =>
        ObjectLoader.Load(NotNull(source), ObjectKind.GaloisKeys, NotNull(context), false, options, (raw, h) => ObjectDecoder.ReadGaloisKeys(context, h.Seeded, raw), (s, h) => ObjectDecoder.ReadGaloisKeys(context, h.Seeded, s, h));

    private static CkksContext NotNull(CkksContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context;
    }
}
