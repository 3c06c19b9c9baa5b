using Thestage.Privacy.Ckks;
using Thestage.Privacy.Rlwe;
using Thestage.Privacy.Tensors;

namespace Thestage.Privacy.Serialization;

/// <remarks>
/// The asynchronous members write and read the stream with <see cref="Stream.WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/>
/// and <see cref="Stream.ReadAsync(Memory{byte}, CancellationToken)"/> (files, sockets, blobs) and produce the same bytes
/// and the same validation as their synchronous overloads; encoding and parsing are CPU work done on the calling thread.
/// An asynchronous load reads the header first and validates it before anything is allocated, then reads the payload
/// into a buffer that grows only as bytes arrive, so the object must fit in an array: load larger Galois keys, vectors
/// or tensors with the synchronous stream overloads, which parse one element at a time.
/// </remarks>
public static partial class CkksSerializer
{
    /// <summary>Serializes CKKS parameters into <paramref name="destination"/> with asynchronous writes; the bytes are those of the synchronous overload.</summary>
    /// <param name="parameters">The object.</param>
    /// <param name="destination">The stream written to.</param>
    /// <param name="options">Compression and seeds; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    public static Task SaveAsync(CkksParameters parameters, Stream destination, CkksSerializationOptions? options = null, CancellationToken cancellationToken = default) =>
        Job(parameters, options).WriteToAsync(NotNull(destination), cancellationToken);

    /// <summary>Serializes a plaintext into <paramref name="destination"/> with asynchronous writes; the bytes are those of the synchronous overload.</summary>
    /// <param name="plaintext">The object.</param>
    /// <param name="destination">The stream written to.</param>
    /// <param name="options">Compression and seeds; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    public static Task SaveAsync(Plaintext plaintext, Stream destination, CkksSerializationOptions? options = null, CancellationToken cancellationToken = default) =>
        Job(plaintext, options).WriteToAsync(NotNull(destination), cancellationToken);

    /// <summary>Serializes a ciphertext into <paramref name="destination"/> with asynchronous writes; the bytes are those of the synchronous overload.</summary>
    /// <param name="ciphertext">The object.</param>
    /// <param name="destination">The stream written to.</param>
    /// <param name="options">Compression and seeds; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    public static Task SaveAsync(Ciphertext ciphertext, Stream destination, CkksSerializationOptions? options = null, CancellationToken cancellationToken = default) =>
        Job(ciphertext, options).WriteToAsync(NotNull(destination), cancellationToken);

    /// <summary>Serializes a public key into <paramref name="destination"/> with asynchronous writes; the bytes are those of the synchronous overload.</summary>
    /// <param name="publicKey">The object.</param>
    /// <param name="destination">The stream written to.</param>
    /// <param name="options">Compression and seeds; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    public static Task SaveAsync(PublicKey publicKey, Stream destination, CkksSerializationOptions? options = null, CancellationToken cancellationToken = default) =>
        Job(publicKey, options).WriteToAsync(NotNull(destination), cancellationToken);

    /// <summary>Serializes relinearization keys into <paramref name="destination"/> with asynchronous writes; the bytes are those of the synchronous overload.</summary>
    /// <param name="relinKeys">The object.</param>
    /// <param name="destination">The stream written to.</param>
    /// <param name="options">Compression and seeds; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    public static Task SaveAsync(RelinKeys relinKeys, Stream destination, CkksSerializationOptions? options = null, CancellationToken cancellationToken = default) =>
        Job(relinKeys, options).WriteToAsync(NotNull(destination), cancellationToken);

    /// <summary>Serializes Galois keys into <paramref name="destination"/> with asynchronous writes; the bytes are those of the synchronous overload.</summary>
    /// <param name="galoisKeys">The object.</param>
    /// <param name="destination">The stream written to.</param>
    /// <param name="options">Compression and seeds; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    public static Task SaveAsync(GaloisKeys galoisKeys, Stream destination, CkksSerializationOptions? options = null, CancellationToken cancellationToken = default) =>
        Job(galoisKeys, options).WriteToAsync(NotNull(destination), cancellationToken);

