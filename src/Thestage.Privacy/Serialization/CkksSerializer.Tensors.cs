using Thestage.Privacy.Tensors;

namespace Thestage.Privacy.Serialization;

public static partial class CkksSerializer
{
    /// <summary>
    /// Serializes an encrypted vector (kind 8): its length and its ciphertexts; seeded (about half the size) when every
    /// ciphertext is a fresh symmetric encryption and seeds are used.
    /// </summary>
    /// <param name="vector">The vector.</param>
    /// <param name="options">Seeding and compression. Null for the defaults (seeded where possible, uncompressed).</param>
    /// <exception cref="ArgumentException">The vector's ciphertexts are not all of size 2 (relinearize first), or there are more than 65536.</exception>
    public static byte[] Save(CkksVector vector, CkksSerializationOptions? options = null) => Job(vector, options).ToArray();

    /// <summary>Serializes an encrypted vector into <paramref name="destination"/>, one ciphertext at a time when uncompressed.</summary>
    /// <param name="vector">The vector.</param>
    /// <param name="destination">The stream written to.</param>
    /// <param name="options">Seeding and compression. Null for the defaults.</param>
    /// <exception cref="ArgumentException">The vector's ciphertexts are not all of size 2, or there are more than 65536.</exception>
    public static void Save(CkksVector vector, Stream destination, CkksSerializationOptions? options = null) => Job(vector, options).WriteTo(NotNull(destination));

    /// <summary>Serializes an encrypted vector into <paramref name="destination"/> if it is large enough.</summary>
    /// <param name="vector">The vector.</param>
    /// <param name="destination">The buffer; at least <see cref="GetSerializedSize(CkksVector, CkksSerializationOptions?)"/> bytes.</param>
    /// <param name="bytesWritten">The number of bytes written, 0 when the buffer is too small.</param>
    /// <param name="options">Seeding and compression. Null for the defaults.</param>
    /// <returns>False when the buffer is too small.</returns>
    public static bool TrySave(CkksVector vector, Span<byte> destination, out int bytesWritten, CkksSerializationOptions? options = null) => Job(vector, options).TryWrite(destination, out bytesWritten);

    /// <summary>The exact number of bytes <see cref="Save(CkksVector, CkksSerializationOptions?)"/> produces.</summary>
    /// <param name="vector">The vector.</param>
    /// <param name="options">The options the object will be saved with; with compression this compresses once.</param>
    public static long GetSerializedSize(CkksVector vector, CkksSerializationOptions? options = null) => Job(vector, options).Size;

    /// <summary>
    /// Serializes an encrypted tensor (kind 9): its shape, packing and ciphertexts; seeded (about half the size) when
    /// every ciphertext is a fresh symmetric encryption and seeds are used.
    /// </summary>
    /// <param name="tensor">The tensor.</param>
    /// <param name="options">Seeding and compression. Null for the defaults (seeded where possible, uncompressed).</param>
    /// <exception cref="ArgumentException">The rank exceeds 8, the ciphertexts are not all of size 2, or there are more than 65536.</exception>
    public static byte[] Save(CkksTensor tensor, CkksSerializationOptions? options = null) => Job(tensor, options).ToArray();

    /// <summary>Serializes an encrypted tensor into <paramref name="destination"/>, one ciphertext at a time when uncompressed.</summary>
    /// <param name="tensor">The tensor.</param>
    /// <param name="destination">The stream written to.</param>
    /// <param name="options">Seeding and compression. Null for the defaults.</param>
    /// <exception cref="ArgumentException">The rank exceeds 8, the ciphertexts are not all of size 2, or there are more than 65536.</exception>
    public static void Save(CkksTensor tensor, Stream destination, CkksSerializationOptions? options = null) => Job(tensor, options).WriteTo(NotNull(destination));

    /// <summary>Serializes an encrypted tensor into <paramref name="destination"/> if it is large enough.</summary>
    /// <param name="tensor">The tensor.</param>
    /// <param name="destination">The buffer; at least <see cref="GetSerializedSize(CkksTensor, CkksSerializationOptions?)"/> bytes.</param>
    /// <param name="bytesWritten">The number of bytes written, 0 when the buffer is too small.</param>
    /// <param name="options">Seeding and compression. Null for the defaults.</param>
    /// <returns>False when the buffer is too small.</returns>
    public static bool TrySave(CkksTensor tensor, Span<byte> destination, out int bytesWritten, CkksSerializationOptions? options = null) => Job(tensor, options).TryWrite(destination, out bytesWritten);

    /// <summary>The exact number of bytes <see cref="Save(CkksTensor, CkksSerializationOptions?)"/> produces.</summary>
    /// <param name="tensor">The tensor.</param>
    /// <param name="options">The options the object will be saved with; with compression this compresses once.</param>
    public static long GetSerializedSize(CkksTensor tensor, CkksSerializationOptions? options = null) => Job(tensor, options).Size;

