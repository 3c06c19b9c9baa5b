using System.Buffers.Binary;

namespace Thestage.Proofs.Hashing;

/// <summary>A 256-bit hash value, compared in constant shape (four 64-bit words).</summary>
/// <remarks>Produced by <see cref="MerkleHasher"/> (BLAKE2s-256, RFC 7693).</remarks>
public readonly struct Digest256 : IEquatable<Digest256>
{
    /// <summary>The length of a digest in bytes.</summary>
    public const int Length = 32;

    private readonly ulong _w0;
    private readonly ulong _w1;
    private readonly ulong _w2;
    private readonly ulong _w3;

    private Digest256(ulong w0, ulong w1, ulong w2, ulong w3)
    {
        _w0 = w0;
        _w1 = w1;
        _w2 = w2;
        _w3 = w3;
    }

    /// <summary>Reads a digest from exactly <see cref="Length"/> bytes.</summary>
    /// <param name="bytes">The 32 digest bytes.</param>
    /// <returns>The digest.</returns>
    /// <exception cref="ArgumentException"><paramref name="bytes"/> is not 32 bytes long.</exception>
    public static Digest256 FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
        {
            throw new ArgumentException("A digest is exactly 32 bytes.", nameof(bytes));
        }

        return new Digest256(
            BinaryPrimitives.ReadUInt64LittleEndian(bytes),
            BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]),
            BinaryPrimitives.ReadUInt64LittleEndian(bytes[16..]),
            BinaryPrimitives.ReadUInt64LittleEndian(bytes[24..]));
    }

    /// <summary>Writes the 32 digest bytes.</summary>
    /// <param name="destination">At least 32 bytes.</param>
    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination, _w0);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], _w1);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[16..], _w2);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[24..], _w3);
    }

    /// <summary>Returns the digest bytes as a new array.</summary>
    /// <returns>The 32 bytes.</returns>
    public byte[] ToArray()
    {
        var bytes = new byte[Length];
        WriteTo(bytes);
        return bytes;
    }

    /// <summary>Compares two digests for equality.</summary>
    /// <param name="left">The first digest.</param>
    /// <param name="right">The second digest.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(Digest256 left, Digest256 right) => left.Equals(right);

    /// <summary>Compares two digests for inequality.</summary>
    /// <param name="left">The first digest.</param>
    /// <param name="right">The second digest.</param>
    /// <returns><see langword="true"/> when different.</returns>
    public static bool operator !=(Digest256 left, Digest256 right) => !left.Equals(right);

    /// <inheritdoc />
    public bool Equals(Digest256 other) =>
        ((_w0 ^ other._w0) | (_w1 ^ other._w1) | (_w2 ^ other._w2) | (_w3 ^ other._w3)) == 0;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Digest256 other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_w0, _w1, _w2, _w3);

    /// <inheritdoc />
    public override string ToString() => Convert.ToHexStringLower(ToArray());
}
