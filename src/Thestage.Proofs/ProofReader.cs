using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;

namespace Thestage.Proofs;

/// <summary>
/// Bounds-checked little-endian reader for the versioned proof formats. Every length is checked
/// against a caller-supplied maximum and against the remaining bytes before anything is allocated;
/// every failure is a <see cref="ProofFormatException"/>.
/// </summary>
internal ref struct ProofReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public ProofReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly int Remaining => _data.Length - _position;

    public void ReadHeader(ReadOnlySpan<byte> magic, ushort version)
    {
        if (!Take(magic.Length).SequenceEqual(magic))
        {
            throw new ProofFormatException("Unexpected magic bytes.");
        }

        ushort actual = ReadUInt16();
        if (actual != version)
        {
            throw new ProofFormatException($"Unsupported format version {actual}; expected {version}.");
        }
    }

    /// <summary>Reads the magic and a version in <c>[oldest, newest]</c>, which it returns.</summary>
    public ushort ReadHeader(ReadOnlySpan<byte> magic, ushort oldest, ushort newest)
    {
        if (!Take(magic.Length).SequenceEqual(magic))
        {
            throw new ProofFormatException("Unexpected magic bytes.");
        }

        ushort actual = ReadUInt16();
        if (actual < oldest || actual > newest)
        {
            throw new ProofFormatException($"Unsupported format version {actual}; expected {oldest} to {newest}.");
        }

        return actual;
    }

    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    /// <summary>Reads a <c>u32</c> that must lie in <c>[min, max]</c>.</summary>
    public int ReadUInt32(int min, int max)
    {
        uint value = ReadUInt32();
        if (value < (uint)min || value > (uint)max)
        {
            throw new ProofFormatException($"Value {value} is outside [{min}, {max}].");
        }

        return (int)value;
    }

    /// <summary>Reads a 32-bit count, requiring <c>min ≤ count ≤ max</c> and <c>count · elementSize ≤ Remaining</c>.</summary>
    public int ReadCount(int min, int max, int elementSize)
    {
        uint count = ReadUInt32();
        if (count < (uint)min || count > (uint)max)
        {
            throw new ProofFormatException($"Length {count} is outside [{min}, {max}].");
        }

        if ((ulong)count * (ulong)elementSize > (ulong)Remaining)
        {
            throw new ProofFormatException("Declared length exceeds the remaining bytes.");
        }

        return (int)count;
    }

    public ReadOnlySpan<byte> ReadBytes(int length) => Take(length);

    public Digest256 ReadDigest() => Digest256.FromBytes(Take(Digest256.Length));

    public T ReadElement<T>()
        where T : struct, IField<T>
    {
        if (!T.TryRead(Take(T.EncodedLength), out T value))
        {
            throw new ProofFormatException("Non-canonical field element.");
        }

        return value;
    }

    /// <summary>Reads a 32-bit count in <c>[min, max]</c> followed by that many elements.</summary>
    public T[] ReadElements<T>(int min, int max)
        where T : struct, IField<T>
    {
        int count = ReadCount(min, max, T.EncodedLength);
        var values = new T[count];
        ReadElementsInto(values);
        return values;
    }

    /// <summary>Reads <c>destination.Length</c> elements (no count) into <paramref name="destination"/>, the bytes taken at once.</summary>
    public void ReadElementsInto<T>(Span<T> destination)
        where T : struct, IField<T>
    {
        int size = T.EncodedLength;
        if ((long)destination.Length * size > Remaining)
        {
            throw new ProofFormatException("Unexpected end of proof bytes.");
        }

        ReadOnlySpan<byte> bytes = Take(destination.Length * size);
        if (BitConverter.IsLittleEndian && (typeof(T) == typeof(Goldilocks) || typeof(T) == typeof(GoldilocksExt2)))
        {
            // Both are their canonical 64-bit words in memory (constant component first), as they are encoded: copy the bytes,
            // then check every word at once (several per SIMD register).
            Span<ulong> words = MemoryMarshal.Cast<T, ulong>(destination);
            bytes.CopyTo(MemoryMarshal.AsBytes(words));
            if (!Goldilocks.AreCanonical(words))
            {
                throw new ProofFormatException("Non-canonical field element.");
            }

            return;
        }

        for (int i = 0; i < destination.Length; i++)
        {
            if (!T.TryRead(bytes.Slice(i * size, size), out destination[i]))
            {
                throw new ProofFormatException("Non-canonical field element.");
            }
        }
    }

    public readonly void EnsureEnd()
    {
        if (Remaining != 0)
        {
            throw new ProofFormatException("Trailing bytes after the proof.");
        }
    }

    private ReadOnlySpan<byte> Take(int length)
    {
        if (length < 0 || length > Remaining)
        {
            throw new ProofFormatException("Unexpected end of proof bytes.");
        }

        ReadOnlySpan<byte> slice = _data.Slice(_position, length);
        _position += length;
        return slice;
    }
}