    /// <summary>Serializes an encrypted vector into <paramref name="destination"/> with asynchronous writes; the bytes are those of the synchronous overload.</summary>
    /// <param name="vector">The object.</param>
    /// <param name="destination">The stream written to.</param>
    /// <param name="options">Compression and seeds; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    public static Task SaveAsync(CkksVector vector, Stream destination, CkksSerializationOptions? options = null, CancellationToken cancellationToken = default) =>
        Job(vector, options).WriteToAsync(NotNull(destination), cancellationToken);

    /// <summary>Serializes an encrypted tensor into <paramref name="destination"/> with asynchronous writes; the bytes are those of the synchronous overload.</summary>
    /// <param name="tensor">The object.</param>
    /// <param name="destination">The stream written to.</param>
    /// <param name="options">Compression and seeds; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    public static Task SaveAsync(CkksTensor tensor, Stream destination, CkksSerializationOptions? options = null, CancellationToken cancellationToken = default) =>
        Job(tensor, options).WriteToAsync(NotNull(destination), cancellationToken);

    /// <summary>Serializes the secret key into <paramref name="destination"/> with asynchronous writes; the bytes written are secret and temporary buffers are wiped.</summary>
    /// <param name="secretKey">The secret key.</param>
    /// <param name="destination">The stream written to.</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    /// <exception cref="ObjectDisposedException">The key has been disposed.</exception>
    public static Task SaveSecretKeyAsync(SecretKey secretKey, Stream destination, CancellationToken cancellationToken = default) =>
        SecretJob(secretKey).WriteToAsync(NotNull(destination), cancellationToken);

    /// <summary>Loads CKKS parameters from <paramref name="source"/> with asynchronous reads, reading exactly one object.</summary>
    /// <param name="source">The stream, positioned at the object.</param>
    /// <param name="options">Limits for compressed payloads (<see cref="CkksLoadOptions"/>); null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <exception cref="CkksFormatException">The data is not valid serialized parameters.</exception>
    public static Task<CkksParameters> LoadParametersAsync(Stream source, CkksLoadOptions? options = null, CancellationToken cancellationToken = default) =>
        ObjectLoader.LoadAsync(NotNull(source), ParametersFormat, options, cancellationToken);

    /// <summary>Loads a plaintext from <paramref name="source"/> with asynchronous reads, reading exactly one object and validating it as <see cref="LoadPlaintext(CkksContext, Stream, CkksLoadOptions?)"/> does.</summary>
    /// <param name="context">The context; its parameter fingerprint must match the data's.</param>
    /// <param name="source">The stream, positioned at the object.</param>
    /// <param name="options">Limits for compressed payloads (<see cref="CkksLoadOptions"/>); null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <exception cref="CkksFormatException">The data is not valid a plaintext for this context.</exception>
    public static Task<Plaintext> LoadPlaintextAsync(CkksContext context, Stream source, CkksLoadOptions? options = null, CancellationToken cancellationToken = default) =>
        ObjectLoader.LoadAsync(NotNull(source), PlaintextFormat(context), options, cancellationToken);

    /// <summary>Loads a ciphertext from <paramref name="source"/> with asynchronous reads, reading exactly one object and validating it as <see cref="LoadCiphertext(CkksContext, Stream, CkksLoadOptions?)"/> does.</summary>
    /// <param name="context">The context; its parameter fingerprint must match the data's.</param>
    /// <param name="source">The stream, positioned at the object.</param>
    /// <param name="options">Limits for compressed payloads (<see cref="CkksLoadOptions"/>); null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <exception cref="CkksFormatException">The data is not valid a ciphertext for this context.</exception>
    public static Task<Ciphertext> LoadCiphertextAsync(CkksContext context, Stream source, CkksLoadOptions? options = null, CancellationToken cancellationToken = default) =>
        ObjectLoader.LoadAsync(NotNull(source), CiphertextFormat(context), options, cancellationToken);

    /// <summary>Loads a public key from <paramref name="source"/> with asynchronous reads, reading exactly one object and validating it as <see cref="LoadPublicKey(CkksContext, Stream, CkksLoadOptions?)"/> does.</summary>
    /// <param name="context">The context; its parameter fingerprint must match the data's.</param>
    /// <param name="source">The stream, positioned at the object.</param>
    /// <param name="options">Limits for compressed payloads (<see cref="CkksLoadOptions"/>); null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <exception cref="CkksFormatException">The data is not valid a public key for this context.</exception>
    public static Task<PublicKey> LoadPublicKeyAsync(CkksContext context, Stream source, CkksLoadOptions? options = null, CancellationToken cancellationToken = default) =>
        ObjectLoader.LoadAsync(NotNull(source), PublicKeyFormat(context), options, cancellationToken);

