using System.Numerics.Tensors;
using Thestage.Privacy.Rlwe;

namespace Thestage.Privacy.Tensors;

/// <summary>
/// An encrypted n-dimensional tensor with a shape and an explicit packing (<see cref="TensorPacking"/>), with plain
/// interop through System.Numerics.Tensors: encrypt from and decrypt into <see cref="Tensor{T}"/>.
/// </summary>
/// <remarks>
/// Elementwise operations work in both packings. Linear maps (matrix products, convolution, pooling, axis sums)
/// use <see cref="LinearTransform"/> in row-major packing (one level, BSGS rotations) and per-sample scalar
/// products in batch packing (one level, no rotations). Immutable.
/// </remarks>
public sealed partial class CkksTensor
{
    private readonly int[] _shape;
    private readonly CkksVector? _rowMajor;     // RowMajor packing
    private readonly Ciphertext[]? _features;   // Batch packing: one ciphertext per element of shape[1..]

    private CkksTensor(TensorContext tensors, int[] shape, CkksVector? rowMajor, Ciphertext[]? features)
    {
        TensorContext = tensors;
        _shape = shape;
        _rowMajor = rowMajor;
        _features = features;
    }

    /// <summary>The tensor context.</summary>
    public TensorContext TensorContext { get; }

    /// <summary>The shape.</summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <summary>The packing.</summary>
    public TensorPacking Packing => _rowMajor is null ? TensorPacking.Batch : TensorPacking.RowMajor;

    /// <summary>The number of values, the product of the shape.</summary>
    public int FlattenedLength => Product(_shape);

    /// <summary>The data level (remaining depth).</summary>
    public int Level => _rowMajor?.Level ?? _features![0].Level;

    /// <summary>The number of ciphertexts.</summary>
    public int CiphertextCount => _rowMajor?.CiphertextCount ?? _features!.Length;

    /// <summary>The ciphertexts (shared, not copied: do not modify them).</summary>
    public IReadOnlyList<Ciphertext> Ciphertexts => _rowMajor is not null ? _rowMajor.Ciphertexts : _features!;

    /// <summary>Wraps ciphertexts that hold a tensor of <paramref name="shape"/> in the given packing (for example received from a peer).</summary>
    /// <param name="tensors">The tensor context.</param>
    /// <param name="shape">The shape.</param>
    /// <param name="packing">The packing.</param>
    /// <param name="ciphertexts">The ciphertexts: as <see cref="CkksVector.FromCiphertexts"/> for row-major, one per feature for batch.</param>
    /// <exception cref="ArgumentException">The shape or ciphertexts do not match.</exception>
    public static CkksTensor FromCiphertexts(TensorContext tensors, ReadOnlySpan<int> shape, TensorPacking packing, IReadOnlyList<Ciphertext> ciphertexts)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(ciphertexts);
        int[] s = CheckShape(shape, Product(shape));
        if (packing == TensorPacking.RowMajor)
        {
            return new CkksTensor(tensors, s, CkksVector.FromCiphertexts(tensors, Product(s), ciphertexts), null);
        }

        if (s[0] > tensors.SlotCount)
        {
            throw new ArgumentException($"A batch of {s[0]} samples exceeds the {tensors.SlotCount} slots.", nameof(shape));
        }

