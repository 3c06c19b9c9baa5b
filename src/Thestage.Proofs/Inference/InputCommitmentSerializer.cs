using Thestage.Proofs.Commitments;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Quantization;

namespace Thestage.Proofs.Inference;

/// <summary>
/// The versioned byte format of <see cref="InputCommitment"/>, little-endian, exactly 71 bytes:
/// <c>"TSIC" ‖ version u16 (=2) ‖ input C, H, W (u32 each, in [1, 2^24]) ‖ input bits u32 (in [2, 8]) ‖ log blowup u32 (bit 7,
/// hiding, required) ‖ column queries u32 (in [1, 4096]) ‖ opening budget u32 (in [1, 256]) ‖ samples u32 (in [1, 4096]) ‖ root (32) ‖
/// variables u8</c>. Version 2 lays out a batch and a mask set per opening (<c>InputLayout</c>); version 1 (67 bytes, no samples field:
/// one sample, no masks) is still read.
/// </summary>
/// <remarks>
/// Every field is range-checked before anything is built; each sample's padded input must hold at most
/// <see cref="ModelCommitment.MaxPaddedEntries"/> entries (checked by arithmetic on the shape), the whole layout (samples, masks) at most
/// <c>2^30</c> (<see cref="SegmentLayout"/>), and the number of variables must be the one the shape, width, samples and budget lay out
/// (<c>InputLayout</c>); plain (non-hiding) commitments and commitments without a
/// budget are refused: an input commitment exists to be opened without revealing the input, several times. Anything else, and
/// trailing bytes, raise <see cref="ProofFormatException"/>.
/// </remarks>
public static class InputCommitmentSerializer
{
    /// <summary>The format version.</summary>
    public const ushort Version = 2;

    private const ushort UnmaskedVersion = 1;

    private static ReadOnlySpan<byte> Magic => "TSIC"u8;

    /// <summary>Serializes an input commitment.</summary>
    /// <param name="commitment">The commitment.</param>
    /// <returns>The 71 bytes (67 for a version 1 commitment).</returns>
    public static byte[] Serialize(InputCommitment commitment)
    {
        ArgumentNullException.ThrowIfNull(commitment);
        var writer = new ProofWriter();
        writer.WriteHeader(Magic, (ushort)commitment.Version);
        writer.WriteUInt32((uint)commitment.InputShape.Channels);
        writer.WriteUInt32((uint)commitment.InputShape.Height);
        writer.WriteUInt32((uint)commitment.InputShape.Width);
        writer.WriteUInt32((uint)commitment.InputBits);
        writer.WriteUInt32((uint)commitment.Parameters.EncodedLogBlowup);
        writer.WriteUInt32((uint)commitment.Parameters.ColumnQueries);
        writer.WriteUInt32((uint)commitment.OpeningBudget);
        if (commitment.Version >= Version)
        {
            writer.WriteUInt32((uint)commitment.Batch);
        }

        writer.WriteDigest(commitment.Root);
        writer.WriteBytes([(byte)commitment.NumVariables]);
        return writer.ToArray();
    }

    /// <summary>Deserializes and validates an input commitment.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The commitment.</returns>
    /// <exception cref="ProofFormatException">The bytes are malformed or inconsistent.</exception>
    public static InputCommitment Deserialize(ReadOnlySpan<byte> bytes)
    {
        var reader = new ProofReader(bytes);
        ushort version = reader.ReadHeader(Magic, UnmaskedVersion, Version);
        (int channels, int height, int width) = (reader.ReadUInt32(1, 1 << 24), reader.ReadUInt32(1, 1 << 24), reader.ReadUInt32(1, 1 << 24));
        int inputBits = reader.ReadUInt32(2, InputLayout.MaxInputBits);
        int logBlowup = reader.ReadUInt32(1, LigeroParameters.MaxLogBlowup | LigeroParameters.EncodedHidingFlag);
        int queries = reader.ReadUInt32(1, LigeroParameters.MaxColumnQueries);
        int budget = reader.ReadUInt32(1, LigeroParameters.MaxOpeningBudget);
        int batch = version >= Version ? reader.ReadUInt32(1, 1 << WeightMaskLayout.MaxLogBatch) : 1;
        Digest256 root = reader.ReadDigest();
        int variables = reader.ReadBytes(1)[0];
        reader.EnsureEnd();
        if ((logBlowup & LigeroParameters.EncodedHidingFlag) == 0)
        {
            throw new ProofFormatException("An input commitment is hiding (bit 7 of the log blowup); a plain one would reveal the input.");
        }

        InputCommitment commitment;
        try
        {
            LigeroParameters parameters = LigeroParameters.Decode(logBlowup, queries).WithOpeningBudget(budget);
            commitment = new InputCommitment(LayerShapes.Canonical(channels, height, width), inputBits, parameters, new LigeroCommitment(root, variables), batch, masked: version >= Version);
        }
        catch (ArgumentException exception)
        {
            throw new ProofFormatException("The input shape or the commitment parameters are invalid.", exception);
        }

        if (commitment.Layout.NumVariables != variables)
        {
            throw new ProofFormatException($"The input commitment declares {variables} variables; its shape, width, samples and budget lay out {commitment.Layout.NumVariables}.");
        }

        return commitment;
    }
}
