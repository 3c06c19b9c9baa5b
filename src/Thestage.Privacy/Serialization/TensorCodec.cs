using Thestage.Privacy.Rlwe;
using Thestage.Privacy.Tensors;

namespace Thestage.Privacy.Serialization;

/// <summary>
/// The payloads of encrypted vectors and tensors (little-endian, after the header):
/// <list type="bullet">
/// <item>Vector (kind 8): u32 length n, u32 ciphertext count (= ⌈n/(N/2)⌉), then the ciphertexts.</item>
/// <item>Tensor (kind 9): u32 rank r, r × u32 dimensions, u32 packing (0 row-major, 1 batch), u32 ciphertext count
/// (row-major: ⌈∏shape/(N/2)⌉; batch: ∏shape[1..]), then the ciphertexts.</item>
/// </list>
/// Each ciphertext is in the ciphertext encoding (u32 size, u32 level, f64 scale, c₀, then seed or c₁); all have
/// size 2 and one level and scale, so all have one length. The header's seeded flag covers all of them: the object
/// is seeded when every ciphertext has a seed (fresh symmetric encryptions), else every one is stored in full.
/// </summary>
internal static class TensorCodec
{
    /// <summary>The largest number of ciphertexts in one vector or tensor.</summary>
    public const int MaxCiphertextCount = 1 << 16;

    /// <summary>The largest tensor rank the format accepts.</summary>
    public const int MaxRank = 8;

    private const int VectorPrefixSize = 8;

    /// <summary>The bytes before the ciphertexts of a tensor of rank <paramref name="rank"/>.</summary>
    public static int TensorPrefixSize(int rank) => 12 + 4 * rank;

    /// <summary>The largest raw payload of a vector or tensor under <paramref name="context"/>.</summary>
    public static long MaxRawLength(ObjectKind kind, RlweContext context)
    {
        long prefix = kind == ObjectKind.Vector ? VectorPrefixSize : TensorPrefixSize(MaxRank);
        return prefix + MaxCiphertextCount * ObjectEncoder.CiphertextSize(context, 2, context.MaxLevel, seeded: false);
    }

    /// <summary>
    /// Checks that <paramref name="ciphertexts"/> can be stored (at most <see cref="MaxCiphertextCount"/>, all of size 2
    /// at one level and scale) and returns whether they are stored seeded.
    /// </summary>
    /// <exception cref="ArgumentException">Too many ciphertexts, or one of another size, level or scale.</exception>
    public static bool CheckSavable(IReadOnlyList<Ciphertext> ciphertexts, CkksSerializationOptions? options, string parameterName)
    {
        if (ciphertexts.Count > MaxCiphertextCount)
        {
            throw new ArgumentException($"{ciphertexts.Count} ciphertexts exceed the format's maximum of {MaxCiphertextCount} per vector or tensor.", parameterName);
        }

        Ciphertext first = ciphertexts[0];
        bool seeded = (options ?? CkksSerializationOptions.Default).UseSeeds;
        foreach (Ciphertext c in ciphertexts)
        {
            if (c.Size != 2 || c.Level != first.Level || c.Scale != first.Scale)
            {
                throw new ArgumentException("Only ciphertexts of size 2 at one level and scale can be serialized as a vector or tensor; relinearize and align them first.", parameterName);
            }

            seeded &= c.Seed is not null;
        }

        CkksSerializer.ThrowIfUnloadableScale(first.Context, first.Scale, first.Level, parameterName);

        return seeded;
    }

    /// <summary>The payload as segments: the leading u32 fields, then one segment per ciphertext.</summary>
    public static PayloadSegment[] Segments(uint[] prefix, IReadOnlyList<Ciphertext> ciphertexts, bool seeded)
    {
        Ciphertext[] cts = [.. ciphertexts];
        return Segments(prefix, cts.Length, cts[0].Context, cts[0].Level, seeded, i => cts[i]);
    }