    /// <summary>
    /// Loads an encrypted vector saved under the parameters of <paramref name="context"/>'s CKKS context. The length
    /// (at most 65536 ciphertexts of N/2 values), the ciphertext count (exactly ⌈n/(N/2)⌉) and the payload length are
    /// checked before anything is allocated; every ciphertext must have size 2 and the level and scale of the first.
    /// </summary>
    /// <param name="context">The tensor context the vector is wrapped in; its parameter fingerprint must match the data's.</param>
    /// <param name="data">Exactly one serialized vector.</param>
    /// <param name="options">Limits for compressed payloads (<see cref="CkksLoadOptions"/>); null for the defaults.</param>
    /// <exception cref="CkksFormatException">The data is not a valid vector for this context.</exception>
    public static CkksVector LoadVector(TensorContext context, ReadOnlySpan<byte> data, CkksLoadOptions? options = null) =>
        ObjectLoader.Load(data, ObjectKind.Vector, CkksOf(context), false, options, (raw, h) => TensorCodec.ReadVector(context, h.Seeded, raw), (s, h) => TensorCodec.ReadVector(context, s, h));

    /// <summary>Loads an encrypted vector from <paramref name="source"/>, reading exactly one object; uncompressed, one ciphertext at a time.</summary>
    /// <param name="context">The tensor context the vector is wrapped in; its parameter fingerprint must match the data's.</param>
    /// <param name="source">The stream, positioned at the object.</param>
    /// <param name="options">Limits for compressed payloads (<see cref="CkksLoadOptions"/>); null for the defaults.</param>
    /// <exception cref="CkksFormatException">The data is not a valid vector for this context.</exception>
    public static CkksVector LoadVector(TensorContext context, Stream source, CkksLoadOptions? options = null) =>
        ObjectLoader.Load(NotNull(source), ObjectKind.Vector, CkksOf(context), false, options, (raw, h) => TensorCodec.ReadVector(context, h.Seeded, raw), (s, h) => TensorCodec.ReadVector(context, s, h));

    /// <summary>
    /// Loads an encrypted tensor saved under the parameters of <paramref name="context"/>'s CKKS context. The rank
    /// (1 to 8), every dimension (at least 1), the element count (at most 65536 ciphertexts of N/2 values), the packing,
    /// the batch size (at most N/2), the ciphertext count and the payload length are checked before anything is
    /// allocated; every ciphertext must have size 2 and the level and scale of the first.
    /// </summary>
    /// <param name="context">The tensor context the tensor is wrapped in; its parameter fingerprint must match the data's.</param>
    /// <param name="data">Exactly one serialized tensor.</param>
    /// <param name="options">Limits for compressed payloads (<see cref="CkksLoadOptions"/>); null for the defaults.</param>
    /// <exception cref="CkksFormatException">The data is not a valid tensor for this context.</exception>
    public static CkksTensor LoadTensor(TensorContext context, ReadOnlySpan<byte> data, CkksLoadOptions? options = null) =>
        ObjectLoader.Load(data, ObjectKind.Tensor, CkksOf(context), false, options, (raw, h) => TensorCodec.ReadTensor(context, h.Seeded, raw), (s, h) => TensorCodec.ReadTensor(context, s, h));

    /// <summary>Loads an encrypted tensor from <paramref name="source"/>, reading exactly one object; uncompressed, one ciphertext at a time.</summary>
    /// <param name="context">The tensor context the tensor is wrapped in; its parameter fingerprint must match the data's.</param>
    /// <param name="source">The stream, positioned at the object.</param>
    /// <param name="options">Limits for compressed payloads (<see cref="CkksLoadOptions"/>); null for the defaults.</param>
    /// <exception cref="CkksFormatException">The data is not a valid tensor for this context.</exception>
    public static CkksTensor LoadTensor(TensorContext context, Stream source, CkksLoadOptions? options = null) =>
        ObjectLoader.Load(NotNull(source), ObjectKind.Tensor, CkksOf(context), false, options, (raw, h) => TensorCodec.ReadTensor(context, h.Seeded, raw), (s, h) => TensorCodec.ReadTensor(context, s, h));

    private static Ckks.CkksContext CkksOf(TensorContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Context;
    }

    private static SaveJob Job(CkksVector vector, CkksSerializationOptions? options)
    {
        ArgumentNullException.ThrowIfNull(vector);
        bool seeded = TensorCodec.CheckSavable(vector.Ciphertexts, options, nameof(vector));
        uint[] prefix = [(uint)vector.Length, (uint)vector.CiphertextCount];
        return new SaveJob(ObjectKind.Vector, Fingerprints.Of(vector.TensorContext.Context), seeded, TensorCodec.Segments(prefix, vector.Ciphertexts, seeded), Compression(options));
    }

    private static SaveJob Job(CkksTensor tensor, CkksSerializationOptions? options)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Shape.Count > TensorCodec.MaxRank)
        {
            throw new ArgumentException($"Tensors of rank {tensor.Shape.Count} cannot be serialized; the format's maximum is {TensorCodec.MaxRank}. Reshape first.", nameof(tensor));
        }

        bool seeded = TensorCodec.CheckSavable(tensor.Ciphertexts, options, nameof(tensor));
        uint[] prefix = [(uint)tensor.Shape.Count, .. tensor.Shape.Select(d => (uint)d), (uint)tensor.Packing, (uint)tensor.CiphertextCount];
        return new SaveJob(ObjectKind.Tensor, Fingerprints.Of(tensor.TensorContext.Context), seeded, TensorCodec.Segments(prefix, tensor.Ciphertexts, seeded), Compression(options));
    }
}
