using System.Buffers.Binary;
using Thestage.Privacy.Rlwe;

namespace Thestage.Privacy.Serialization;

/// <summary>
/// Reads little-endian fields and bit-packed RNS polynomials from a payload, checking every bound; any
/// shortfall or out-of-range value throws <see cref="CkksFormatException"/>.
/// </summary>
internal ref struct PayloadReader
{
    private readonly ReadOnlySpan<byte> _buffer;
    private int _position;

    public PayloadReader(ReadOnlySpan<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
    }

    /// <summary>The payload length.</summary>
    public readonly int Length => _buffer.Length;

    public uint ReadUInt32(string field) => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, field));

    public ulong ReadUInt64(string field) => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, field));

    /// <summary>Reads a scale and checks it against the modulus of <paramref name="level"/> (<see cref="RlweContext.FindScaleError"/>).</summary>
    public double ReadScale(RlweContext context, int level)
    {
        double scale = BinaryPrimitives.ReadDoubleLittleEndian(Take(8, "scale"));
        string? error = context.FindScaleError(scale, level);
        if (error is not null)
        {
            throw new CkksFormatException(error);
        }

        return scale;
    }

    /// <summary>Reads a level and checks that it lies in the context's chain.</summary>
    public int ReadLevel(RlweContext context)
    {
        uint level = ReadUInt32("level");
        if (level > (uint)context.MaxLevel)
        {
            throw new CkksFormatException($"Level {level} is outside this context's chain 0…{context.MaxLevel}.");
        }

        return (int)level;
    }

    public ReadOnlySpan<byte> ReadBytes(int count, string field) => Take(count, field);

    /// <summary>Reads limbs 0…<paramref name="limbCount"/>−1 into <paramref name="destination"/>, checking each coefficient against its prime.</summary>
    public void ReadPoly(RlweContext context, int limbCount, Span<ulong> destination, string what)
    {
        int n = context.N;
        for (int i = 0; i < limbCount; i++)
        {
            ulong q = context.KeyModuli[i].Value;
            int bits = BitPacking.BitWidth(q);
            ReadOnlySpan<byte> packed = Take(BitPacking.PackedLength(n, bits), what);
            int bad = BitPacking.Unpack(packed, bits, q, destination.Slice(i * n, n));
            if (bad >= 0)
            {
                throw new CkksFormatException($"Coefficient {bad} of limb {i} of {what} is not below its modulus {q}.");
            }
        }
    }

    /// <summary>Checks that the payload has been consumed exactly.</summary>
    public readonly void ExpectEnd(string what)
    {
        if (_position != _buffer.Length)
        {
            throw new CkksFormatException($"{_buffer.Length - _position} unexpected trailing bytes after the {what}.");
        }
    }

    private ReadOnlySpan<byte> Take(int count, string field)
    {
        if (count > _buffer.Length - _position)
        {
            throw new CkksFormatException($"Truncated payload: {field} needs {count} bytes at offset {_position}, {_buffer.Length - _position} remain.");
        }

        ReadOnlySpan<byte> slice = _buffer.Slice(_position, count);
        _position += count;
        return slice;
    }
}
