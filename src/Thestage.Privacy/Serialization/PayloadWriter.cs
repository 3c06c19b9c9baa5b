using System.Buffers.Binary;
using Thestage.Privacy.Rlwe;

namespace Thestage.Privacy.Serialization;

/// <summary>Writes little-endian fields and bit-packed RNS polynomials into a payload of known size.</summary>
internal ref struct PayloadWriter
{
    private readonly Span<byte> _buffer;
    private int _position;

    public PayloadWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
    }

    /// <summary>The number of bytes written.</summary>
    public readonly int Position => _position;

    /// <summary>The packed size of one polynomial of <paramref name="limbCount"/> limbs over the first primes of the chain.</summary>
    public static long PolySize(RlweContext context, int limbCount)
    {
        long size = 0;
        for (int i = 0; i < limbCount; i++)
        {
            size += BitPacking.PackedLength(context.N, BitPacking.BitWidth(context.KeyModuli[i].Value));
        }

        return size;
    }

    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer[_position..], value);
        _position += 4;
    }

    public void WriteUInt64(ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer[_position..], value);
        _position += 8;
    }

    public void WriteDouble(double value)
    {
        BinaryPrimitives.WriteDoubleLittleEndian(_buffer[_position..], value);
        _position += 8;
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_buffer[_position..]);
        _position += bytes.Length;
    }

    /// <summary>Writes limbs 0…<paramref name="limbCount"/>−1 of <paramref name="poly"/> (limb-major), each packed to its prime's width.</summary>
    public void WritePoly(RlweContext context, ReadOnlySpan<ulong> poly, int limbCount)
    {
        int n = context.N;
        for (int i = 0; i < limbCount; i++)
        {
            int bits = BitPacking.BitWidth(context.KeyModuli[i].Value);
            int length = BitPacking.PackedLength(n, bits);
            BitPacking.Pack(poly.Slice(i * n, n), bits, _buffer.Slice(_position, length));
            _position += length;
        }
    }
}
