using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;

namespace Thestage.Proofs.Commitments.Basefold;

/// <summary>
/// The versioned byte format of <see cref="BasefoldOpening{TExt}"/>, little-endian:
/// <c>"TSBF" ‖ version u16 (1: plain, 2: hiding) ‖ extension element length u16 ‖ (version 2: the mask value, one element) ‖ round values (u32 count ‖ elements) ‖ layer roots (u32 count ‖
/// 32-byte digests) ‖ final coefficients (u32 count ‖ elements) ‖ layer count u32 ‖ per layer: payload width u32 ‖ leaf count u32 ‖
/// per leaf: (layer 0 only: 16-byte salt) ‖ width base elements ‖ sibling count u32 ‖ 32-byte digests</c>.
/// </summary>
/// <remarks>
/// Every count is bounded (round values by <c>2·27</c>, roots and layers by 27, final coefficients by <c>2^16</c>, payload width by
/// <c>2^5·8</c>, leaves by <see cref="BasefoldParameters.MaxQueries"/>, siblings by <c>32</c> per leaf) and checked against the
/// remaining bytes before anything is allocated; field elements must be canonical; trailing bytes are rejected. Malformed input
/// raises <see cref="ProofFormatException"/> only; whether the shape fits the parameters is the verifier's check.
/// </remarks>
internal static class BasefoldOpeningSerializer
{
    /// <summary>The format version of plain openings.</summary>
    public const ushort Version = 1;

    /// <summary>The format version of hiding openings (with the mask value).</summary>
    public const ushort HidingVersion = 2;

    private const int MaxPayloadWidth = (1 << BasefoldParameters.MaxLogArity) * 8;
    private const int MaxSiblingsPerLeaf = 32;

    private static ReadOnlySpan<byte> Magic => "TSBF"u8;

    /// <summary>Serializes an opening.</summary>
    public static byte[] Serialize<TExt>(BasefoldOpening<TExt> opening)
        where TExt : struct, IExtensionField<TExt>
    {
        ArgumentNullException.ThrowIfNull(opening);
        var writer = new ProofWriter();
        writer.WriteHeader(Magic, opening.MaskValue is null ? Version : HidingVersion);
        writer.WriteUInt16((ushort)TExt.EncodedLength);
        if (opening.MaskValue is TExt maskValue)
        {
            writer.WriteElement(maskValue);
        }

        writer.WriteElements<TExt>(opening.RoundMessages);
        writer.WriteUInt32((uint)opening.LayerRoots.Length);
        foreach (Digest256 root in opening.LayerRoots)
        {
            writer.WriteDigest(root);
        }

        writer.WriteElements<TExt>(opening.FinalCoefficients);
        writer.WriteUInt32((uint)opening.Layers.Length);
        for (int g = 0; g < opening.Layers.Length; g++)
        {
            BasefoldLayerOpening layer = opening.Layers[g];
            writer.WriteUInt32((uint)layer.PayloadWidth);
            writer.WriteUInt32((uint)layer.LeafCount);
            for (int i = 0; i < layer.LeafCount; i++)
            {
                if (g == 0)
                {
                    writer.WriteBytes(layer.Salts.AsSpan(i * MerkleHasher.SaltLength, MerkleHasher.SaltLength));
                }

                foreach (Goldilocks x in layer.Payload(i))
                {
                    writer.WriteElement(x);
                }
            }

            writer.WriteUInt32((uint)layer.Proof.Siblings.Length);
            foreach (Digest256 sibling in layer.Proof.Siblings)
            {
                writer.WriteDigest(sibling);
            }
        }

        return writer.ToArray();
    }

    /// <summary>Deserializes an opening.</summary>
    /// <exception cref="ProofFormatException">The bytes are malformed.</exception>
    public static BasefoldOpening<TExt> Deserialize<TExt>(ReadOnlySpan<byte> bytes)
        where TExt : struct, IExtensionField<TExt>
    {
        var reader = new ProofReader(bytes);
        ushort version = reader.ReadHeader(Magic, Version, HidingVersion);
        if (reader.ReadUInt16() != TExt.EncodedLength)
        {
            throw new ProofFormatException("The opening was written for a different extension field.");
        }

        TExt? maskValue = version == HidingVersion ? reader.ReadElement<TExt>() : null;

        TExt[] rounds = reader.ReadElements<TExt>(2, 2 * BasefoldParameters.MaxVariables);
        int rootCount = reader.ReadCount(0, BasefoldParameters.MaxVariables, Digest256.Length);
        var roots = new Digest256[rootCount];
        for (int i = 0; i < rootCount; i++)
        {
            roots[i] = reader.ReadDigest();
        }

        TExt[] final = reader.ReadElements<TExt>(1, 1 << BasefoldParameters.MaxFinalVariables);
        int layerCount = reader.ReadCount(1, BasefoldParameters.MaxVariables, 12);
        var layers = new BasefoldLayerOpening[layerCount];
        for (int g = 0; g < layerCount; g++)
        {
            int width = reader.ReadUInt32(1, MaxPayloadWidth);
            int saltBytes = g == 0 ? MerkleHasher.SaltLength : 0;
            int leafCount = reader.ReadCount(1, BasefoldParameters.MaxQueries, saltBytes + (width * Goldilocks.EncodedLength));
            var salts = new byte[leafCount * saltBytes];
            var payloads = new Goldilocks[leafCount * width];
            for (int i = 0; i < leafCount; i++)
            {
                reader.ReadBytes(saltBytes).CopyTo(salts.AsSpan(i * saltBytes));
                reader.ReadElementsInto<Goldilocks>(payloads.AsSpan(i * width, width));
            }

            int siblingCount = reader.ReadCount(0, leafCount * MaxSiblingsPerLeaf, Digest256.Length);
            var siblings = new Digest256[siblingCount];
            for (int i = 0; i < siblingCount; i++)
            {
                siblings[i] = reader.ReadDigest();
            }

            layers[g] = new BasefoldLayerOpening(leafCount, width, payloads, salts, new MerkleBatchProof(siblings));
        }

        reader.EnsureEnd();
        return new BasefoldOpening<TExt>(rounds, roots, final, layers, maskValue);
    }
}
