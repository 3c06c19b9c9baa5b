using System.Buffers;
using System.Buffers.Binary;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;

namespace Thestage.Proofs;

/// <summary>Little-endian writer for the versioned proof formats.</summary>
internal sealed class ProofWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new();

    public void WriteHeader(ReadOnlySpan<byte> magic, ushort version)
    {
        _buffer.Write(magic);
        WriteUInt16(version);
    }

    public void WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.GetSpan(2), value);
        _buffer.Advance(2);
    }

    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes) => _buffer.Write(bytes);

    public void WriteDigest(Digest256 digest)
    {
        digest.WriteTo(_buffer.GetSpan(Digest256.Length));
        _buffer.Advance(Digest256.Length);
    }

    public void WriteElement<T>(T value)
        where T : struct, IField<T>
    {
        value.WriteTo(_buffer.GetSpan(T.EncodedLength));
        _buffer.Advance(T.EncodedLength);
    }

    /// <summary>Writes a 32-bit count followed by the elements.</summary>
    public void WriteElements<T>(ReadOnlySpan<T> values)
        where T : struct, IField<T>
    {
        WriteUInt32((uint)values.Length);
        foreach (T value in values)
        {
            WriteElement(value);
        }
    }

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();
}