    /// <summary>
    /// The payload as segments, the ciphertexts made by <paramref name="ciphertext"/> when their segment is written (each
    /// of size 2 at <paramref name="level"/>, as the others): a writer holds one of them at a time.
    /// </summary>
    public static PayloadSegment[] Segments(uint[] prefix, int count, RlweContext context, int level, bool seeded, Func<int, Ciphertext> ciphertext)
    {
        var segments = new PayloadSegment[count + 1];
        segments[0] = new PayloadSegment(4L * prefix.Length, d =>
        {
            var writer = new PayloadWriter(d);
            foreach (uint field in prefix)
            {
                writer.WriteUInt32(field);
            }
        });
        long size = ObjectEncoder.CiphertextSize(context, 2, level, seeded);
        for (int i = 0; i < count; i++)
        {
            int index = i;
            segments[i + 1] = new PayloadSegment(size, d => ObjectEncoder.WriteCiphertext(ciphertext(index), seeded, d));
        }

        return segments;
    }

    public static CkksVector ReadVector(TensorContext tensors, bool seeded, ReadOnlySpan<byte> raw)
    {
        Layout layout = ReadLayout(raw, ObjectKind.Vector, tensors);
        Ciphertext[] cts = ReadCiphertexts(tensors.Context, seeded, raw[layout.PrefixSize..], layout.Count);
        return CkksVector.FromCiphertexts(tensors, layout.Shape[0], cts);
    }

    public static CkksTensor ReadTensor(TensorContext tensors, bool seeded, ReadOnlySpan<byte> raw)
    {
        Layout layout = ReadLayout(raw, ObjectKind.Tensor, tensors);
        Ciphertext[] cts = ReadCiphertexts(tensors.Context, seeded, raw[layout.PrefixSize..], layout.Count);
        return CkksTensor.FromCiphertexts(tensors, layout.Shape, layout.Packing, cts);
    }

    /// <summary>Ciphertexts per block of <see cref="ReadBatchMatMul"/> (96 at N = 8192 and six primes: 75 MB).</summary>
    public const int MatMulBlock = 96;

    /// <summary>
    /// Reads a batch-packed tensor [batch, n] and multiplies it by <paramref name="matrix"/> (n × m), <see cref="MatMulBlock"/>
    /// ciphertexts at a time; <paramref name="check"/> sees the shape, packing, level and scale before any product.
    /// </summary>
    public static CkksTensor ReadBatchMatMul(TensorContext tensors, bool seeded, ReadOnlySpan<byte> raw, double[,] matrix, CkksSerializer.TensorCheck? check)
    {
        Layout layout = ReadLayout(raw, ObjectKind.Tensor, tensors);
        ReadOnlySpan<byte> rest = raw[layout.PrefixSize..];
        int length = CiphertextLength(tensors.Context, seeded, rest.Length, layout.Count);
        Ciphertext first = ReadOne(tensors.Context, seeded, rest[..length], 0, null);
        check?.Invoke(layout.Shape, layout.Packing, first.Level, first.Scale);
        int n = matrix.GetLength(0);
        if (layout.Packing != TensorPacking.Batch || layout.Shape.Length != 2 || layout.Shape[1] != n)
        {
            throw new CkksFormatException($"The message holds a {layout.Packing} tensor of shape [{string.Join(", ", layout.Shape)}]; a product with {n} × {matrix.GetLength(1)} weights takes a Batch tensor [batch, {n}].");
        }

        // Block by block: its ciphertexts are read side by side (expanding each seed is most of the reading), then multiplied.
        var product = new CkksTensor.BatchMatMul(tensors, matrix, first.Level);
        var block = new Ciphertext[MatMulBlock];
        unsafe
        {
            fixed (byte* bytes = rest)
            {
                nint address = (nint)bytes;
                for (int start = 0; start < layout.Count; start += MatMulBlock)
                {
                    int count = Math.Min(MatMulBlock, layout.Count - start), from = start;
                    PrivacyRuntime.For(count, k =>
                    {
                        int i = from + k;
                        block[k] = i == 0 ? first : ReadOne(tensors.Context, seeded, new ReadOnlySpan<byte>((byte*)address + (long)i * length, length), i, first);
                    });
                    product.Add(start, count == MatMulBlock ? block : block[..count]);
                }
            }
        }

        return product.Finish(layout.Shape[0]);
    }

