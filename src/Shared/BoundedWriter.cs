using System.Buffers.Binary;
using System.Text;

namespace Thestage.Formats;

/// <summary>The little-endian writer of the formats <see cref="BoundedReader{TErrors}"/> reads (its mirror, field by field).</summary>
internal sealed class BoundedWriter
{
    private readonly MemoryStream _stream = new();

    /// <summary>Starts a format: its magic, then its version.</summary>
    public BoundedWriter(ReadOnlySpan<byte> magic, ushort version)
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

    public void I32(int value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, value);
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

    /// <summary>A u16-length-prefixed UTF-8 text.</summary>
    public void Text(string value)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        U16(checked((ushort)bytes.Length));
        _stream.Write(bytes);
    }

    /// <summary>A u32-length-prefixed block.</summary>
    public void Block(ReadOnlySpan<byte> bytes)
    {
        U32(bytes.Length);
        _stream.Write(bytes);
    }

    public void Bytes(ReadOnlySpan<byte> bytes) => _stream.Write(bytes);

    public byte[] ToArray() => _stream.ToArray();
}
