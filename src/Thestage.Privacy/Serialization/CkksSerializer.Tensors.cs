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
        ObjectLoader.Load(data, VectorFormat(context), options);

    /// <summary>Loads an encrypted vector from <paramref name="source"/>, reading exactly one object; uncompressed, one ciphertext at a time.</summary>
    /// <param name="context">The tensor context the vector is wrapped in; its parameter fingerprint must match the data's.</param>
    /// <param name="source">The stream, positioned at the object.</param>
    /// <param name="options">Limits for compressed payloads (<see cref="CkksLoadOptions"/>); null for the defaults.</param>
    /// <exception cref="CkksFormatException">The data is not a valid vector for this context.</exception>
    public static CkksVector LoadVector(TensorContext context, Stream source, CkksLoadOptions? options = null) =>
        ObjectLoader.Load(NotNull(source), VectorFormat(context), options);

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
        ObjectLoader.Load(data, TensorFormat(context), options);

    /// <summary>Loads an encrypted tensor from <paramref name="source"/>, reading exactly one object; uncompressed, one ciphertext at a time.</summary>
    /// <param name="context">The tensor context the tensor is wrapped in; its parameter fingerprint must match the data's.</param>
    /// <param name="source">The stream, positioned at the object.</param>
    /// <param name="options">Limits for compressed payloads (<see cref="CkksLoadOptions"/>); null for the defaults.</param>
    /// <exception cref="CkksFormatException">The data is not a valid tensor for this context.</exception>
    public static CkksTensor LoadTensor(TensorContext context, Stream source, CkksLoadOptions? options = null) =>
        ObjectLoader.Load(NotNull(source), TensorFormat(context), options);

    /// <summary>Sees a tensor's shape, packing, level and scale when they are read, before the work on it begins; throws to refuse it.</summary>
    /// <param name="shape">The shape.</param>
    /// <param name="packing">The packing.</param>
    /// <param name="level">The ciphertexts' level.</param>
    /// <param name="scale">The ciphertexts' scale.</param>
    public delegate void TensorCheck(IReadOnlyList<int> shape, TensorPacking packing, int level, double scale);

    /// <summary>
    /// Loads a batch-packed tensor [batch, n] (kind 9) and returns its product with a plain n × m matrix, reading the
    /// ciphertexts a block at a time: the result is word for word <c>LoadTensor(tensors, data).MatMul(matrix)</c> (the
    /// products of each block are summed exactly and the sums add modulo q), but at most one block of the n inputs
    /// exists at a time instead of all of them — a server's first layer on 784 features at N = 8192 and six primes
    /// would otherwise hold 616 MB of input ciphertexts.
    /// </summary>
    /// <param name="tensors">The tensor context.</param>
    /// <param name="data">The serialized tensor.</param>
    /// <param name="matrix">W, n × m.</param>
    /// <param name="check">Called once the header and the first ciphertext are read, before any product (to refuse a tensor early); null for none.</param>
    /// <param name="options">Limits; null for the defaults.</param>
    /// <exception cref="CkksFormatException">The data is malformed, or is not a batch tensor [batch, n].</exception>
    /// <exception cref="DepthExhaustedException">The ciphertexts have no level left for the product.</exception>
    public static CkksTensor LoadTensorMatMul(TensorContext tensors, ReadOnlySpan<byte> data, double[,] matrix, TensorCheck? check = null, CkksLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        return ObjectLoader.Load(data, new ObjectFormat<CkksTensor>(ObjectKind.Tensor, CkksOf(tensors), false, (raw, h) => TensorCodec.ReadBatchMatMul(tensors, h.Seeded, raw, matrix, check)), options);
    }

    /// <summary>
    /// Encrypts row-major [batch, features] values one sample per slot (<see cref="TensorPacking.Batch"/>) and serializes
    /// the tensor in the same pass: the bytes are those of <see cref="Save(CkksTensor, CkksSerializationOptions?)"/> of
    /// <see cref="CkksTensor.Encrypt(TensorContext, Rlwe.Encryptor, ReadOnlySpan{double}, ReadOnlySpan{int}, TensorPacking)"/>'s
    /// tensor (with fresh randomness), but each ciphertext is encrypted when its bytes are written and dropped after, so
    /// one ciphertext exists at a time instead of all of them. A client's batch of 784 features at N = 8192 and six
    /// primes is 616 MB of ciphertexts in memory and 126 MB seeded on the wire.
    /// </summary>
    /// <param name="tensors">The tensor context.</param>
    /// <param name="encryptor">An encryptor of the same CKKS context (symmetric for seeded bytes).</param>
    /// <param name="values">Row-major values, as many as the shape's product.</param>
    /// <param name="shape">The shape, [batch, …] with batch ≤ N/2.</param>
    /// <param name="options">Seeding and compression. Null for the defaults (seeded where possible, uncompressed).</param>
    /// <exception cref="ArgumentException">The shape does not match the values, the batch exceeds the slots, or there are more than 65536 features.</exception>
    public static byte[] SaveEncryptedBatch(TensorContext tensors, Rlwe.Encryptor encryptor, ReadOnlyMemory<double> values, ReadOnlySpan<int> shape, CkksSerializationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(encryptor);
        int[] s = CkksTensor.CheckBatchShape(shape, values.Length);
        if (s.Length > TensorCodec.MaxRank)
        {
            throw new ArgumentException($"Tensors of rank {s.Length} cannot be serialized; the format's maximum is {TensorCodec.MaxRank}. Reshape first.", nameof(shape));
        }

        int features = CkksTensor.BatchFeatures(tensors, s, values.Length);
        if (features > TensorCodec.MaxCiphertextCount)
        {
            throw new ArgumentException($"{features} ciphertexts exceed the format's maximum of {TensorCodec.MaxCiphertextCount} per vector or tensor.", nameof(shape));
        }

        // The first ciphertext decides the level, scale and seeding of all (every one is a fresh encryption).
        var buffers = new CkksTensor.BatchBuffers(tensors, s[0]);
        Rlwe.Ciphertext first = CkksTensor.EncryptFeature(tensors, encryptor, values.Span, buffers, 0);
        bool seeded = TensorCodec.CheckSavable([first], options, nameof(encryptor));
        int level = first.Level;
        double scale = first.Scale;

        // The writer takes the ciphertexts in order; they are encrypted a window ahead of it, side by side (one window of
        // ciphertexts exists at a time: 2 per core).
        int window = 2 * (PrivacyRuntime.MaxDegreeOfParallelism is > 0 and int threads ? threads : Environment.ProcessorCount);
        var ahead = new Rlwe.Ciphertext?[window];
        ahead[0] = first;
        using var scratch = new ThreadLocal<CkksTensor.BatchBuffers>(() => new CkksTensor.BatchBuffers(tensors, s[0]), trackAllValues: true);
        int start = 0;
        Rlwe.Ciphertext Produce(int f)
        {
            if (f < start || f >= start + window || ahead[f - start] is null)
            {
                start = f;
                Array.Clear(ahead);
                int count = Math.Min(window, features - f);
                PrivacyRuntime.For(count, k => ahead[k] = CkksTensor.EncryptFeature(tensors, encryptor, values.Span, scratch.Value!, f + k));
            }

            Rlwe.Ciphertext c = ahead[f - start]!;
            ahead[f - start] = null;
            return c.Level == level && c.Scale == scale && (!seeded || c.Seed is not null)
                ? c
                : throw new InvalidOperationException("The encryptor's ciphertexts changed level, scale or seeding within one batch.");
        }

        uint[] prefix = [(uint)s.Length, .. s.Select(d => (uint)d), (uint)TensorPacking.Batch, (uint)features];
        try
        {
            return new SaveJob(ObjectKind.Tensor, Fingerprints.Of(tensors.Context), seeded, TensorCodec.Segments(prefix, features, tensors.Context, level, seeded, Produce), Compression(options)).ToArray();
        }
        finally
        {
            // The columns and slots held the samples.
            foreach (CkksTensor.BatchBuffers b in scratch.Values.Append(buffers))
            {
                Array.Clear(b.Column);
                Array.Clear(b.Slots);
            }
        }
    }

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