    /// <summary>Reads an uncompressed vector from a stream one ciphertext at a time (objects larger than an array).</summary>
    public static CkksVector ReadVector(TensorContext tensors, Stream stream, FormatHeader header)
    {
        byte[] buffer = [];
        ObjectLoader.ReadGrowing(stream, VectorPrefixSize, ref buffer, "the vector length and ciphertext count");
        Layout layout = ReadLayout(buffer.AsSpan(0, VectorPrefixSize), ObjectKind.Vector, tensors);
        Ciphertext[] cts = ReadCiphertexts(tensors.Context, header, stream, layout, ref buffer);
        return CkksVector.FromCiphertexts(tensors, layout.Shape[0], cts);
    }

    /// <summary>Reads an uncompressed tensor from a stream one ciphertext at a time (objects larger than an array).</summary>
    public static CkksTensor ReadTensor(TensorContext tensors, Stream stream, FormatHeader header)
    {
        byte[] buffer = [];
        ObjectLoader.ReadGrowing(stream, 4, ref buffer, "the tensor rank");
        var rankReader = new PayloadReader(buffer.AsSpan(0, 4));
        uint rank = ReadRank(ref rankReader);
        int prefixSize = TensorPrefixSize((int)rank);
        byte[] prefix = new byte[prefixSize];
        buffer.AsSpan(0, 4).CopyTo(prefix);
        ObjectLoader.ReadGrowing(stream, prefixSize - 4, ref buffer, "the tensor shape, packing and ciphertext count");
        buffer.AsSpan(0, prefixSize - 4).CopyTo(prefix.AsSpan(4));
        Layout layout = ReadLayout(prefix, ObjectKind.Tensor, tensors);
        Ciphertext[] cts = ReadCiphertexts(tensors.Context, header, stream, layout, ref buffer);
        return CkksTensor.FromCiphertexts(tensors, layout.Shape, layout.Packing, cts);
    }

    /// <summary>Reads and validates the leading fields against the context; nothing large is allocated yet.</summary>
    private static Layout ReadLayout(ReadOnlySpan<byte> raw, ObjectKind kind, TensorContext tensors)
    {
        var reader = new PayloadReader(raw);
        int slots = tensors.SlotCount;
        long maxElements = Math.Min((long)slots * MaxCiphertextCount, int.MaxValue);
        if (kind == ObjectKind.Vector)
        {
            uint length = reader.ReadUInt32("vector length");
            if (length < 1 || length > maxElements)
            {
                throw new CkksFormatException($"The vector length {length} is outside [1, {maxElements}] (at most {MaxCiphertextCount} ciphertexts of {slots} slots).");
            }

            uint count = reader.ReadUInt32("ciphertext count");
            CheckCount(count, (length + slots - 1) / slots, $"a vector of {length} values");
            return new Layout([(int)length], TensorPacking.RowMajor, (int)count, VectorPrefixSize);
        }

        uint rank = ReadRank(ref reader);
        var shape = new int[rank];
        long product = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            uint d = reader.ReadUInt32("tensor dimension");
            product *= d;
            if (d < 1 || product > maxElements)
            {
                throw new CkksFormatException(d < 1
                    ? $"Dimension {i} of the tensor is 0; every dimension is at least 1."
                    : $"The tensor has more than {maxElements} elements (at most {MaxCiphertextCount} ciphertexts of {slots} slots).");
            }

            shape[i] = (int)d;
        }

        uint packing = reader.ReadUInt32("packing");
        if (packing > (uint)TensorPacking.Batch)
        {
            throw new CkksFormatException($"Unknown tensor packing {packing}.");
        }

        if (packing == (uint)TensorPacking.Batch && shape[0] > slots)
        {
            throw new CkksFormatException($"A batch of {shape[0]} samples exceeds the {slots} slots of a ciphertext.");
        }

