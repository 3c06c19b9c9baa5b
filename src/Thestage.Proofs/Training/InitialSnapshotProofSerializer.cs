using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Inference;

namespace Thestage.Proofs.Training;

/// <summary>
/// The versioned byte format <c>TSIS</c> of an <see cref="InitialSnapshotProof"/>; reading throws only
/// <see cref="ProofFormatException"/> on malformed bytes (consistency with a transcript is the verifier's job).
/// </summary>
/// <remarks>
/// Layout, little-endian: <c>"TSIS"</c>, <c>u16</c> version 1, <c>u8</c> opening count in <c>[1, 2]</c> (one per weight
/// polynomial), then the openings (each <c>u32</c> length and <see cref="LigeroProofSerializer"/>'s bytes). No trailing
/// bytes.
/// </remarks>
public static class InitialSnapshotProofSerializer
{
    private const ushort Version = 1;

    private static ReadOnlySpan<byte> Magic => "TSIS"u8;

    /// <summary>Serializes a proof.</summary>
    /// <param name="proof">The proof.</param>
    /// <returns>The bytes.</returns>
    public static byte[] Serialize(InitialSnapshotProof proof)
    {
        ArgumentNullException.ThrowIfNull(proof);
        var writer = new ProofWriter();
        writer.WriteHeader(Magic, Version);
        writer.WriteBytes([(byte)proof.Openings.Count]);
        foreach (LigeroOpeningProof<GoldilocksExt2> opening in proof.Openings)
        {
            ProofCodec.WriteOpening(writer, opening);
        }

        return writer.ToArray();
    }

    /// <summary>Reads a proof, checking the bounds listed in the remarks.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The proof.</returns>
    /// <exception cref="ProofFormatException">The bytes are malformed.</exception>
    public static InitialSnapshotProof Deserialize(ReadOnlySpan<byte> bytes)
    {
        var reader = new ProofReader(bytes);
        reader.ReadHeader(Magic, Version);
        int count = reader.ReadBytes(1)[0];
        if (count is < 1 or > 2)
        {
            throw new ProofFormatException("The opening count is out of range.");
        }

        var openings = new LigeroOpeningProof<GoldilocksExt2>[count];
        for (int i = 0; i < count; i++)
        {
            openings[i] = ProofCodec.ReadOpening(ref reader);
        }

        reader.EnsureEnd();
        return new InitialSnapshotProof(openings);
    }
}
