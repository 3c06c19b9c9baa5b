using System.Buffers.Binary;
using System.Numerics;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Sumcheck;

/// <summary>
/// Thaler's sumcheck for matrix multiplication: for <c>A ∈ F^{m×n}</c>, <c>B ∈ F^{n×p}</c> and a claimed
/// <c>C = A·B</c> (row-major, power-of-two dimensions), after random <c>r_1 ∈ E^{log m}</c>,
/// <c>r_2 ∈ E^{log p}</c> it proves <c>C̃(r_1, r_2) = Σ_{k∈{0,1}^{log n}} Ã(r_1, k) · B̃(k, r_2)</c>.
/// </summary>
/// <remarks>
/// <para>
/// J. Thaler, "Time-optimal interactive proofs for circuit evaluation", CRYPTO 2013, §5 (matrix
/// multiplication). The prover's work is <c>O(mn + np)</c> to build the two tables
/// <c>Ã(r_1, ·) = eq(r_1)ᵀ A</c> and <c>B̃(·, r_2) = B eq(r_2)</c>, plus a degree-2 sumcheck in <c>O(n)</c>.
/// If <c>C ≠ A·B</c>, then <c>C̃ − (A·B)~</c> is a non-zero multilinear polynomial and the check passes
/// with probability at most <c>(log m + log p)/|E| + 2·log n/|E|</c>.
/// </para>
/// <para>
/// Matrix multilinear extensions use the row-major index, so row bits are the first variables.
/// Transcript: dimensions and <c>C</c> are absorbed before <c>r_1, r_2</c> are drawn.
/// </para>
/// </remarks>
public static class MatrixMultiplicationSumcheck
{
    private const string DimensionsLabel = "matmul/dimensions";
    private const string ProductLabel = "matmul/c";
    private const string RowPointLabel = "matmul/r-row";
    private const string ColumnPointLabel = "matmul/r-column";

    /// <summary>Proves that <paramref name="c"/> equals <c>a · b</c>.</summary>
    /// <typeparam name="TExt">The extension field of the challenges.</typeparam>
    /// <param name="transcript">The transcript.</param>
    /// <param name="a">The <c>m × n</c> matrix <c>A</c>, row-major.</param>
    /// <param name="b">The <c>n × p</c> matrix <c>B</c>, row-major.</param>
    /// <param name="c">The claimed <c>m × p</c> product, row-major.</param>
    /// <param name="m">Rows of <c>A</c> (power of two).</param>
    /// <param name="n">Columns of <c>A</c> and rows of <c>B</c> (power of two).</param>
    /// <param name="p">Columns of <c>B</c> (power of two).</param>
    /// <returns>The proof and the points <c>(r_1, s)</c>, <c>(s, r_2)</c> of the resulting evaluation claims.</returns>
    /// <exception cref="ArgumentException">The dimensions are not powers of two or the spans have the wrong lengths.</exception>
    public static MatrixMultiplicationProverOutput<TExt> Prove<TExt>(
        Transcript transcript, ReadOnlySpan<Goldilocks> a, ReadOnlySpan<Goldilocks> b, ReadOnlySpan<Goldilocks> c, int m, int n, int p)
        where TExt : struct, IExtensionField<TExt> => Prove<TExt>(transcript, a, b, c, m, n, p, null);

    /// <summary>
    /// <see cref="Prove{TExt}(Transcript, ReadOnlySpan{Goldilocks}, ReadOnlySpan{Goldilocks}, ReadOnlySpan{Goldilocks}, int, int, int)"/>,
    /// zero-knowledge when <paramref name="masks"/> is given (<see cref="SumcheckMask{T}"/>: the degree-2 sumcheck runs on
    /// <c>f·g + ρ·mask</c>).
    /// </summary>
    internal static MatrixMultiplicationProverOutput<TExt> Prove<TExt>(
        Transcript transcript, ReadOnlySpan<Goldilocks> a, ReadOnlySpan<Goldilocks> b, ReadOnlySpan<Goldilocks> c, int m, int n, int p, SumcheckMaskPool<TExt>? masks)
        where TExt : struct, IExtensionField<TExt>
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ValidateShapes(a.Length, b.Length, c.Length, m, n, p);
        (TExt[] rowPoint, TExt[] columnPoint, TExt claim) = BeginStatement<TExt>(transcript, c, m, n, p);