    /// <summary>Loads relinearization keys from <paramref name="source"/> with asynchronous reads, reading exactly one object and validating it as <see cref="LoadRelinKeys(CkksContext, Stream, CkksLoadOptions?)"/> does.</summary>
    /// <param name="context">The context; its parameter fingerprint must match the data's.</param>
    /// <param name="source">The stream, positioned at the object.</param>
    /// <param name="options">Limits for compressed payloads (<see cref="CkksLoadOptions"/>); null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <exception cref="CkksFormatException">The data is not valid relinearization keys for this context.</exception>
    public static Task<RelinKeys> LoadRelinKeysAsync(CkksContext context, Stream source, CkksLoadOptions? options = null, CancellationToken cancellationToken = default) =>
        ObjectLoader.LoadAsync(NotNull(source), RelinKeysFormat(context), options, cancellationToken);

    /// <summary>Loads Galois keys from <paramref name="source"/> with asynchronous reads, reading exactly one object and validating it as <see cref="LoadGaloisKeys(CkksContext, Stream, CkksLoadOptions?)"/> does.</summary>
    /// <param name="context">The context; its parameter fingerprint must match the data's.</param>
    /// <param name="source">The stream, positioned at the object.</param>
    /// <param name="options">Limits for compressed payloads (<see cref="CkksLoadOptions"/>); null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <exception cref="CkksFormatException">The data is not valid Galois keys for this context.</exception>
    public static Task<GaloisKeys> LoadGaloisKeysAsync(CkksContext context, Stream source, CkksLoadOptions? options = null, CancellationToken cancellationToken = default) =>
        ObjectLoader.LoadAsync(NotNull(source), GaloisKeysFormat(context), options, cancellationToken);

    /// <summary>Loads an encrypted vector from <paramref name="source"/> with asynchronous reads, reading exactly one object and validating it as <see cref="LoadVector(TensorContext, Stream, CkksLoadOptions?)"/> does.</summary>
    /// <param name="context">The tensor context the object is wrapped in; its parameter fingerprint must match the data's.</param>
    /// <param name="source">The stream, positioned at the object.</param>
    /// <param name="options">Limits for compressed payloads (<see cref="CkksLoadOptions"/>); null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <exception cref="CkksFormatException">The data is not valid an encrypted vector for this context.</exception>
    public static Task<CkksVector> LoadVectorAsync(TensorContext context, Stream source, CkksLoadOptions? options = null, CancellationToken cancellationToken = default) =>
        ObjectLoader.LoadAsync(NotNull(source), VectorFormat(context), options, cancellationToken);

    /// <summary>Loads an encrypted tensor from <paramref name="source"/> with asynchronous reads, reading exactly one object and validating it as <see cref="LoadTensor(TensorContext, Stream, CkksLoadOptions?)"/> does.</summary>
    /// <param name="context">The tensor context the object is wrapped in; its parameter fingerprint must match the data's.</param>
    /// <param name="source">The stream, positioned at the object.</param>
    /// <param name="options">Limits for compressed payloads (<see cref="CkksLoadOptions"/>); null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <exception cref="CkksFormatException">The data is not valid an encrypted tensor for this context.</exception>
    public static Task<CkksTensor> LoadTensorAsync(TensorContext context, Stream source, CkksLoadOptions? options = null, CancellationToken cancellationToken = default) =>
        ObjectLoader.LoadAsync(NotNull(source), TensorFormat(context), options, cancellationToken);

    /// <summary>Loads a secret key from <paramref name="source"/> with asynchronous reads, reading exactly one object; temporary buffers are wiped.</summary>
    /// <param name="context">The context; its parameter fingerprint must match the data's.</param>
    /// <param name="source">The stream, positioned at the object.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <exception cref="CkksFormatException">The data is not a valid secret key for this context.</exception>
    public static Task<SecretKey> LoadSecretKeyAsync(CkksContext context, Stream source, CancellationToken cancellationToken = default) =>
        ObjectLoader.LoadAsync(NotNull(source), SecretKeyFormat(context), null, cancellationToken);
}
