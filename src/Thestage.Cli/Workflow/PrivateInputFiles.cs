using System.Buffers.Binary;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Inference;

namespace Thestage.Cli.Workflow;

/// <summary>
/// The files of a private input (issue 13): the directory <c>thestage commit-input</c> writes — <see cref="Commitment"/> (public: give it to
/// verifiers), <see cref="Seed"/> (secret) and <see cref="Count"/> (secret, the openings made) — and the proof file of
/// <c>thestage prove --private-input</c>, format <c>TSPI</c>: <c>"TSPI" ‖ version u16 (=1) ‖ model fingerprint (32) ‖ input fingerprint (32)
/// ‖ samples u32 (1…4096) ‖ outputs per sample u32 (1…2^22) ‖ outputs i32 each ‖ proof length u32 ‖ TSIP bytes</c>, little-endian, nothing
/// after. No input is in it: the proof names the input commitment by its fingerprint.
/// </summary>
internal static class PrivateInputFiles
{
    public const string Commitment = "input.tsic";

    public const string Seed = "input.seed";

    public const string Count = "input.openings";

    public const string LockName = "input.lock";

    private const ushort Version = 1;

    private const int MaxSamples = 1 << 12;

    private const int MaxOutputs = 1 << 22;

    private static ReadOnlySpan<byte> Magic => "TSPI"u8;

    /// <summary>Whether a file's bytes start as a private-input proof.</summary>
    public static bool IsPrivateInputProof(ReadOnlySpan<byte> bytes) => bytes.StartsWith(Magic);

    /// <summary>Writes a private-input proof file.</summary>
    public static byte[] Serialize(Digest256 model, Digest256 input, int[][] outputs, InferenceProof proof)
    {
        byte[] tsip = InferenceProofSerializer.Serialize(proof);
        int width = outputs[0].Length;
        var bytes = new byte[4 + 2 + 32 + 32 + 4 + 4 + (4 * outputs.Length * width) + 4 + tsip.Length];
        Magic.CopyTo(bytes);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), Version);
        model.ToArray().CopyTo(bytes, 6);
        input.ToArray().CopyTo(bytes, 38);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(70), (uint)outputs.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(74), (uint)width);
        int offset = 78;
        foreach (int value in outputs.SelectMany(o => o))
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(offset), value);
            offset += 4;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(offset), (uint)tsip.Length);
        tsip.CopyTo(bytes, offset + 4);
        return bytes;
    }

    /// <summary>Reads a private-input proof file.</summary>
    /// <exception cref="InvalidDataException">The bytes are not such a file (every count is checked against the bytes left before anything is allocated).</exception>
    /// <exception cref="Thestage.Proofs.ProofFormatException">The embedded <c>TSIP</c> proof is malformed.</exception>
    public static (Digest256 Model, Digest256 Input, int[][] Outputs, InferenceProof Proof) Deserialize(byte[] bytes)
    {
        if (bytes.Length < 82 || !IsPrivateInputProof(bytes) || BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)) != Version)
        {
            throw new InvalidDataException("not a private-input proof (TSPI version 1)");
        }

        Digest256 model = Digest256.FromBytes(bytes.AsSpan(6, 32));
        Digest256 input = Digest256.FromBytes(bytes.AsSpan(38, 32));
        uint samples = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(70));
        uint width = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(74));
        if (samples is 0 or > MaxSamples || width is 0 or > MaxOutputs || (long)samples * width * 4 > bytes.Length - 82)
        {
            throw new InvalidDataException($"a private-input proof of {samples} samples of {width} outputs: out of range or longer than the file");
        }

        var outputs = new int[samples][];
        int offset = 78;
        for (int s = 0; s < samples; s++)
        {
            outputs[s] = new int[width];
            for (int i = 0; i < width; i++, offset += 4)
            {
                outputs[s][i] = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(offset));
            }
        }

        uint length = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset));
        if (length != bytes.Length - offset - 4)
        {
            throw new InvalidDataException($"a private-input proof whose TSIP part declares {length} bytes; {bytes.Length - offset - 4} follow");
        }

        return (model, input, outputs, InferenceProofSerializer.Deserialize(bytes.AsSpan(offset + 4)));
    }
}
