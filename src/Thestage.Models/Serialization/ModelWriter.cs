using System.Buffers.Binary;
using System.Text;

namespace Thestage.Models.Serialization;

/// <summary>The little-endian writer of the model formats (the reader's mirror).</summary>
internal sealed class ModelWriter
{
    private readonly MemoryStream _stream = new();

    public void Header(ReadOnlySpan<byte> magic, ushort version)
    {
        _stream.Write(magic);
        U16(version);
    }

    public void U8(byte value) => _stream.WriteByte(value);

    public void U16(ushort value)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, value);
        _stream.Write(b);
    }

    public void U32(int value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, checked((uint)value));
        _stream.Write(b);
    }

    public void F64(double value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(b, value);
        _stream.Write(b);
    }

    public void F64s(IEnumerable<double> values)
    {
        foreach (double v in values)
        {
            F64(v);
        }
    }

    public void Text(string value)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        U16(checked((ushort)bytes.Length));
        _stream.Write(bytes);
    }

    public void Bytes(ReadOnlySpan<byte> bytes) => _stream.Write(bytes);

    public byte[] ToArray() => _stream.ToArray();
}
