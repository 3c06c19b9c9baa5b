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
        ObjectLoader.Load(data, ParametersFormat, options);

    /// <summary>Loads CKKS parameters from <paramref name="source"/>, reading exactly one object.</summary>
    /// <param name="source">The stream, positioned at the object.</param>
    /// <param name="options">Limits for compressed payloads (<see cref="CkksLoadOptions"/>); null for the defaults.</param>
    /// <exception cref="CkksFormatException">The data is not valid serialized parameters.</exception>
    public static CkksParameters LoadParameters(Stream source, CkksLoadOptions? options = null) =>
        ObjectLoader.Load(NotNull(source), ParametersFormat, options);

    /// <summary>Loads a plaintext saved under the parameters of <paramref name="context"/>.</summary>
    /// <param name="context">The context; its parameter fingerprint must match the data's.</param>
    /// <param name="data">Exactly one serialized plaintext.</param>
    /// <param name="options">Limits for compressed payloads (<see cref="CkksLoadOptions"/>); null for the defaults.</param>
    /// <exception cref="CkksFormatException">The data is not a valid plaintext for this context.</exception>
    public static Plaintext LoadPlaintext(CkksContext context, ReadOnlySpan<byte> data, CkksLoadOptions? options = null) =>
        ObjectLoader.Load(data, PlaintextFormat(context), options);

    /// <summary>Loads a plaintext from <paramref name="source"/>, reading exactly one object.</summary>
    /// <param name="context">The context; its parameter fingerprint must match the data's.</param>
    /// <param name="source">The stream, positioned at the object.</param>
    /// <param name="options">Limits for compressed payloads (<see cref="CkksLoadOptions"/>); null for the defaults.</param>
    /// <exception cref="CkksFormatException">The data is not a valid plaintext for this context.</exception>
    public static Plaintext LoadPlaintext(CkksContext context, Stream source, CkksLoadOptions? options = null) =>
        ObjectLoader.Load(NotNull(source), PlaintextFormat(context), options);

    /// <summary>Loads a ciphertext saved under the parameters of <paramref name="context"/>; a seeded one has c₁ re-expanded (and keeps its seed).</summary>
    /// <param name="context">The context; its parameter fingerprint must match the data's.</param>
    /// <param name="data">Exactly one serialized ciphertext.</param>
    /// <param name="options">Limits for compressed payloads (<see cref="CkksLoadOptions"/>); null for the defaults.</param>
    /// <exception cref="CkksFormatException">The data is not a valid ciphertext for this context.</exception>
    public static Ciphertext LoadCiphertext(CkksContext context, ReadOnlySpan<byte> data, CkksLoadOptions? options = null) =>
        ObjectLoader.Load(data, CiphertextFormat(context), options);

    /// <summary>Loads a ciphertext from <paramref name="source"/>, reading exactly one object.</summary>
    /// <param name="context">The context; its parameter fingerprint must match the data's.</param>
    /// <param name="source">The stream, positioned at the object.</param>
    /// <param name="options">Limits for compressed payloads (<see cref="CkksLoadOptions"/>); null for the defaults.</param>
    /// <exception cref="CkksFormatException">The data is not a valid ciphertext for this context.</exception>
    public static Ciphertext LoadCiphertext(CkksContext context, Stream source, CkksLoadOptions? options = null) =>
        ObjectLoader.Load(NotNull(source), CiphertextFormat(context), options);

    /// <summary>Loads a public key saved under the parameters of <paramref name="context"/>.</summary>
    /// <param name="context">The context; its parameter fingerprint must match the data's.</param>
    /// <param name="data">Exactly one serialized public key.</param>
    /// <param name="options">Limits for compressed payloads (<see cref="CkksLoadOptions"/>); null for the defaults.</param>
    /// <exception cref="CkksFormatException">The data is not a valid public key for this context.</exception>
    public static PublicKey LoadPublicKey(CkksContext context, ReadOnlySpan<byte> data, CkksLoadOptions? options = null) =>
        ObjectLoader.Load(data, PublicKeyFormat(context), options);

    /// <summary>Loads a public key from <paramref name="source"/>, reading exactly one object.</summary>
    /// <param name="context">The context; its parameter fingerprint must match the data's.</param>
    /// <param name="source">The stream, positioned at the object.</param>
    /// <param name="options">Limits for compressed payloads (<see cref="CkksLoadOptions"/>); null for the defaults.</param>
    /// <exception cref="CkksFormatException">The data is not a valid public key for this context.</exception>
    public static PublicKey LoadPublicKey(CkksContext context, Stream source, CkksLoadOptions? options = null) =>
        ObjectLoader.Load(NotNull(source), PublicKeyFormat(context), options);

    /// <summary>Loads relinearization keys saved under the parameters of <paramref name="context"/>.</summary>
    /// <param name="context">The context; its parameter fingerprint must match the data's.</param>
    /// <param name="data">Exactly one serialized set of relinearization keys.</param>
    /// <param name="options">Limits for compressed payloads (<see cref="CkksLoadOptions"/>); null for the defaults.</param>
    /// <exception cref="CkksFormatException">The data is not valid relinearization keys for this context.</exception>
    public static RelinKeys LoadRelinKeys(CkksContext context, ReadOnlySpan<byte> data, CkksLoadOptions? options = null) =>
        ObjectLoader.Load(data, RelinKeysFormat(context), options);

    /// <summary>Loads relinearization keys from <paramref name="source"/>, reading exactly one object.</summary>
    /// <param name="context">The context; its parameter fingerprint must match the data's.</param>
    /// <param name="source">The stream, positioned at the object.</param>
    /// <param name="options">Limits for compressed payloads (<see cref="CkksLoadOptions"/>); null for the defaults.</param>
    /// <exception cref="CkksFormatException">The data is not valid relinearization keys for this context.</exception>
    public static RelinKeys LoadRelinKeys(CkksContext context, Stream source, CkksLoadOptions? options = null) =>
        ObjectLoader.Load(NotNull(source), RelinKeysFormat(context), options);

    /// <summary>Loads Galois keys saved under the parameters of <paramref name="context"/>; elements must be odd, in [3, 2N), strictly ascending.</summary>
    /// <param name="context">The context; its parameter fingerprint must match the data's.</param>
    /// <param name="data">Exactly one serialized set of Galois keys.</param>
    /// <param name="options">Limits for compressed payloads (<see cref="CkksLoadOptions"/>); null for the defaults.</param>
    /// <exception cref="CkksFormatException">The data is not valid Galois keys for this context.</exception>
    public static GaloisKeys LoadGaloisKeys(CkksContext context, ReadOnlySpan<byte> data, CkksLoadOptions? options = null) =>
        ObjectLoader.Load(data, GaloisKeysFormat(context), options);

    /// <summary>Loads Galois keys from <paramref name="source"/>, reading exactly one object; uncompressed, one key at a time, so the set may exceed the largest array.</summary>
    /// <param name="context">The context; its parameter fingerprint must match the data's.</param>
    /// <param name="source">The stream, positioned at the object.</param>
    /// <param name="options">Limits for compressed payloads (<see cref="CkksLoadOptions"/>); null for the defaults.</param>
    /// <exception cref="CkksFormatException">The data is not valid Galois keys for this context.</exception>
    public static GaloisKeys LoadGaloisKeys(CkksContext context, Stream source, CkksLoadOptions? options = null) =>
        ObjectLoader.Load(NotNull(source), GaloisKeysFormat(context), options);

    private static CkksContext NotNull(CkksContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context;
    }
}
