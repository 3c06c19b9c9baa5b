using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;

namespace Thestage.Proofs.Commitments.Basefold;

/// <summary>What the prover keeps after committing: the table, its layer-0 codeword, the salts and the Merkle tree.</summary>
internal sealed class BasefoldProverState
{
    /// <summary>Initializes the state (the arrays are adopted).</summary>
    public BasefoldProverState(BasefoldCommitment commitment, BasefoldParameters parameters, Goldilocks[] table, Goldilocks[] codeword, byte[] salts, MerkleTree tree)
    {
        Commitment = commitment;
        Parameters = parameters;
        Table = table;
        Codeword = codeword;
        Salts = salts;
        Tree = tree;
    }

    /// <summary>Gets the public commitment.</summary>
    public BasefoldCommitment Commitment { get; }

    /// <summary>Gets the parameters.</summary>
    public BasefoldParameters Parameters { get; }

    /// <summary>Gets the committed hypercube table (<c>x_1</c> most significant).</summary>
    public Goldilocks[] Table { get; }

    /// <summary>Gets the layer-0 codeword <c>P(s·ω^p)</c>, <c>p &lt; n_0</c>.</summary>
    public Goldilocks[] Codeword { get; }

    /// <summary>Gets the 16-byte salts of the layer-0 leaves.</summary>
    public byte[] Salts { get; }

    /// <summary>Gets the layer-0 Merkle tree.</summary>
    public MerkleTree Tree { get; }
}
