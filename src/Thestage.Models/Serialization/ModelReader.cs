using System.Buffers.Binary;
using System.Text;

namespace Thestage.Models.Serialization;

/// <summary>
/// A bounded little-endian reader of untrusted bytes: every count is checked against its limit and against the bytes
/// left before anything is allocated; every failure is a <see cref="ModelFormatException"/>.
/// </summary>
internal ref struct ModelReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public ModelReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly int Remaining => _data.Length - _position;

    public void Header(ReadOnlySpan<byte> magic, ushort version, string what)
    {
        if (_data.Length < magic.Length + 2 || !_data[..magic.Length].SequenceEqual(magic))
        {
            throw new ModelFormatException($"Not {what} (magic \"{Encoding.ASCII.GetString(magic)}\").");
        }

        _position = magic.Length;
        ushort found = U16();
        if (found != version)
        {
            throw new ModelFormatException($"{what} version {found}; version {version} is read.");
        }
    }

    public byte U8() => Take(1)[0];

    public ushort U16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

    public int U32(int min, int max, string field)
    {
        uint value = BinaryPrimitives.ReadUInt32LittleEndian(Take(4));
        if (value < (uint)min || value > (uint)max)
        {
            throw new ModelFormatException($"{field} is {value}; {min} to {max} is allowed.");
        }

        return (int)value;
    }

    public double F64(string field)
    {
        double value = BinaryPrimitives.ReadDoubleLittleEndian(Take(8));
        return double.IsFinite(value) ? value : throw new ModelFormatException($"{field} is not finite.");
    }

    public double[] F64s(long count, string field)
    {
        if (count < 0 || count > Remaining / 8)
        {
            throw new ModelFormatException($"{field}: {count} values announced, {Remaining / 8} present.");
        }

        var values = new double[count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = F64(field);
        }

        return values;
    }

    public string Text(int maxBytes, string field)
    {
        int length = U16();
        if (length > maxBytes)
        {
            throw new ModelFormatException($"{field} has {length} bytes; at most {maxBytes} are read.");
        }

        try
        {
            return new UTF8Encoding(false, true).GetString(Take(length));
        }
        catch (DecoderFallbackException e)
        {
            throw new ModelFormatException($"{field} is not UTF-8.", e);
        }
    }

    public ReadOnlySpan<byte> Bytes(int count) => Take(count);

    public readonly void End(string what)
    {
        if (Remaining != 0)
        {
            throw new ModelFormatException($"{Remaining} bytes follow the {what}.");
        }
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > Remaining)
        {
            throw new ModelFormatException($"The data ends early: {count} bytes needed at offset {_position}, {Remaining} left.");
        }

        ReadOnlySpan<byte> slice = _data.Slice(_position, count);
        _position += count;
        return slice;
    }
}
