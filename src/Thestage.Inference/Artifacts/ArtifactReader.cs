using System.Buffers.Binary;
using System.Text;
using Thestage.Privacy.Serialization;

namespace Thestage.Inference.Artifacts;

/// <summary>
/// A bounded little-endian reader of the inference artifacts (plan, model package, requests, responses): every count is
/// checked against its limit and against the bytes left before anything is allocated; every failure is a
/// <see cref="CkksFormatException"/>, the one exception of this library's formats.
/// </summary>
internal ref struct ArtifactReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public ArtifactReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly int Remaining => _data.Length - _position;

    /// <summary>Checks the magic and the version; <paramref name="what"/> names the artifact in messages.</summary>
    public void Header(ReadOnlySpan<byte> magic, ushort version, string what)
    {
        if (_data.Length < magic.Length + 2 || !_data[..magic.Length].SequenceEqual(magic))
        {
            string found = _data.Length >= 4 ? Encoding.ASCII.GetString(_data[..4]) : "";
            throw new CkksFormatException($"Not {what} (magic \"{Encoding.ASCII.GetString(magic)}\"){(found == "TSPV" ? ": this is a CKKS object" : "")}.");
        }

        _position = magic.Length;
        ushort found2 = U16();
        if (found2 != version)
        {
            throw new CkksFormatException($"{what} version {found2}; version {version} is read.");
        }
    }

    public byte U8() => Take(1)[0];

    public ushort U16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

    public int U32(int min, int max, string field)
    {
        uint value = BinaryPrimitives.ReadUInt32LittleEndian(Take(4));
        if (value < (uint)min || value > (uint)max)
        {
            throw new CkksFormatException($"{field} is {value}; {min} to {max} is allowed.");
        }

        return (int)value;
    }

    public int I32(int min, int max, string field)
    {
        int value = BinaryPrimitives.ReadInt32LittleEndian(Take(4));
        return value >= min && value <= max ? value : throw new CkksFormatException($"{field} is {value}; {min} to {max} is allowed.");
    }

    public double F64(string field)
    {
        double value = BinaryPrimitives.ReadDoubleLittleEndian(Take(8));
        return double.IsFinite(value) ? value : throw new CkksFormatException($"{field} is not finite.");
    }

    public string Text(int maxBytes, string field)
    {
        int length = U16();
        if (length > maxBytes)
        {
            throw new CkksFormatException($"{field} has {length} bytes; at most {maxBytes} are read.");
        }

        try
        {
            return new UTF8Encoding(false, true).GetString(Take(length));
        }
        catch (DecoderFallbackException e)
        {
            throw new CkksFormatException($"{field} is not UTF-8.", e);
        }
    }

    /// <summary>A u32-length-prefixed block of at most <paramref name="maxBytes"/> bytes.</summary>
    public ReadOnlySpan<byte> Block(int maxBytes, string field) => Take(U32(0, maxBytes, $"{field}'s length"));

    public ReadOnlySpan<byte> Bytes(int count) => Take(count);

    public readonly void End(string what)
    {
        if (Remaining != 0)
        {
            throw new CkksFormatException($"{Remaining} bytes follow the {what}.");
        }
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > Remaining)
        {
            throw new CkksFormatException($"The data ends early: {count} bytes needed at offset {_position}, {Remaining} left.");
        }

        ReadOnlySpan<byte> slice = _data.Slice(_position, count);
        _position += count;
        return slice;
    }
}
