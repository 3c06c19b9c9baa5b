using System.Buffers.Binary;
using System.Text;

namespace Thestage.Inference.Torch.StateDicts;

/// <summary>
/// Reads the state-dict file written by TorchSharp's <c>Module.save</c> without libtorch, so a server can load weights
/// with no native runtime. The format: an unsigned LEB128 entry count; per entry a .NET <c>BinaryWriter</c> string (LEB128
/// byte length + UTF-8) naming the tensor, a LEB128 dtype (libtorch ScalarType), a LEB128 rank, one LEB128 per dimension,
/// then the elements, raw little-endian. The input is untrusted: every count, length, dtype and size is checked against
/// the bytes actually present, and any violation is an <see cref="InvalidDataException"/>.
/// </summary>
public static class StateDictReader
{
    /// <summary>The largest file accepted by default (1 GiB).</summary>
    public const long DefaultMaxBytes = 1L << 30;

    /// <summary>The most tensors a file may hold.</summary>
    public const int MaxEntries = 100_000;

    /// <summary>The longest tensor name, in bytes.</summary>
    public const int MaxNameBytes = 4096;

    /// <summary>The highest tensor rank accepted.</summary>
    public const int MaxRank = 8;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads a state-dict file.</summary>
    /// <param name="path">The file written by <c>Module.save</c>.</param>
    /// <param name="maxBytes">The largest file accepted.</param>
    /// <exception cref="InvalidDataException">The file is malformed or larger than <paramref name="maxBytes"/>.</exception>
    public static StateDict Read(string path, long maxBytes = DefaultMaxBytes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var file = File.OpenRead(path);
        return Read(file, maxBytes);
    }

    /// <summary>Reads a state dict from a stream, to its end.</summary>
    /// <param name="stream">The stream.</param>
    /// <param name="maxBytes">The most bytes read.</param>
    /// <exception cref="InvalidDataException">The data is malformed or longer than <paramref name="maxBytes"/>.</exception>
    public static StateDict Read(Stream stream, long maxBytes = DefaultMaxBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxBytes, Array.MaxLength);
        if (stream.CanSeek && stream.Length - stream.Position > maxBytes)
        {
            throw new InvalidDataException($"The state dict is {stream.Length - stream.Position} bytes; at most {maxBytes} are accepted.");
        }

        using var copy = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            if (copy.Length + read > maxBytes)
            {
                throw new InvalidDataException($"The state dict is longer than the {maxBytes} bytes accepted.");
            }

