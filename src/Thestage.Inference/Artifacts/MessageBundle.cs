using Thestage.Formats;
using Thestage.Privacy.Serialization;

namespace Thestage.Inference.Artifacts;

/// <summary>
/// The file forms of an encrypted request ("TSRQ") and response ("TSRS"), version 1, little-endian: magic ‖ u16 version ‖
/// the plan's 32-byte fingerprint (SHA-256 of its TSPL bytes) ‖ u32 sample count (1–2^20) ‖ u32 message count (1–2^20) ‖ per
/// message u32 length and one TSPV object (an encrypted vector per sample in row-major plans, a batch tensor of up to N/2
/// samples in batch plans). The TSPV objects are validated by <see cref="CkksSerializer"/> when they are loaded; this checks
/// the envelope: magic, version, plan, bounded counts, lengths against the bytes present, nothing after the end.
/// </summary>
internal static class MessageBundle
{
    public const ushort Version = 1;

    public const int MaxSamples = 1 << 20;

    public static ReadOnlySpan<byte> RequestMagic => "TSRQ"u8;

    public static ReadOnlySpan<byte> ResponseMagic => "TSRS"u8;

    public static byte[] Write(ReadOnlySpan<byte> magic, ReadOnlySpan<byte> fingerprint, int samples, IReadOnlyList<byte[]> messages)
    {
        var w = new BoundedWriter(magic, Version);
        w.Bytes(fingerprint);
        w.U32(samples);
        w.U32(messages.Count);
        foreach (byte[] m in messages)
        {
            w.Block(m);
        }

        return w.ToArray();
    }

    /// <summary>Reads the envelope; returns the sample count and the messages (slices of <paramref name="data"/>).</summary>
    public static (int Samples, byte[][] Messages) Read(ReadOnlySpan<byte> data, ReadOnlySpan<byte> magic, string what, ReadOnlySpan<byte> fingerprint)
    {
        var r = new ArtifactReader(data);
        r.Header(magic, Version, what);
        if (!r.Bytes(32).SequenceEqual(fingerprint))
        {
            throw new CkksFormatException($"The {what} was made for another plan (its plan fingerprint differs).");
        }

        int samples = r.U32(1, MaxSamples, $"The {what}'s sample count");
        int count = r.U32(1, samples, $"The {what}'s message count");
        var messages = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            messages[i] = r.Block(int.MaxValue, $"Message {i}").ToArray();
        }

        r.End(what);
        return (samples, messages);
    }
}
