using System.Buffers.Binary;
using System.Text;

namespace Thestage.Formats;

/// <summary>The exception a library raises for malformed bytes (each library has one format exception).</summary>
internal interface IFormatErrors
{
    /// <summary>The library's format exception with <paramref name="message"/>.</summary>
    static abstract Exception Create(string message, Exception? inner = null);
}

/// <summary>
/// A bounded little-endian reader of untrusted bytes, shared as source by the libraries whose formats are built from the same
/// fields (a magic and a version, integers in a range, finite doubles, bounded UTF-8 text and blocks): every count is checked
/// against its limit and against the bytes left before anything is allocated, and every failure is the library's format
/// exception (<typeparamref name="TErrors"/>).
/// </summary>
/// <typeparam name="TErrors">Makes the library's format exception.</typeparam>
internal ref struct BoundedReader<TErrors>
    where TErrors : IFormatErrors
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public BoundedReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly int Remaining => _data.Length - _position;

    /// <summary>Checks the magic and the version; <paramref name="what"/> names the format in messages, with the magic found when it is another one of ours.</summary>
    public void Header(ReadOnlySpan<byte> magic, ushort version, string what)
    {
        if (_data.Length < magic.Length + 2 || !_data[..magic.Length].SequenceEqual(magic))
        {
            string expected = Encoding.ASCII.GetString(magic);
            string found = _data.Length >= 4 && _data[..4].IndexOfAnyExceptInRange((byte)'A', (byte)'Z') < 0 ? Encoding.ASCII.GetString(_data[..4]) : string.Empty;
            string other = found switch
            {
                "" => string.Empty,
                "TSPV" => "; found \"TSPV\", a CKKS object",
                _ => $"; found \"{found}\"",
            };
            throw TErrors.Create($"Not {what} (magic \"{expected}\"{other}).");
        }

        _position = magic.Length;
        ushort found2 = U16();
        if (found2 != version)
        {
            throw TErrors.Create($"{what} version {found2}; version {version} is read.");
        }
    }

    public byte U8() => Take(1)[0];

    public ushort U16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

    /// <summary>An unsigned 32-bit integer in <c>[min, max]</c>.</summary>
    public int U32(int min, int max, string field)
    {
        uint value = BinaryPrimitives.ReadUInt32LittleEndian(Take(4));
        return value >= (uint)min && value <= (uint)max ? (int)value : throw TErrors.Create($"{field} is {value}; {min} to {max} is allowed.");
    }

    /// <summary>A signed 32-bit integer in <c>[min, max]</c>.</summary>
    public int I32(int min, int max, string field)
    {
        int value = BinaryPrimitives.ReadInt32LittleEndian(Take(4));
        return value >= min && value <= max ? value : throw TErrors.Create($"{field} is {value}; {min} to {max} is allowed.");
    }

    /// <summary>A finite double.</summary>
    public double F64(string field)
    {
        double value = BinaryPrimitives.ReadDoubleLittleEndian(Take(8));
        return double.IsFinite(value) ? value : throw TErrors.Create($"{field} is not finite.");
    }

    /// <summary><paramref name="count"/> finite doubles, refused before allocation when fewer bytes are left.</summary>
    public double[] F64s(long count, string field)
    {
        if (count < 0 || count > Remaining / 8)
        {
            throw TErrors.Create($"{field}: {count} values announced, {Remaining / 8} present.");
        }

        var values = new double[count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = F64(field);
        }

        return values;
    }

    /// <summary>A u16-length-prefixed UTF-8 text of at most <paramref name="maxBytes"/> bytes.</summary>
    public string Text(int maxBytes, string field)
    {
        int length = U16();
        if (length > maxBytes)
        {
            throw TErrors.Create($"{field} has {length} bytes; at most {maxBytes} are read.");
        }

        try
        {
            return new UTF8Encoding(false, true).GetString(Take(length));
        }
        catch (DecoderFallbackException e)
        {
            throw TErrors.Create($"{field} is not UTF-8.", e);
        }
    }

    /// <summary>A u32-length-prefixed block of at most <paramref name="maxBytes"/> bytes.</summary>
    public ReadOnlySpan<byte> Block(int maxBytes, string field) => Take(U32(0, maxBytes, $"{field}'s length"));

    public ReadOnlySpan<byte> Bytes(int count) => Take(count);

    /// <summary>Refuses bytes after the end of <paramref name="what"/>.</summary>
    public readonly void End(string what)
    {
        if (Remaining != 0)
        {
            throw TErrors.Create($"{Remaining} bytes follow the {what}.");
        }
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > Remaining)
        {
            throw TErrors.Create($"The data ends early: {count} bytes needed at offset {_position}, {Remaining} left.");
        }

        ReadOnlySpan<byte> slice = _data.Slice(_position, count);
        _position += count;
        return slice;
    }
}