        // f(k) = Σ_i eq(r_1, i)·A[i, k] and g(k) = Σ_j B[k, j]·eq(r_2, j).
        TExt[] eqRow = EqPolynomial.Table<TExt>(rowPoint);
        TExt[] eqColumn = EqPolynomial.Table<TExt>(columnPoint);
        var f = new TExt[n];
        for (int i = 0; i < m; i++)
        {
            FieldKernels.AddScaledBase<TExt>(f, eqRow[i], a.Slice(i * n, n));
        }

        var g = new TExt[n];
        for (int k = 0; k < n; k++)
        {
            g[k] = FieldKernels.DotBase<TExt>(eqColumn, b.Slice(k * p, p));
        }

        SumcheckProverOutput<TExt> output = SumcheckProver.ProveTables(transcript, claim, [f, g], masks);
        return new MatrixMultiplicationProverOutput<TExt>(output.Proof, rowPoint, columnPoint, output.Point.ToArray());
    }

    /// <summary>
    /// Verifies the reduction of <c>C = A·B</c> to evaluation claims on <c>Ã</c> and <c>B̃</c>; the caller
    /// must still check <see cref="MatrixMultiplicationVerification{T}.AEvaluation"/> and
    /// <see cref="MatrixMultiplicationVerification{T}.BEvaluation"/>.
    /// </summary>
    /// <typeparam name="TExt">The extension field of the challenges.</typeparam>
    /// <param name="transcript">The transcript.</param>
    /// <param name="c">The claimed product (held by the verifier).</param>
    /// <param name="m">Rows of <c>A</c>.</param>
    /// <param name="n">The shared dimension.</param>
    /// <param name="p">Columns of <c>B</c>.</param>
    /// <param name="proof">The proof (may be null or malformed).</param>
    /// <returns>The verdict and the evaluation claims.</returns>
    /// <exception cref="ArgumentException">The dimensions are not powers of two or <paramref name="c"/> has the wrong length.</exception>
    public static MatrixMultiplicationVerification<TExt> VerifyReduction<TExt>(
        Transcript transcript, ReadOnlySpan<Goldilocks> c, int m, int n, int p, SumcheckProof<TExt>? proof)
        where TExt : struct, IExtensionField<TExt> => VerifyReduction(transcript, c, m, n, p, proof, null);

    /// <summary>The reduction of a zero-knowledge proof (<paramref name="masks"/> given) or a plain one.</summary>
    internal static MatrixMultiplicationVerification<TExt> VerifyReduction<TExt>(
        Transcript transcript, ReadOnlySpan<Goldilocks> c, int m, int n, int p, SumcheckProof<TExt>? proof, SumcheckMaskVerifier<TExt>? masks)
        where TExt : struct, IExtensionField<TExt>
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ValidateShapes(m * n, n * p, c.Length, m, n, p);
        (TExt[] rowPoint, TExt[] columnPoint, TExt claim) = BeginStatement<TExt>(transcript, c, m, n, p);
        SumcheckVerification<TExt> sumcheck = SumcheckVerifier.Verify(transcript, claim, BitOperations.Log2((uint)n), 2, proof, masks);
        return new MatrixMultiplicationVerification<TExt>(sumcheck, rowPoint, columnPoint, sumcheck.Failure);
    }

    /// <summary>
    /// Verifies a proof when the verifier holds <c>A</c> and <c>B</c> themselves: the reduction, then the
    /// two evaluation claims by direct multilinear evaluation (<c>O(mn + np)</c>).
    /// </summary>
    /// <typeparam name="TExt">The extension field of the challenges.</typeparam>
    /// <param name="transcript">The transcript.</param>
    /// <param name="a">The matrix <c>A</c>.</param>
    /// <param name="b">The matrix <c>B</c>.</param>
    /// <param name="c">The claimed product.</param>
    /// <param name="m">Rows of <c>A</c>.</param>
    /// <param name="n">The shared dimension.</param>
    /// <param name="p">Columns of <c>B</c>.</param>
    /// <param name="proof">The proof (may be null or malformed).</param>
    /// <returns>The verdict; <see cref="SumcheckFailure.OracleEvaluationMismatch"/> when a claimed evaluation is wrong.</returns>
    /// <exception cref="ArgumentException">The dimensions are not powers of two or the spans have the wrong lengths.</exception>
    public static MatrixMultiplicationVerification<TExt> Verify<TExt>(
        Transcript transcript, ReadOnlySpan<Goldilocks> a, ReadOnlySpan<Goldilocks> b, ReadOnlySpan<Goldilocks> c, int m, int n, int p, SumcheckProof<TExt>? proof)
        where TExt : struct, IExtensionField<TExt>
    {
        ValidateShapes(a.Length, b.Length, c.Length, m, n, p);
        MatrixMultiplicationVerification<TExt> reduction = VerifyReduction(transcript, c, m, n, p, proof);
        if (!reduction.IsValid)
        {
            return reduction;
        }

        TExt[] s = reduction.Sumcheck.Point.ToArray();
        TExt aValue = EvaluateMatrix(a, [.. reduction.RowPoint, .. s]);
        TExt bValue = EvaluateMatrix(b, [.. s, .. reduction.ColumnPoint]);
        bool consistent = aValue == reduction.AEvaluation && bValue == reduction.BEvaluation;
        return consistent
            ? reduction
            : new MatrixMultiplicationVerification<TExt>(reduction.Sumcheck, reduction.RowPoint.ToArray(), reduction.ColumnPoint.ToArray(), SumcheckFailure.OracleEvaluationMismatch);
    }

    /// <summary>Evaluates the multilinear extension of a base-field table at an extension point.</summary>
    /// <typeparam name="TExt">The extension field.</typeparam>
    /// <param name="table">The table (length <c>2^point.Length</c>).</param>
    /// <param name="point">The point.</param>
    /// <returns>The value.</returns>
    public static TExt EvaluateMatrix<TExt>(ReadOnlySpan<Goldilocks> table, ReadOnlySpan<TExt> point)
        where TExt : struct, IExtensionField<TExt>
    {
        if (point.Length > 30 || table.Length != 1 << point.Length)
        {
            throw new ArgumentException("The point dimension does not match the table.", nameof(point));
        }

        return FieldKernels.DotBase<TExt>(EqPolynomial.Table(point), table);
    }

    private static (TExt[] RowPoint, TExt[] ColumnPoint, TExt Claim) BeginStatement<TExt>(
        Transcript transcript, ReadOnlySpan<Goldilocks> c, int m, int n, int p)
        where TExt : struct, IExtensionField<TExt>
    {
        Span<byte> dimensions = stackalloc byte[12];
        BinaryPrimitives.WriteInt32LittleEndian(dimensions, m);
        BinaryPrimitives.WriteInt32LittleEndian(dimensions[4..], n);
        BinaryPrimitives.WriteInt32LittleEndian(dimensions[8..], p);
        transcript.AbsorbBytes(DimensionsLabel, dimensions);
        transcript.Absorb(ProductLabel, c);
        TExt[] rowPoint = transcript.Challenges<TExt>(RowPointLabel, BitOperations.Log2((uint)m));
        TExt[] columnPoint = transcript.Challenges<TExt>(ColumnPointLabel, BitOperations.Log2((uint)p));
        TExt claim = EvaluateMatrix<TExt>(c, [.. rowPoint, .. columnPoint]);
        return (rowPoint, columnPoint, claim);
    }

    private static void ValidateShapes(int aLength, int bLength, int cLength, int m, int n, int p)
    {
        foreach (int dimension in (ReadOnlySpan<int>)[m, n, p])
        {
            if (dimension <= 0 || !BitOperations.IsPow2(dimension) || dimension > 1 << 15)
            {
                throw new ArgumentException("Matrix dimensions must be powers of two no larger than 2^15.");
            }
        }

        if ((long)aLength != (long)m * n || (long)bLength != (long)n * p || (long)cLength != (long)m * p)
        {
            throw new ArgumentException("The matrix spans do not match the dimensions.");
        }
    }
}
