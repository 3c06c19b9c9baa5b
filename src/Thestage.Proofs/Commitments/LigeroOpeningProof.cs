using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;

namespace Thestage.Proofs.Commitments;

/// <summary>
/// An evaluation proof of the Ligero/Brakedown commitment: the random-combination row (proximity
/// test), the <c>eq(r_row)</c>-combination row (evaluation), and the opened columns with their salts
/// and one batch Merkle proof. Columns are listed for the distinct queried indices in increasing order.
/// </summary>
/// <typeparam name="TExt">The extension field of the challenges.</typeparam>
/// <remarks>
/// Ligero (Ames et al., CCS 2017), §4; Brakedown (Golovnev et al., eprint 2021/1043), §4. Serialized
/// by <see cref="LigeroProofSerializer"/>.
/// </remarks>
public sealed class LigeroOpeningProof<TExt>
    where TExt : struct, IExtensionField<TExt>
{
    private readonly TExt[] _proximityRow;
    private readonly TExt[] _evaluationRow;
    private readonly Goldilocks[] _columns;
    private readonly byte[] _salts;

    /// <summary>Initializes a new proof (all buffers are copied).</summary>
    /// <param name="proximityRow">The row <c>Σ_i γ_i · M_i</c> (message length).</param>
    /// <param name="evaluationRow">The row <c>Σ_i eq(r_row, i) · M_i</c> (message length).</param>
    /// <param name="rowCount">The number of matrix rows, i.e. the height of each opened column.</param>
    /// <param name="columns">The opened columns, concatenated (<c>columnCount × rowCount</c>).</param>
    /// <param name="salts">The salts of the opened columns, concatenated (<c>columnCount × 16</c> bytes).</param>
    /// <param name="merkleProof">The batch Merkle proof for the opened columns.</param>
    /// <exception cref="ArgumentException">The buffer lengths are inconsistent.</exception>
    public LigeroOpeningProof(
        ReadOnlySpan<TExt> proximityRow,
        ReadOnlySpan<TExt> evaluationRow,
        int rowCount,
        ReadOnlySpan<Goldilocks> columns,
        ReadOnlySpan<byte> salts,
        MerkleBatchProof merkleProof)
        : this(proximityRow.ToArray(), evaluationRow.ToArray(), rowCount, columns.ToArray(), salts.ToArray(), merkleProof, null)
    {
    }

    /// <summary>Initializes a new proof of an opening with an opening budget, naming its mask set (all buffers are copied).</summary>
    internal LigeroOpeningProof(
        ReadOnlySpan<TExt> proximityRow, ReadOnlySpan<TExt> evaluationRow, int rowCount, ReadOnlySpan<Goldilocks> columns, ReadOnlySpan<byte> salts, MerkleBatchProof merkleProof, int? maskIndex)
        : this(proximityRow.ToArray(), evaluationRow.ToArray(), rowCount, columns.ToArray(), salts.ToArray(), merkleProof, maskIndex)
    {
    }

    /// <summary>Initializes a new proof holding the given buffers (not copied; the caller gives them up).</summary>
    private LigeroOpeningProof(TExt[] proximityRow, TExt[] evaluationRow, int rowCount, Goldilocks[] columns, byte[] salts, MerkleBatchProof merkleProof, int? maskIndex)
    {
        ArgumentNullException.ThrowIfNull(merkleProof);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rowCount);
        if (columns.Length % rowCount != 0 || salts.Length != (columns.Length / rowCount) * MerkleHasher.SaltLength)
        {
            throw new ArgumentException("Columns and salts do not describe the same number of columns.", nameof(salts));
        }

        _proximityRow = proximityRow;
        _evaluationRow = evaluationRow;
        RowCount = rowCount;
        _columns = columns;
        _salts = salts;
        MerkleProof = merkleProof;
        MaskIndex = maskIndex;
    }

    /// <summary>A proof holding freshly read buffers without copying them (the deserializer's; the buffers must not be shared).</summary>
    internal static LigeroOpeningProof<TExt> Adopt(
        TExt[] proximityRow, TExt[] evaluationRow, int rowCount, Goldilocks[] columns, byte[] salts, MerkleBatchProof merkleProof, int? maskIndex) =>
        new(proximityRow, evaluationRow, rowCount, columns, salts, merkleProof, maskIndex);

    /// <summary>
    /// Gets the mask set this opening used, for a commitment with an opening budget (<see cref="LigeroParameters.OpeningBudget"/>);
    /// <see langword="null"/> otherwise. Two openings of one commitment naming the same set with different challenges reveal the
    /// difference of their masked rows: an auditor holding both can tell that the prover broke its budget.
    /// </summary>
    public int? MaskIndex { get; }

    /// <summary>Gets the proximity-test row.</summary>
    public ReadOnlySpan<TExt> ProximityRow => _proximityRow;

    /// <summary>Gets the evaluation row.</summary>
    public ReadOnlySpan<TExt> EvaluationRow => _evaluationRow;

    /// <summary>Gets the height of each opened column.</summary>
    public int RowCount { get; }

    /// <summary>Gets the number of opened columns.</summary>
    public int ColumnCount => _columns.Length / RowCount;

    /// <summary>Gets all opened columns, concatenated.</summary>
    public ReadOnlySpan<Goldilocks> Columns => _columns;

    /// <summary>Gets all column salts, concatenated.</summary>
    public ReadOnlySpan<byte> Salts => _salts;

    /// <summary>Gets the batch Merkle proof.</summary>
    public MerkleBatchProof MerkleProof { get; }

    /// <summary>Gets opened column <paramref name="index"/>.</summary>
    /// <param name="index">The position in the list of opened columns.</param>
    /// <returns>The column values, top to bottom.</returns>
    public ReadOnlySpan<Goldilocks> GetColumn(int index) => _columns.AsSpan(index * RowCount, RowCount);

    /// <summary>Gets the salt of opened column <paramref name="index"/>.</summary>
    /// <param name="index">The position in the list of opened columns.</param>
    /// <returns>The 16 salt bytes.</returns>
    public ReadOnlySpan<byte> GetSalt(int index) => _salts.AsSpan(index * MerkleHasher.SaltLength, MerkleHasher.SaltLength);
}
