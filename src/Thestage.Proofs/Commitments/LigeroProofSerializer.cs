using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;

namespace Thestage.Proofs.Commitments;

/// <summary>
/// The versioned byte format of <see cref="LigeroOpeningProof{TExt}"/>, little-endian:
/// <c>"TSLG" ‖ version u16 (=1) ‖ extension element length u16 ‖ row count u32 ‖ proximity row (u32 count ‖ elements)
/// ‖ evaluation row (u32 count ‖ elements) ‖ column count u32 ‖ per column: 16-byte salt ‖ row-count base elements
/// ‖ sibling count u32 ‖ 32-byte digests</c>. Version 2 is the opening of a commitment with an opening budget
/// (<see cref="LigeroParameters.OpeningBudget"/>): the same layout with the mask set <c>u16</c> after the extension element
/// length (<see cref="LigeroOpeningProof{TExt}.MaskIndex"/>); openings without one are written as version 1, unchanged.
/// </summary>
/// <remarks>
/// Every count is bounded (row count and row length by <c>2^24</c>, columns by
/// <see cref="LigeroParameters.MaxColumnQueries"/>, siblings by <c>columns · 64</c>) and checked against the
/// remaining bytes before anything is allocated; field elements must be canonical; trailing bytes are
/// rejected. Malformed input raises <see cref="ProofFormatException"/> only. Ligero (Ames et al., CCS 2017).
/// </remarks>
public static class LigeroProofSerializer
{
    /// <summary>The format version of openings without an opening budget (those with one are written as version 2).</summary>
    public const ushort Version = 1;

    private const ushort BudgetedVersion = 2;

    private const int MaxDimension = 1 << 24;

    private static ReadOnlySpan<byte> Magic => "TSLG"u8;

    /// <summary>Serializes a proof.</summary>
    /// <typeparam name="TExt">The extension field.</typeparam>
    /// <param name="proof">The proof.</param>
    /// <returns>The bytes.</returns>
    public static byte[] Serialize<TExt>(LigeroOpeningProof<TExt> proof)
        where TExt : struct, IExtensionField<TExt>
    {
        ArgumentNullException.ThrowIfNull(proof);
        var writer = new ProofWriter();
        writer.WriteHeader(Magic, proof.MaskIndex is null ? Version : BudgetedVersion);
        writer.WriteUInt16((ushort)TExt.EncodedLength);
        if (proof.MaskIndex is int set)
        {
            writer.WriteUInt16((ushort)set);
        }

        writer.WriteUInt32((uint)proof.RowCount);
        writer.WriteElements(proof.ProximityRow);
        writer.WriteElements(proof.EvaluationRow);
        writer.WriteUInt32((uint)proof.ColumnCount);
        for (int q = 0; q < proof.ColumnCount; q++)
        {
            writer.WriteBytes(proof.GetSalt(q));
            foreach (Goldilocks value in proof.GetColumn(q))
            {
                writer.WriteElement(value);
            }
        }

        writer.WriteUInt32((uint)proof.MerkleProof.Siblings.Length);
        foreach (Digest256 sibling in proof.MerkleProof.Siblings)
        {
            writer.WriteDigest(sibling);
        }

        return writer.ToArray();
    }

    /// <summary>Deserializes and validates a proof.</summary>
    /// <typeparam name="TExt">The extension field.</typeparam>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The proof.</returns>
    /// <exception cref="ProofFormatException">The bytes are malformed.</exception>
    public static LigeroOpeningProof<TExt> Deserialize<TExt>(ReadOnlySpan<byte> bytes)
        where TExt : struct, IExtensionField<TExt>
    {
        var reader = new ProofReader(bytes);
        ushort version = reader.ReadHeader(Magic, Version, BudgetedVersion);
        if (reader.ReadUInt16() != TExt.EncodedLength)
        {
            throw new ProofFormatException("The proof was written for a different extension field.");
        }

        int? maskIndex = null;
        if (version == BudgetedVersion)
        {
            int set = reader.ReadUInt16();
            maskIndex = set < LigeroParameters.MaxOpeningBudget ? set : throw new ProofFormatException($"Mask set {set} is beyond the largest opening budget ({LigeroParameters.MaxOpeningBudget}).");
        }

        int rows = reader.ReadCount(1, MaxDimension, 0);
        TExt[] proximityRow = reader.ReadElements<TExt>(1, MaxDimension);
        TExt[] evaluationRow = reader.ReadElements<TExt>(1, MaxDimension);

        int columnBytes = MerkleHasher.SaltLength + (rows * Goldilocks.EncodedLength);
        int columnCount = reader.ReadCount(1, LigeroParameters.MaxColumnQueries, columnBytes);
        var salts = new byte[columnCount * MerkleHasher.SaltLength];
        var columns = new Goldilocks[columnCount * rows];
        for (int q = 0; q < columnCount; q++)
        {
            reader.ReadBytes(MerkleHasher.SaltLength).CopyTo(salts.AsSpan(q * MerkleHasher.SaltLength));
            reader.ReadElementsInto<Goldilocks>(columns.AsSpan(q * rows, rows));
        }

        int siblingCount = reader.ReadCount(0, columnCount * 64, Digest256.Length);
        var siblings = new Digest256[siblingCount];
        for (int i = 0; i < siblingCount; i++)
        {
            siblings[i] = reader.ReadDigest();
        }

        reader.EnsureEnd();
        return LigeroOpeningProof<TExt>.Adopt(proximityRow, evaluationRow, rows, columns, salts, new MerkleBatchProof(siblings), maskIndex);
    }
}
