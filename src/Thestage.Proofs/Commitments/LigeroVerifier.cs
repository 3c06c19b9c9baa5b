using System.Buffers;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Commitments;

/// <summary>
/// The verifier of <see cref="LigeroProver"/> openings; it returns <see langword="false"/> (or, from <see cref="Check{TExt}"/>,
/// the <see cref="LigeroVerdict"/> naming the failed check) on any malformed or invalid proof.
/// </summary>
/// <remarks>
/// Checks, in order (the order of <see cref="LigeroVerdict"/>): the proof's shape against the commitment and parameters;
/// <c>value = ⟨u, eq(r_col)⟩</c>; the number of opened columns; the Merkle batch opening of the queried salted columns; and at every queried column <c>j</c>,
/// <c>Enc(w)_j = Σ_i γ_i M_{i,j}</c> and <c>Enc(u)_j = Σ_i eq(r_row, i) M_{i,j}</c>. Ligero (Ames et al., CCS
/// 2017), §4; Brakedown (Golovnev et al., eprint 2021/1043), §4. Soundness: see <see cref="LigeroParameters"/>.
/// </remarks>
public static partial class LigeroVerifier
{
    /// <summary>Verifies that the committed polynomial evaluates to <paramref name="value"/> at <paramref name="point"/>.</summary>
    /// <typeparam name="TExt">The extension field of the point and the challenges.</typeparam>
    /// <param name="transcript">The transcript, in the same state as the prover's.</param>
    /// <param name="commitment">The commitment.</param>
    /// <param name="parameters">The verifier's parameters (must match those used to commit).</param>
    /// <param name="point">The point.</param>
    /// <param name="value">The claimed evaluation.</param>
    /// <param name="proof">The proof (may be null or malformed).</param>
    /// <returns><see langword="true"/> when the proof is accepted.</returns>
    public static bool Verify<TExt>(
        Transcript transcript, LigeroCommitment commitment, LigeroParameters parameters, ReadOnlySpan<TExt> point, TExt value, LigeroOpeningProof<TExt>? proof)
        where TExt : struct, IExtensionField<TExt> =>
        Check(transcript, commitment, parameters, point, value, proof) == LigeroVerdict.Accepted;

    /// <summary>Checks that the committed polynomial evaluates to <paramref name="value"/> at <paramref name="point"/>, naming the first failed check.</summary>
    /// <typeparam name="TExt">The extension field of the point and the challenges.</typeparam>
    /// <param name="transcript">The transcript, in the same state as the prover's.</param>
    /// <param name="commitment">The commitment.</param>
    /// <param name="parameters">The verifier's parameters (must match those used to commit).</param>
    /// <param name="point">The point.</param>
    /// <param name="value">The claimed evaluation.</param>
    /// <param name="proof">The proof (may be null or malformed).</param>
    /// <returns><see cref="LigeroVerdict.Accepted"/>, or why the proof was rejected.</returns>
    public static LigeroVerdict Check<TExt>(
        Transcript transcript, LigeroCommitment commitment, LigeroParameters parameters, ReadOnlySpan<TExt> point, TExt value, LigeroOpeningProof<TExt>? proof)
        where TExt : struct, IExtensionField<TExt>
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ArgumentNullException.ThrowIfNull(commitment);
        ArgumentNullException.ThrowIfNull(parameters);

        int numVariables = commitment.NumVariables;
        if (proof is null || point.Length != numVariables || !HasShape(parameters, numVariables, proof))
        {
            return LigeroVerdict.WrongShape;
        }

        int rows = 1 << parameters.RowVariables(numVariables);
        int n = parameters.CodewordLength(numVariables);
        (TExt[] gamma, TExt scale) = LigeroProtocol.BeginOpening(
            transcript, commitment, parameters, point, value, parameters.Hiding ? rows + LigeroMasking.EvaluationMaskRows : rows, proof.MaskIndex ?? 0);
        int[] indices = LigeroProtocol.QueryColumns(transcript, proof.ProximityRow, proof.EvaluationRow, n, parameters.ColumnQueries);
        if (!parameters.Hiding)
        {
            return CheckPlain(commitment, parameters, point, value, proof, gamma, indices);
        }