        long expected = packing == (uint)TensorPacking.Batch ? product / shape[0] : (product + slots - 1) / slots;
        uint ciphertexts = reader.ReadUInt32("ciphertext count");
        CheckCount(ciphertexts, expected, $"a {(TensorPacking)packing} tensor of shape [{string.Join(", ", shape)}]");
        return new Layout(shape, (TensorPacking)packing, (int)ciphertexts, TensorPrefixSize(shape.Length));
    }

    private static uint ReadRank(ref PayloadReader reader)
    {
        uint rank = reader.ReadUInt32("tensor rank");
        if (rank < 1 || rank > MaxRank)
        {
            throw new CkksFormatException($"The tensor rank {rank} is outside [1, {MaxRank}].");
        }

        return rank;
    }

    private static void CheckCount(uint count, long expected, string what)
    {
        if (expected > MaxCiphertextCount)
        {
            throw new CkksFormatException($"{what} needs {expected} ciphertexts, more than the format's {MaxCiphertextCount}.");
        }

        if (count != expected)
        {
            throw new CkksFormatException($"The payload declares {count} ciphertexts; {what} is held in exactly {expected}.");
        }
    }

    /// <summary>
    /// The length every one of <paramref name="count"/> ciphertexts must have to fill <paramref name="remaining"/>
    /// bytes, checked against the lengths a size-2 ciphertext of this context can have.
    /// </summary>
    private static int CiphertextLength(RlweContext context, bool seeded, long remaining, int count)
    {
        long length = remaining / count;
        long min = ObjectEncoder.CiphertextSize(context, 2, 0, seeded), max = ObjectEncoder.CiphertextSize(context, 2, context.MaxLevel, seeded);
        if (remaining % count != 0 || length < min || length > max)
        {
            throw new CkksFormatException($"The {remaining} bytes after the leading fields do not hold {count} {(seeded ? "seeded " : string.Empty)}size-2 ciphertexts of one level ({min} to {max} bytes each).");
        }

        if (length > Array.MaxLength)
        {
            throw new CkksFormatException($"One ciphertext of these parameters takes {length} bytes, more than an array holds.");
        }

        return (int)length;
    }

    private static Ciphertext[] ReadCiphertexts(RlweContext context, bool seeded, ReadOnlySpan<byte> rest, int count)
    {
        int length = CiphertextLength(context, seeded, rest.Length, count);
        var cts = new Ciphertext[count];
        for (int i = 0; i < count; i++)
        {
            cts[i] = ReadOne(context, seeded, rest.Slice(i * length, length), i, cts[0]);
        }

        return cts;
    }

    private static Ciphertext[] ReadCiphertexts(RlweContext context, FormatHeader header, Stream stream, Layout layout, ref byte[] buffer)
    {
        int length = CiphertextLength(context, header.Seeded, header.RawLength - layout.PrefixSize, layout.Count);
        var cts = new Ciphertext[layout.Count];
        for (int i = 0; i < cts.Length; i++)
        {
            ObjectLoader.ReadGrowing(stream, length, ref buffer, $"ciphertext {i}");
            cts[i] = ReadOne(context, header.Seeded, buffer.AsSpan(0, length), i, cts[0]);
        }

        return cts;
    }

    /// <summary>Reads ciphertext <paramref name="index"/> and checks it has size 2 and the level and scale of the first.</summary>
    private static Ciphertext ReadOne(RlweContext context, bool seeded, ReadOnlySpan<byte> data, int index, Ciphertext? first)
    {
        Ciphertext c = ObjectDecoder.ReadCiphertext(context, seeded, data);
        if (c.Size != 2)
        {
            throw new CkksFormatException($"Ciphertext {index} has size {c.Size}; vectors and tensors hold ciphertexts of size 2.");
        }

        if (first is not null && (c.Level != first.Level || c.Scale != first.Scale))
        {
            throw new CkksFormatException($"Ciphertext {index} is at level {c.Level} and scale {c.Scale}; ciphertext 0 at level {first.Level} and scale {first.Scale}.");
        }

        return c;
    }

    /// <summary>The validated leading fields: shape ([n] for a vector), packing, ciphertext count, and their length in bytes.</summary>
    private readonly record struct Layout(int[] Shape, TensorPacking Packing, int Count, int PrefixSize);
}