            copy.Write(buffer, 0, read);
        }

        return Read(copy.GetBuffer().AsSpan(0, (int)copy.Length));
    }

    /// <summary>Reads a state dict from bytes.</summary>
    /// <param name="data">The whole file.</param>
    /// <exception cref="InvalidDataException">The data is malformed.</exception>
    public static StateDict Read(ReadOnlySpan<byte> data)
    {
        int at = 0;
        ulong count = Leb128(data, ref at, "entry count");
        // Each entry takes at least 4 bytes: a name length, a one-byte name, a dtype and a rank.
        if (count > MaxEntries || count > (ulong)(data.Length - at) / 4)
        {
            throw new InvalidDataException($"The state dict announces {count} tensors; {data.Length - at} bytes cannot hold them (at most {MaxEntries} are accepted).");
        }

        var tensors = new StateTensor[count];
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < tensors.Length; i++)
        {
            tensors[i] = ReadTensor(data, ref at, i);
            if (!names.Add(tensors[i].Name))
            {
                throw new InvalidDataException($"The state dict names '{tensors[i].Name}' twice.");
            }
        }

        if (at != data.Length)
        {
            throw new InvalidDataException($"The state dict has {data.Length - at} bytes after its {count} tensors.");
        }

        return new StateDict(tensors);
    }

    private static StateTensor ReadTensor(ReadOnlySpan<byte> data, ref int at, int index)
    {
        ulong nameLength = Leb128(data, ref at, $"name length of tensor {index}");
        if (nameLength == 0 || nameLength > MaxNameBytes || nameLength > (ulong)(data.Length - at))
        {
            throw new InvalidDataException($"Tensor {index}'s name is {nameLength} bytes; 1–{MaxNameBytes} are accepted and {data.Length - at} remain.");
        }

        string name;
        try
        {
            name = StrictUtf8.GetString(data.Slice(at, (int)nameLength));
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidDataException($"Tensor {index}'s name is not valid UTF-8.", e);
        }

        at += (int)nameLength;
        ulong code = Leb128(data, ref at, $"dtype of '{name}'");
        if (code > int.MaxValue || !Enum.IsDefined((StateDType)(int)code))
        {
            throw new InvalidDataException($"Tensor '{name}' has dtype code {code}, which this reader does not decode (known: {string.Join(", ", Enum.GetValues<StateDType>().Select(d => $"{d}={(int)d}"))}).");
        }

        var dtype = (StateDType)(int)code;
        ulong rank = Leb128(data, ref at, $"rank of '{name}'");
        if (rank > MaxRank)
        {
            throw new InvalidDataException($"Tensor '{name}' has rank {rank}; at most {MaxRank} is accepted.");
        }

        int size = ElementSize(dtype);
        long available = (data.Length - at) / size;
        var shape = new long[rank];
        long elements = 1;
        for (int d = 0; d < shape.Length; d++)
        {
            ulong dim = Leb128(data, ref at, $"dimension {d} of '{name}'");
            if (dim > int.MaxValue)
            {
                throw new InvalidDataException($"Tensor '{name}' has dimension {d} of {dim}.");
            }

            shape[d] = (long)dim;
            elements *= shape[d];
            if (elements > available)
            {
                throw new InvalidDataException($"Tensor '{name}' of shape [{string.Join(", ", shape.Take(d + 1))}...] needs more than the {data.Length - at} bytes left.");
            }
        }

        long bytes = elements * size;
        if (bytes > data.Length - at)
        {
            throw new InvalidDataException($"Tensor '{name}' needs {bytes} bytes; {data.Length - at} are left.");
        }

        double[] values = Decode(data.Slice(at, (int)bytes), dtype, (int)elements);
        at += (int)bytes;
        return new StateTensor(name, dtype, shape, values);
    }

    private static double[] Decode(ReadOnlySpan<byte> raw, StateDType dtype, int count)
    {
        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = dtype switch
            {
                StateDType.Byte => raw[i],
                StateDType.Int8 => (sbyte)raw[i],
                StateDType.Bool => raw[i] != 0 ? 1 : 0,
                StateDType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(raw[(2 * i)..]),
                StateDType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(raw[(4 * i)..]),
                StateDType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(raw[(8 * i)..]),
                StateDType.Float16 => (double)BinaryPrimitives.ReadHalfLittleEndian(raw[(2 * i)..]),
                StateDType.BFloat16 => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(raw[(2 * i)..]) << 16),
                StateDType.Float32 => BinaryPrimitives.ReadSingleLittleEndian(raw[(4 * i)..]),
                StateDType.Float64 => BinaryPrimitives.ReadDoubleLittleEndian(raw[(8 * i)..]),
                _ => throw new InvalidDataException($"Unknown dtype {dtype}."),
            };
        }

        return values;
    }

    private static int ElementSize(StateDType dtype) => dtype switch
    {
        StateDType.Byte or StateDType.Int8 or StateDType.Bool => 1,
        StateDType.Int16 or StateDType.Float16 or StateDType.BFloat16 => 2,
        StateDType.Int32 or StateDType.Float32 => 4,
        StateDType.Int64 or StateDType.Float64 => 8,
        _ => throw new InvalidDataException($"Unknown dtype {dtype}."),
    };

    private static ulong Leb128(ReadOnlySpan<byte> data, ref int at, string what)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (at >= data.Length)
            {
                throw new InvalidDataException($"The state dict ends inside the {what}.");
            }

            byte b = data[at++];
            if (shift == 63 && b > 1)
            {
                throw new InvalidDataException($"The {what} does not fit 64 bits.");
            }

            value |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new InvalidDataException($"The {what} does not fit 64 bits.");
    }
}
