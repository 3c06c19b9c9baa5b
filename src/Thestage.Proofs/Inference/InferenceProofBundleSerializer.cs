using System.Buffers.Binary;
using Thestage.Proofs.Hashing;

namespace Thestage.Proofs.Inference;

/// <summary>
/// The versioned byte format of <see cref="InferenceProofBundle"/>, little-endian:
/// <c>"TSPB" ‖ version u16 (=1) ‖ commitment fingerprint (32) ‖ samples u32 ‖ input length u32 ‖ output length u32 ‖
/// inputs (samples × input length i16, sample-major) ‖ outputs (samples × output length i16) ‖ proof length u32 ‖ proof
/// ("TSIP" bytes, <see cref="InferenceProofSerializer"/>)</c>.
/// </summary>
/// <remarks>
/// Inputs have at most 16 bits and outputs are int16 (<see cref="Quantization.QuantizedModel"/>), so i16 holds both exactly.
/// Bounds: 1 to 4096 samples, lengths 1 to <see cref="ModelCommitment.MaxPaddedEntries"/>, every count checked against the
/// bytes left before anything is allocated, the proof's length exactly the bytes that remain; malformed input raises
/// <see cref="ProofFormatException"/> only.
/// </remarks>
public static class InferenceProofBundleSerializer
{
    /// <summary>The current format version.</summary>
    public const ushort Version = 1;

    private static ReadOnlySpan<byte> Magic => "TSPB"u8;

    /// <summary>Serializes a bundle.</summary>
    /// <param name="bundle">The bundle.</param>
    /// <returns>The bytes.</returns>
    /// <exception cref="ArgumentException">The proof exceeds the bounds of its format.</exception>
    public static byte[] Serialize(InferenceProofBundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        byte[] proof = InferenceProofSerializer.Serialize(bundle.Proof);
        var writer = new ProofWriter();
        writer.WriteHeader(Magic, Version);
        writer.WriteDigest(bundle.CommitmentFingerprint);
        writer.WriteUInt32((uint)bundle.Count);
        writer.WriteUInt32((uint)bundle.InputArray[0].Length);
        writer.WriteUInt32((uint)bundle.OutputArray[0].Length);
        WriteSamples(writer, bundle.InputArray);
        WriteSamples(writer, bundle.OutputArray);
        writer.WriteUInt32((uint)proof.Length);
        writer.WriteBytes(proof);
        return writer.ToArray();
    }

    /// <summary>Deserializes and validates a bundle.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The bundle.</returns>
    /// <exception cref="ProofFormatException">The bytes are malformed.</exception>
    public static InferenceProofBundle Deserialize(ReadOnlySpan<byte> bytes)
    {
        var reader = new ProofReader(bytes);
        reader.ReadHeader(Magic, Version);
        Digest256 fingerprint = reader.ReadDigest();
        int samples = reader.ReadUInt32(1, InferenceProofBundle.MaxSamples);
        int inputLength = reader.ReadUInt32(1, ModelCommitment.MaxPaddedEntries);
        int outputLength = reader.ReadUInt32(1, ModelCommitment.MaxPaddedEntries);
        if ((ulong)samples * (ulong)(inputLength + outputLength) * 2 > (ulong)reader.Remaining)
        {
            throw new ProofFormatException($"The bundle announces {samples} samples of {inputLength} inputs and {outputLength} outputs; it is shorter than that.");
        }

        int[][] inputs = ReadSamples(ref reader, samples, inputLength);
        int[][] outputs = ReadSamples(ref reader, samples, outputLength);
        int proofLength = reader.ReadUInt32(0, int.MaxValue);
        if (proofLength != reader.Remaining)
        {
            throw new ProofFormatException($"The bundle announces a proof of {proofLength} bytes; {reader.Remaining} follow.");
        }

        InferenceProof proof = InferenceProofSerializer.Deserialize(reader.ReadBytes(proofLength));
        return new InferenceProofBundle(fingerprint, inputs, outputs, proof);
    }

    private static void WriteSamples(ProofWriter writer, int[][] samples)
    {
        var row = new byte[2 * samples[0].Length];
        foreach (int[] sample in samples)
        {
            for (int i = 0; i < sample.Length; i++)
            {
                BinaryPrimitives.WriteInt16LittleEndian(row.AsSpan(2 * i), (short)sample[i]);
            }

            writer.WriteBytes(row);
        }
    }

    private static int[][] ReadSamples(ref ProofReader reader, int samples, int length)
    {
        var result = new int[samples][];
        for (int s = 0; s < samples; s++)
        {
            ReadOnlySpan<byte> row = reader.ReadBytes(2 * length);
            var sample = new int[length];
            for (int i = 0; i < length; i++)
            {
                sample[i] = BinaryPrimitives.ReadInt16LittleEndian(row[(2 * i)..]);
            }

            result[s] = sample;
        }

        return result;
    }
}