        return CheckHiding(commitment, parameters, PointTerm(parameters, numVariables, point), value, proof, gamma, indices, scale);
    }

    /// <summary>
    /// Whether the proof's row count and row lengths are those the parameters prescribe for the commitment, and its mask set is
    /// one of the commitment's (<c>b &lt; B</c> with an opening budget <c>B</c>; none without).
    /// </summary>
    private static bool HasShape<TExt>(LigeroParameters parameters, int numVariables, LigeroOpeningProof<TExt> proof)
        where TExt : struct, IExtensionField<TExt>
    {
        int k = 1 << parameters.ColumnVariables(numVariables);
        int d = parameters.DegreeBound(k);
        bool maskIndexInRange = parameters.OpeningBudget == 0 ? proof.MaskIndex is null : proof.MaskIndex is int set && set >= 0 && set < parameters.OpeningBudget;
        return maskIndexInRange && proof.RowCount == parameters.CommittedRows(numVariables)
            && proof.ProximityRow.Length == d && proof.EvaluationRow.Length == (parameters.Hiding ? 2 * d : k)
            && (!parameters.Hiding || TExt.Degree == LigeroParameters.HidingExtensionDegree);
    }

    /// <summary>The checks of a plain opening, given its challenges (the transcript is not touched).</summary>
    private static LigeroVerdict CheckPlain<TExt>(
        LigeroCommitment commitment, LigeroParameters parameters, ReadOnlySpan<TExt> point, TExt value, LigeroOpeningProof<TExt> proof, TExt[] gamma, int[] indices)
        where TExt : struct, IExtensionField<TExt>
    {
        int numVariables = commitment.NumVariables;
        int rowVariables = parameters.RowVariables(numVariables);
        int rows = 1 << rowVariables;
        int n = parameters.CodewordLength(numVariables);
        TExt[] eqRow = EqPolynomial.Table(point[..rowVariables]);
        TExt[] eqColumn = EqPolynomial.Table(point[rowVariables..]);
        if (FieldMath.InnerProduct(proof.EvaluationRow, eqColumn) != value)
        {
            return LigeroVerdict.WrongValue;
        }

        LigeroVerdict columns = CheckOpenedColumns(commitment, n, indices, proof);
        if (columns != LigeroVerdict.Accepted)
        {
            return columns;
        }

        Goldilocks[] points = LigeroProtocol.QueriedPoints(indices, n);
        TExt[] encodedProximity = LigeroProtocol.EncodeAt<TExt>(proof.ProximityRow, points);
        TExt[] encodedEvaluation = LigeroProtocol.EncodeAt<TExt>(proof.EvaluationRow, points);
        for (int q = 0; q < indices.Length; q++)
        {
            ReadOnlySpan<Goldilocks> column = proof.GetColumn(q);
            TExt proximity = TExt.Zero;
            TExt evaluation = TExt.Zero;
            for (int i = 0; i < rows; i++)
            {
                proximity += gamma[i].MultiplyByBase(column[i]);
                evaluation += eqRow[i].MultiplyByBase(column[i]);
            }

            if (proximity != encodedProximity[q])
            {
                return LigeroVerdict.ProximityMismatch;
            }

            if (evaluation != encodedEvaluation[q])
            {
                return LigeroVerdict.EvaluationMismatch;
            }
        }

        return LigeroVerdict.Accepted;
    }

    /// <summary>
    /// The checks every opening shares: one opened column per queried index, each column hashed with its salt into a leaf,
    /// and the leaves against the commitment's root through the batch Merkle proof.
    /// </summary>
    private static LigeroVerdict CheckOpenedColumns<TExt>(LigeroCommitment commitment, int codewordLength, int[] indices, LigeroOpeningProof<TExt> proof)
        where TExt : struct, IExtensionField<TExt>
    {
        if (proof.ColumnCount != indices.Length)
        {
            return LigeroVerdict.WrongColumnCount;
        }

        // The leaves, several columns per SIMD register (Blake2sMultiHash): the opened columns (stored one after another) are laid
        // out as the rows of a matrix with one column per query, padded with unused columns to whole registers.
        int rows = proof.RowCount, count = indices.Length, width = Blake2sMultiHash.RoundUpToLanes(count);
        Goldilocks[] matrix = ArrayPool<Goldilocks>.Shared.Rent(rows * width);
        byte[] salts = ArrayPool<byte>.Shared.Rent(MerkleHasher.SaltLength * width);
        Digest256[] leaves = ArrayPool<Digest256>.Shared.Rent(width);
        try
        {
            ReadOnlySpan<Goldilocks> columns = proof.Columns;
            for (int q = 0; q < count; q++)
            {
                for (int i = 0; i < rows; i++)
                {
                    matrix[(i * width) + q] = columns[(q * rows) + i];
                }
            }

            proof.Salts.CopyTo(salts);
            Blake2sMultiHash.HashColumns(matrix.AsSpan(0, rows * width), rows, width, salts.AsSpan(0, MerkleHasher.SaltLength * width), leaves.AsSpan(0, width));
            bool authentic = MerkleTree.VerifyBatch(commitment.Root, codewordLength, indices, leaves.AsSpan(0, count), proof.MerkleProof);
            return authentic ? LigeroVerdict.Accepted : LigeroVerdict.MerkleMismatch;
        }
        finally
        {
            ArrayPool<Goldilocks>.Shared.Return(matrix);
            ArrayPool<byte>.Shared.Return(salts);
            ArrayPool<Digest256>.Shared.Return(leaves);
        }
    }
}
