using System.Buffers.Binary;

namespace Thestage.Proofs.Training;

/// <summary>
/// The versioned byte format <c>TSTP</c> of <see cref="TrainingProofs"/>; reading throws only
/// <see cref="ProofFormatException"/> on malformed bytes (consistency with a transcript is the verifier's job).
/// </summary>
/// <remarks>
/// Layout, little-endian: <c>"TSTP"</c>, <c>u16</c> version 3, <c>u8</c> mode (0 every step, 1 sampled), <c>u32</c> sample
/// size <c>k</c> (0 in every-step mode), the 32-byte challenge seed (zero in every-step mode), the initial-snapshot
/// proof (<c>u32</c> length and <see cref="InitialSnapshotProofSerializer"/>'s bytes), <c>u32</c> step-proof
/// count <c>≤ 2^20</c> and per proof <c>u32</c> length and <see cref="TrainingStepProofSerializer"/>'s bytes, then
/// <c>u32</c> range-proof count <c>≤ 2^20 + 1</c> and per proof <c>u32</c> length and <see cref="SnapshotRangeProofSerializer"/>'s
/// bytes. No trailing bytes.
/// <para>
/// History: version 1 had no initial-snapshot proof; version 2 had version 3's layout, but its sample mixed in the sample
/// size (so a prover could choose <c>k</c> to choose the sample) and its verifier took the seed from the proof. Both are
/// refused with a message saying why.
/// </para>
/// </remarks>
public static class TrainingProofsSerializer
{
    private const ushort Version = 3;

    private static ReadOnlySpan<byte> Magic => "TSTP"u8;

    /// <summary>Serializes the proofs of a run.</summary>
    /// <param name="proofs">The proofs.</param>
    /// <returns>The bytes.</returns>
    public static byte[] Serialize(TrainingProofs proofs)
    {
        ArgumentNullException.ThrowIfNull(proofs);
        var writer = new ProofWriter();
        writer.WriteHeader(Magic, Version);
        writer.WriteBytes([proofs.IsSampled ? (byte)1 : (byte)0]);
        writer.WriteUInt32((uint)proofs.SampleSize);
        writer.WriteDigest(proofs.ChallengeSeed);
        WriteNested(writer, InitialSnapshotProofSerializer.Serialize(proofs.Initial));
        writer.WriteUInt32((uint)proofs.Steps.Count);
        foreach (TrainingStepProof step in proofs.Steps)
        {
            WriteNested(writer, TrainingStepProofSerializer.Serialize(step));
        }

        writer.WriteUInt32((uint)proofs.Ranges.Count);
        foreach (SnapshotRangeProof range in proofs.Ranges)
        {
            WriteNested(writer, SnapshotRangeProofSerializer.Serialize(range));
        }

        return writer.ToArray();
    }

    /// <summary>Reads the proofs of a run, checking the bounds listed in the remarks.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The proofs.</returns>
    /// <exception cref="ProofFormatException">The bytes are malformed.</exception>
    public static TrainingProofs Deserialize(ReadOnlySpan<byte> bytes)
    {
        ushort version = bytes.Length >= 6 && bytes[..4].SequenceEqual(Magic) ? BinaryPrimitives.ReadUInt16LittleEndian(bytes[4..]) : Version;
        if (version is 1 or 2)
        {
            throw new ProofFormatException(
                $"TSTP version {version} is no longer accepted: its sampled steps depended on a sample size the prover chose. Prove the run again (version 3).");
        }

        var reader = new ProofReader(bytes);
        reader.ReadHeader(Magic, Version);
        byte mode = reader.ReadBytes(1)[0];
        uint k = reader.ReadUInt32();
        var seed = reader.ReadDigest();
        if (mode > 1 || k > TrainingTranscript.MaxSteps || (mode == 0 && (k != 0 || seed != default)))
        {
            throw new ProofFormatException("The proof mode, sample size or seed is invalid.");
        }

        InitialSnapshotProof initial = InitialSnapshotProofSerializer.Deserialize(ReadNested(ref reader));
        int stepCount = reader.ReadCount(0, TrainingTranscript.MaxSteps, 4);
        var steps = new TrainingStepProof[stepCount];
        for (int i = 0; i < stepCount; i++)
        {
            steps[i] = TrainingStepProofSerializer.Deserialize(ReadNested(ref reader));
        }

        int rangeCount = reader.ReadCount(0, TrainingTranscript.MaxSteps + 1, 4);
        var ranges = new SnapshotRangeProof[rangeCount];
        for (int i = 0; i < rangeCount; i++)
        {
            ranges[i] = SnapshotRangeProofSerializer.Deserialize(ReadNested(ref reader));
        }

        reader.EnsureEnd();
        return new TrainingProofs(mode == 1, (int)k, seed, initial, steps, ranges);
    }

    private static void WriteNested(ProofWriter writer, byte[] bytes)
    {
        writer.WriteUInt32((uint)bytes.Length);
        writer.WriteBytes(bytes);
    }

    private static ReadOnlySpan<byte> ReadNested(ref ProofReader reader)
    {
        int length = reader.ReadCount(1, int.MaxValue, 1);
        return reader.ReadBytes(length);
    }
}
