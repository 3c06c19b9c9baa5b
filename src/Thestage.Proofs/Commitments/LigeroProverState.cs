using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;

namespace Thestage.Proofs.Commitments;

/// <summary>
/// The prover's private state for one committed polynomial: the evaluation matrix, its row-wise
/// Reed–Solomon encoding (when hiding, the rows' coefficients instead), the column salts and the Merkle tree. Keep it secret; publish
/// <see cref="Commitment"/>.
/// </summary>
/// <remarks>Created by <see cref="LigeroProver.Commit(ReadOnlySpan{Fields.Goldilocks}, LigeroParameters, Hashing.ISaltSource?)"/>; Ligero (Ames et al., CCS 2017), §4.</remarks>
public sealed class LigeroProverState
{
    internal LigeroProverState(
        LigeroCommitment commitment, LigeroParameters parameters, Goldilocks[] evaluations, Goldilocks[] encoded, byte[] salts, MerkleTree tree, Goldilocks[]? coefficients = null)
    {
        Coefficients = coefficients;
        Commitment = commitment;
        Parameters = parameters;
        Evaluations = evaluations;
        Encoded = encoded;
        Salts = salts;
        Tree = tree;
    }

    /// <summary>Gets the public commitment.</summary>
    public LigeroCommitment Commitment { get; }

    /// <summary>Gets the parameters the polynomial was committed with.</summary>
    public LigeroParameters Parameters { get; }

    /// <summary>Gets the number of matrix rows (<c>2^(v − c)</c>, see <see cref="LigeroParameters.ColumnVariables"/>).</summary>
    public int RowCount => 1 << Parameters.RowVariables(Commitment.NumVariables);

    /// <summary>Gets the message length of a row (<c>2^c</c>).</summary>
    public int RowLength => Evaluations.Length / RowCount;

    /// <summary>Gets the codeword length of a row (<c>RowLength · 2^LogBlowup</c>, longer when hiding: <see cref="LigeroParameters.CodewordLength"/>).</summary>
    public int CodewordLength => Parameters.CodewordLength(Commitment.NumVariables);

    /// <summary>The rows of the committed matrix: <see cref="RowCount"/>, plus the masking rows when hiding.</summary>
    internal int CommittedRowCount => Parameters.CommittedRows(Commitment.NumVariables);

    /// <summary>When hiding, the coefficient rows (<c>CommittedRowCount × D</c>, see <see cref="LigeroMasking"/>); otherwise null.</summary>
    internal Goldilocks[]? Coefficients { get; }

    /// <summary>The evaluation table, row-major (<c>RowCount × RowLength</c>).</summary>
    internal Goldilocks[] Evaluations { get; }

    /// <summary>The encoded rows of a plain state, row-major (<c>CommittedRowCount × CodewordLength</c>); empty when hiding (openings evaluate <see cref="Coefficients"/> at their columns).</summary>
    internal Goldilocks[] Encoded { get; }

    /// <summary>The column salts, <c>CodewordLength × 16</c> bytes.</summary>
    internal byte[] Salts { get; }

    /// <summary>The Merkle tree over the salted columns.</summary>
    internal MerkleTree Tree { get; }

    /// <summary>
    /// Gets the number of mask sets used by openings so far (0 without an opening budget, whose single set every opening
    /// shares); at most <see cref="LigeroParameters.OpeningBudget"/>.
    /// </summary>
    public int OpeningsUsed => Volatile.Read(ref _openingsUsed);

    private int _openingsUsed;

    /// <summary>
    /// The mask set of the next opening: 0 without a budget; otherwise the next unused set, each handed out once, so that no two
    /// openings share one (see <see cref="LigeroParameters"/> remarks, "Opening budget"). A refused request leaves the count
    /// at the budget: an unconditional increment would wrap after 2^31 refusals to a negative set whose mask rows
    /// (<c>8·set</c> wraps to 0) are set 0's again.
    /// </summary>
    /// <exception cref="OpeningBudgetExhaustedException">All <see cref="LigeroParameters.OpeningBudget"/> sets are used.</exception>
    internal int TakeMaskSet()
    {
        int budget = Parameters.OpeningBudget;
        if (budget == 0)
        {
            return 0;
        }

        int set;
        do
        {
            set = Volatile.Read(ref _openingsUsed);
            if (set < 0 || set >= budget)
            {
                throw new OpeningBudgetExhaustedException(budget);
            }
        }
        while (Interlocked.CompareExchange(ref _openingsUsed, set + 1, set) != set);

        return set;
    }

    /// <summary>
    /// Marks the first <paramref name="used"/> mask sets as used (a state rebuilt from a seed after openings made from an earlier
    /// copy: those openings used them). Never lowers the count.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="used"/> is negative or above the budget.</exception>
    internal void MarkMaskSetsUsed(int used)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(used);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(used, Parameters.OpeningBudget);
        int current;
        do
        {
            current = Volatile.Read(ref _openingsUsed);
        }
        while (current < used && Interlocked.CompareExchange(ref _openingsUsed, used, current) != current);
    }
}