        CkksVector.CheckCiphertexts(tensors, ciphertexts, Product(s) / s[0]);
        return new CkksTensor(tensors, s, null, ciphertexts.ToArray());
    }

    /// <summary>The row-major data as a vector (row-major packing only).</summary>
    /// <exception cref="InvalidOperationException">The tensor is batch-packed.</exception>
    public CkksVector AsVector() => _rowMajor ?? throw new InvalidOperationException("A batch-packed tensor is not one vector; decrypt it or use row-major packing.");

    /// <summary>Encrypts <paramref name="values"/> with the given packing.</summary>
    /// <param name="tensors">The tensor context.</param>
    /// <param name="encryptor">An encryptor of the same CKKS context.</param>
    /// <param name="values">The values; for batch packing, axis 0 (at most N/2 samples) is the batch.</param>
    /// <param name="packing">The packing.</param>
    /// <exception cref="ArgumentException">Empty values, or a batch larger than the slot count, or rank 0 batch.</exception>
    public static CkksTensor Encrypt(TensorContext tensors, Encryptor encryptor, ReadOnlyTensorSpan<double> values, TensorPacking packing = TensorPacking.RowMajor)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(encryptor);
        int[] shape = ShapeOf(values.Lengths);
        var flat = new double[Product(shape)];
        if (flat.Length == 0)
        {
            throw new ArgumentException("The tensor is empty.", nameof(values));
        }

        values.FlattenTo(flat);
        return Encrypt(tensors, encryptor, flat, shape, packing);
    }

    /// <summary>Encrypts row-major <paramref name="values"/> of the given <paramref name="shape"/>.</summary>
    /// <param name="tensors">The tensor context.</param>
    /// <param name="encryptor">An encryptor of the same CKKS context.</param>
    /// <param name="values">Row-major values, as many as the shape's product.</param>
    /// <param name="shape">The shape.</param>
    /// <param name="packing">The packing.</param>
    public static CkksTensor Encrypt(TensorContext tensors, Encryptor encryptor, ReadOnlySpan<double> values, ReadOnlySpan<int> shape, TensorPacking packing = TensorPacking.RowMajor)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(encryptor);
        int[] s = CheckShape(shape, values.Length);
        if (packing == TensorPacking.RowMajor)
        {
            return new CkksTensor(tensors, s, CkksVector.Encrypt(tensors, encryptor, values), null);
        }

        int features = BatchFeatures(tensors, s, values.Length);
        var cts = new Ciphertext[features];
        var buffers = new BatchBuffers(tensors, s[0]);
        for (int f = 0; f < features; f++)
        {
            cts[f] = EncryptFeature(tensors, encryptor, values, buffers, f);
        }

        return new CkksTensor(tensors, s, null, cts);
    }

    /// <summary>The features (ciphertexts) of a batch-packed tensor of <paramref name="shape"/> holding <paramref name="length"/> values.</summary>
    /// <exception cref="ArgumentException">The batch exceeds the slots.</exception>
    internal static int BatchFeatures(TensorContext tensors, int[] shape, int length)
    {
        int batch = shape[0];
        return batch > tensors.SlotCount
            ? throw new ArgumentException($"A batch of {batch} samples exceeds the {tensors.SlotCount} slots of one ciphertext.", nameof(shape))
            : length / batch;
    }

    /// <summary>Feature <paramref name="feature"/> of row-major [batch, features] values, packed one sample per slot and encrypted.</summary>
    internal static Ciphertext EncryptFeature(TensorContext tensors, Encryptor encryptor, ReadOnlySpan<double> values, BatchBuffers buffers, int feature)
    {
        double[] column = buffers.Column;
        int features = values.Length / column.Length;
        for (int b = 0; b < column.Length; b++)
        {
            column[b] = values[b * features + feature];
        }

        CkksVector.Pack(column, buffers.Period, buffers.Slots);
        return encryptor.Encrypt(tensors.Encoder.Encode(buffers.Slots, tensors.Scale));
    }

    /// <summary>Check a tensor's shape for <see cref="Serialization.CkksSerializer"/>'s streaming encryption.</summary>
    internal static int[] CheckBatchShape(ReadOnlySpan<int> shape, int length) => CheckShape(shape, length);

    /// <summary>The scratch of batch encryption: one feature's column and its slots.</summary>
    internal sealed class BatchBuffers(TensorContext tensors, int batch)
    {
        public double[] Column { get; } = new double[batch];

        public double[] Slots { get; } = new double[tensors.SlotCount];

        public int Period { get; } = CkksVector.PeriodFor(batch, tensors.SlotCount);
    }

    /// <summary>Decrypts into a <see cref="Tensor{T}"/> of the same shape.</summary>
    /// <param name="decryptor">A decryptor of the same CKKS context.</param>
    public Tensor<double> Decrypt(Decryptor decryptor)
    {
        ArgumentNullException.ThrowIfNull(decryptor);
        double[] flat = DecryptFlat(decryptor);
        return Tensor.Create(flat, Array.ConvertAll(_shape, d => (nint)d));
    }

    /// <summary>Decrypts into row-major values.</summary>
    /// <param name="decryptor">A decryptor of the same CKKS context.</param>
    public double[] DecryptFlat(Decryptor decryptor)
    {
        ArgumentNullException.ThrowIfNull(decryptor);
        if (_rowMajor is not null)
        {
            return _rowMajor.Decrypt(decryptor);
        }

        int batch = _shape[0], features = _features!.Length;
        var flat = new double[batch * features];
        for (int f = 0; f < features; f++)
        {
            double[] slots = TensorContext.Encoder.Decode(decryptor.Decrypt(_features[f]));
            for (int b = 0; b < batch; b++)
            {
                flat[b * features + f] = slots[b];
            }
        }

        return flat;
    }

    /// <summary>The same data with another shape of the same size (free: the row-major order is unchanged).</summary>
    /// <param name="shape">The new shape; in batch packing, axis 0 must stay the batch size.</param>
    /// <exception cref="ArgumentException">The sizes differ, or the batch axis changes.</exception>
    public CkksTensor Reshape(ReadOnlySpan<int> shape)
    {
        int[] s = CheckShape(shape, FlattenedLength);
        if (_features is not null && s[0] != _shape[0])
        {
            throw new ArgumentException($"Batch packing keeps axis 0 (the batch, {_shape[0]}); the new shape has {s[0]}.", nameof(shape));
        }

        return new CkksTensor(TensorContext, s, _rowMajor, _features);
    }

    /// <summary>Flattens to one axis (row-major) or to [batch, features] (batch packing).</summary>
    public CkksTensor Flatten() => _features is null ? Reshape([FlattenedLength]) : Reshape([_shape[0], FlattenedLength / _shape[0]]);

    private static int[] ShapeOf(ReadOnlySpan<nint> lengths)
    {
        var shape = new int[lengths.Length];
        for (int i = 0; i < shape.Length; i++)
        {
            shape[i] = checked((int)lengths[i]);
        }

        return shape;
    }

    private static int[] CheckShape(ReadOnlySpan<int> shape, int length)
    {
        if (shape.IsEmpty)
        {
            throw new ArgumentException("A tensor needs at least one axis.", nameof(shape));
        }

        foreach (int d in shape)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(d, 1, nameof(shape));
        }

        if (Product(shape) != length)
        {
            throw new ArgumentException($"The shape [{string.Join(", ", shape.ToArray())}] has {Product(shape)} elements; there are {length} values.", nameof(shape));
        }

        return shape.ToArray();
    }

    private static int Product(ReadOnlySpan<int> shape)
    {
        long p = 1;
        foreach (int d in shape)
        {
            p *= d;
        }

        return checked((int)p);
    }
}
