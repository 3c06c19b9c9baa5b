using System.Buffers.Binary;
using Google.Protobuf;
using Onnx;

namespace Thestage.Models.Onnx;

/// <summary>
/// A constant tensor of the graph (an initializer or a Constant node's value), read from <c>raw_data</c> or the typed
/// fields and checked: a supported element type, dimensions whose product is at most <see cref="MaxElements"/>, and
/// exactly as many values present as the dimensions announce (so a few bytes cannot ask for a large allocation).
/// </summary>
internal sealed class OnnxTensor
{
    /// <summary>The most elements of one constant tensor, 2^24.</summary>
    public const int MaxElements = Shape.MaxElements;

    private OnnxTensor(string name, long[] dims, double[] values)
    {
        Name = name;
        Dims = dims;
        Values = values;
    }

    public string Name { get; }

    public long[] Dims { get; }

    /// <summary>The values as doubles (integers convert exactly below 2^53; larger ones are refused).</summary>
    public double[] Values { get; }

    public int Count => Values.Length;

    public static OnnxTensor Read(TensorProto proto, string where)
    {
        if (proto.DataLocation == TensorProto.Types.DataLocation.External || proto.ExternalData.Count > 0)
        {
            throw Error(where, proto, "keeps its data in an external file, which is not read");
        }

        if (proto.Segment is not null)
        {
            throw Error(where, proto, "is a segment of a larger tensor, which is not supported");
        }

        long count = 1;
        var dims = new long[proto.Dims.Count];
        if (dims.Length > Shape.MaxRank)
        {
            throw Error(where, proto, $"has rank {dims.Length}; at most {Shape.MaxRank} is supported");
        }

        for (int i = 0; i < dims.Length; i++)
        {
            long d = proto.Dims[i];
            if (d < 0 || (d > 0 && count > MaxElements / d))
            {
                throw Error(where, proto, $"has dimensions [{string.Join(", ", proto.Dims)}]: negative, or more than {MaxElements} elements");
            }

            dims[i] = d;
            count *= d;
        }

        var type = (TensorProto.Types.DataType)proto.DataType;
        int size = type switch
        {
            TensorProto.Types.DataType.Float or TensorProto.Types.DataType.Int32 => 4,
            TensorProto.Types.DataType.Double or TensorProto.Types.DataType.Int64 => 8,
            _ => throw Error(where, proto, $"has element type {type}; float, double, int32 and int64 are read"),
        };
        ByteString raw = proto.RawData;
        double[] values;
        if (!raw.IsEmpty)
        {
            if (raw.Length != count * size)
            {
                throw Error(where, proto, $"announces {count} elements of {size} bytes but holds {raw.Length} bytes of raw data");
            }

            values = new double[count];
            ReadOnlySpan<byte> bytes = raw.Span;
            for (int i = 0; i < values.Length; i++)
            {
                ReadOnlySpan<byte> at = bytes.Slice(i * size, size);
                values[i] = type switch
                {
                    TensorProto.Types.DataType.Float => BinaryPrimitives.ReadSingleLittleEndian(at),
                    TensorProto.Types.DataType.Double => BinaryPrimitives.ReadDoubleLittleEndian(at),
                    TensorProto.Types.DataType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(at),
                    _ => Exact(BinaryPrimitives.ReadInt64LittleEndian(at), where, proto),
                };
            }
        }
        else
        {
            int present = type switch
            {
                TensorProto.Types.DataType.Float => proto.FloatData.Count,
                TensorProto.Types.DataType.Double => proto.DoubleData.Count,
                TensorProto.Types.DataType.Int32 => proto.Int32Data.Count,
                _ => proto.Int64Data.Count,
            };
            if (present != count)
            {
                throw Error(where, proto, $"announces {count} elements but holds {present}");
            }

            values = type switch
            {
                TensorProto.Types.DataType.Float => proto.FloatData.Select(v => (double)v).ToArray(),
                TensorProto.Types.DataType.Double => [.. proto.DoubleData],
                TensorProto.Types.DataType.Int32 => proto.Int32Data.Select(v => (double)v).ToArray(),
                _ => proto.Int64Data.Select(v => Exact(v, where, proto)).ToArray(),
            };
        }

        return new OnnxTensor(proto.Name, dims, values);
    }

    /// <summary>The values as integers (for shapes and axes).</summary>
    public long[] AsIntegers(string where)
    {
        var result = new long[Values.Length];
        for (int i = 0; i < result.Length; i++)
        {
            double v = Values[i];
            if (v != Math.Floor(v))
            {
                throw new ModelFormatException($"{where}: the constant '{Name}' must hold integers; it holds {v}.");
            }

            result[i] = (long)v;
        }

        return result;
    }

    private static double Exact(long value, string where, TensorProto proto) =>
        Math.Abs(value) <= 1L << 53 ? value : throw Error(where, proto, $"holds the integer {value}, beyond the 2^53 that convert exactly");

    private static ModelFormatException Error(string where, TensorProto proto, string what) =>
        new($"{where}: the tensor '{proto.Name}' {what}.");
}
