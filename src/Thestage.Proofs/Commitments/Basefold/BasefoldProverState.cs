using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;

namespace Thestage.Proofs.Commitments.Basefold;

/// <summary>What the prover keeps after committing: the table, its layer-0 codeword, the salts and the Merkle tree.</summary>
internal sealed class BasefoldProverState
{
    /// <summary>Initializes the state (the arrays are adopted).</summary>
    public BasefoldProverState(BasefoldCommitment commitment, BasefoldParameters parameters, Goldilocks[] table, Goldilocks[] codeword, byte[] salts, MerkleTree tree)
        : this(commitment, parameters, table, null, null, codeword, salts, tree)
    {
    }

    /// <summary>Initializes the state of a hiding commitment (the arrays are adopted).</summary>
    public BasefoldProverState(
        BasefoldCommitment commitment, BasefoldParameters parameters, Goldilocks[] table, Goldilocks[]? extended, Goldilocks[]? mask, Goldilocks[] codeword, byte[] salts, MerkleTree tree)
    {
        Extended = extended;
        Mask = mask;
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

    /// <summary>Gets the committed table <c>f̃</c> of a hiding commitment (<c>f</c> on the last <c>e</c> variables zero, uniform elsewhere); null when plain.</summary>
    public Goldilocks[]? Extended { get; }

    /// <summary>Gets the uniform mask table <c>g̃</c> of a hiding commitment; null when plain.</summary>
    public Goldilocks[]? Mask { get; }

    /// <summary>Gets the layer-0 codeword <c>P(s·ω^p)</c>, <c>p &lt; n_0</c> (hiding: followed by the mask's, <c>2·n_0</c> values).</summary>
    public Goldilocks[] Codeword { get; }

    /// <summary>Gets the 16-byte salts of the layer-0 leaves.</summary>
    public byte[] Salts { get; }

    /// <summary>Gets the layer-0 Merkle tree.</summary>
    public MerkleTree Tree { get; }

    private int _openings;

    /// <summary>
    /// Counts an opening; a hiding commitment hides one opening only (a second reveals functionals of <c>f̃</c>, see
    /// <c>Commitments/README.md</c>, "Hiding"), so the second is refused. Thread-safe.
    /// </summary>
    /// <exception cref="OpeningBudgetExhaustedException">A hiding commitment was already opened.</exception>
    public void BeginOpening()
    {
        if (Interlocked.Increment(ref _openings) > 1 && Mask is not null)
        {
            throw new OpeningBudgetExhaustedException(1);
        }
    }
}
