using System.Buffers.Binary;
using System.Security.Cryptography;
using Thestage.Privacy.Rlwe;

namespace Thestage.Privacy.Serialization;

/// <summary>
/// The 48-byte little-endian header in front of every serialized object:
/// <code>
/// offset size field
///  0      4   magic "TSPV"
///  4      2   format version (1)
///  6      1   object kind (<see cref="ObjectKind"/>)
///  7      1   compression (<see cref="CkksCompression"/>)
///  8      1   flags (bit 0: seeded)
///  9      7   reserved, zero
/// 16     16   parameter fingerprint: SHA-256("TSPV parameters" ‖ N ‖ prime count ‖ primes)[0..16)
/// 32      8   payload length: bytes that follow the header
/// 40      8   raw length: payload bytes after decompression (= payload length when uncompressed)
/// </code>
/// </summary>
internal readonly struct FormatHeader
{
    public const int Size = 48;
    public const ushort CurrentVersion = 1;
    public const int FingerprintLength = 16;
    public const byte SeededFlag = 1;

    private static ReadOnlySpan<byte> Magic => "TSPV"u8;

    private static ReadOnlySpan<byte> FingerprintDomain => "TSPV parameters"u8;

    public FormatHeader(ObjectKind kind, CkksCompression compression, bool seeded, ReadOnlySpan<byte> fingerprint, long payloadLength, long rawLength)
    {
        Kind = kind;
        Compression = compression;
        Seeded = seeded;
        Fingerprint = fingerprint.ToArray();
        PayloadLength = payloadLength;
        RawLength = rawLength;
    }

    public ObjectKind Kind { get; }

    public CkksCompression Compression { get; }

    public bool Seeded { get; }

    public byte[] Fingerprint { get; }

    public long PayloadLength { get; }

    public long RawLength { get; }

    /// <summary>The fingerprint of N and the primes (special prime last): the identity of a context.</summary>
    public static byte[] ComputeFingerprint(int n, ReadOnlySpan<ulong> primes)
    {
        int length = FingerprintDomain.Length + 8 + 8 * primes.Length;
        byte[] input = new byte[length];
        FingerprintDomain.CopyTo(input);
        int pos = FingerprintDomain.Length;
        BinaryPrimitives.WriteUInt32LittleEndian(input.AsSpan(pos), (uint)n);
        BinaryPrimitives.WriteUInt32LittleEndian(input.AsSpan(pos + 4), (uint)primes.Length);
        pos += 8;
        foreach (ulong q in primes)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(input.AsSpan(pos), q);
            pos += 8;
        }

        return SHA256.HashData(input).AsSpan(0, FingerprintLength).ToArray();
    }

    public static byte[] ComputeFingerprint(RlweContext context)
    {
        Span<ulong> primes = stackalloc ulong[context.KeyLimbCount];
        for (int i = 0; i < primes.Length; i++)
        {
            primes[i] = context.KeyModuli[i].Value;
        }

        return ComputeFingerprint(context.N, primes);
    }

    /// <summary>Reads and checks everything the header can check on its own, and that it holds <paramref name="expected"/>.</summary>
    /// <exception cref="CkksFormatException">The header is truncated, has a wrong magic, version, kind, compression or flags.</exception>
    public static FormatHeader Read(ReadOnlySpan<byte> data, ObjectKind expected)
    {
        if (data.Length < Size)
        {
            throw new CkksFormatException($"Truncated header: {data.Length} of {Size} bytes.");
        }

        if (!data[..4].SequenceEqual(Magic))
        {
            throw new CkksFormatException("Not a serialized Thestage.Privacy object: wrong magic (expected \"TSPV\").");
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(data[4..]);
        if (version != CurrentVersion)
        {
            throw new CkksFormatException($"Unsupported format version {version}; this library reads version {CurrentVersion}.");
        }

        var kind = (ObjectKind)data[6];
        if (kind != expected)
        {
            string found = Enum.IsDefined(kind) ? kind.ToString() : $"unknown kind {data[6]}";
            throw new CkksFormatException($"Expected a serialized {expected} but found {found}.");
        }

        var compression = (CkksCompression)data[7];
        if (!Enum.IsDefined(compression))
        {
            throw new CkksFormatException($"Unknown compression mode {data[7]}.");
        }

        if (kind == ObjectKind.SecretKey && compression != CkksCompression.None)
        {
            throw new CkksFormatException("Secret keys are never compressed.");
        }

        byte flags = data[8];
        if ((flags & ~SeededFlag) != 0)
        {
            throw new CkksFormatException($"Unknown flags 0x{flags:X2}.");
        }

        bool seeded = (flags & SeededFlag) != 0;
        if (seeded && kind is not (ObjectKind.Ciphertext or ObjectKind.PublicKey or ObjectKind.RelinKeys or ObjectKind.GaloisKeys or ObjectKind.Vector or ObjectKind.Tensor))
        {
            throw new CkksFormatException($"A {kind} cannot be seeded.");
        }

        if (data[9..16].ContainsAnyExcept((byte)0))
        {
            throw new CkksFormatException("Reserved header bytes are not zero.");
        }

        long payloadLength = BinaryPrimitives.ReadInt64LittleEndian(data[32..]);
        long rawLength = BinaryPrimitives.ReadInt64LittleEndian(data[40..]);
        if (payloadLength < 0 || rawLength < 0)
        {
            throw new CkksFormatException("Negative payload length.");
        }

        if (compression == CkksCompression.None ? payloadLength != rawLength : payloadLength >= rawLength)
        {
            throw new CkksFormatException(compression == CkksCompression.None
                ? $"Uncompressed payload length {payloadLength} differs from its raw length {rawLength}."
                : $"Compressed payload length {payloadLength} is not below its raw length {rawLength}.");
        }

        return new FormatHeader(kind, compression, seeded, data[16..32], payloadLength, rawLength);
    }

    /// <summary>Checks the fingerprint against the context's.</summary>
    public void CheckFingerprint(ReadOnlySpan<byte> expected)
    {
        if (!expected.SequenceEqual(Fingerprint))
        {
            throw new CkksFormatException($"The {Kind} was saved under other parameters: its parameter fingerprint {Convert.ToHexString(Fingerprint)} differs from this context's {Convert.ToHexString(expected)}.");
        }
    }

    public void Write(Span<byte> destination)
    {
        destination[..Size].Clear();
        Magic.CopyTo(destination);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[4..], CurrentVersion);
        destination[6] = (byte)Kind;
        destination[7] = (byte)Compression;
        destination[8] = Seeded ? SeededFlag : (byte)0;
        Fingerprint.CopyTo(destination[16..]);
        BinaryPrimitives.WriteInt64LittleEndian(destination[32..], PayloadLength);
        BinaryPrimitives.WriteInt64LittleEndian(destination[40..], RawLength);
    }
}
