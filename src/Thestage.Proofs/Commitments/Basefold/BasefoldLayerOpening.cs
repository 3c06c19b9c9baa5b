using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;

namespace Thestage.Proofs.Commitments.Basefold;

/// <summary>
/// The opened leaves of one layer: the distinct queried leaves in increasing index order (the verifier derives the indices),
/// each as its base-field payload (layer 0: <c>2^a</c> values; later layers: <c>2^a</c> extension values as their coefficients),
/// the 16-byte salts of layer 0, and the deduplicated Merkle batch proof.
/// </summary>
internal sealed class BasefoldLayerOpening
{
    /// <summary>Initializes an opening (the arrays are adopted, not copied).</summary>
    public BasefoldLayerOpening(int leafCount, int payloadWidth, Goldilocks[] payloads, byte[] salts, MerkleBatchProof proof)
    {
        LeafCount = leafCount;
        PayloadWidth = payloadWidth;
        Payloads = payloads;
        Salts = salts;
        Proof = proof;
    }

    /// <summary>Gets the number of opened leaves.</summary>
    public int LeafCount { get; }

    /// <summary>Gets the base elements per leaf.</summary>
    public int PayloadWidth { get; }

    /// <summary>Gets the payloads, leaf after leaf.</summary>
    public Goldilocks[] Payloads { get; }

    /// <summary>Gets the salts (<c>16·LeafCount</c> bytes on layer 0, empty on later layers).</summary>
    public byte[] Salts { get; }

    /// <summary>Gets the Merkle batch proof.</summary>
    public MerkleBatchProof Proof { get; }

    /// <summary>The payload of opened leaf <paramref name="index"/>.</summary>
    public ReadOnlySpan<Goldilocks> Payload(int index) => Payloads.AsSpan(index * PayloadWidth, PayloadWidth);
}
