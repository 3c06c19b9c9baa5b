using Thestage.Proofs.Fields;

namespace Thestage.Proofs.Sumcheck;

/// <summary>
/// The prover's result of the matrix-multiplication sumcheck: the proof and the points of the two
/// evaluation claims it reduces to, <c>Ã(r_1, s)</c> and <c>B̃(s, r_2)</c>, for opening commitments.
/// </summary>
/// <typeparam name="T">The extension field of the challenges.</typeparam>
/// <remarks>Thaler, "Time-optimal interactive proofs for circuit evaluation", CRYPTO 2013, §5.</remarks>
public sealed class MatrixMultiplicationProverOutput<T>
    where T : struct, IExtensionField<T>
{
    private readonly T[] _rowPoint;
    private readonly T[] _columnPoint;
    private readonly T[] _innerPoint;

    internal MatrixMultiplicationProverOutput(SumcheckProof<T> proof, T[] rowPoint, T[] columnPoint, T[] innerPoint)
    {
        Proof = proof;
        _rowPoint = rowPoint;
        _columnPoint = columnPoint;
        _innerPoint = innerPoint;
    }

    /// <summary>Gets the sumcheck proof (its factor evaluations are <c>[Ã(r_1, s), B̃(s, r_2)]</c>).</summary>
    public SumcheckProof<T> Proof { get; }

    /// <summary>Gets <c>r_1</c>, over the row variables of <c>A</c> and <c>C</c>.</summary>
    public ReadOnlySpan<T> RowPoint => _rowPoint;

    /// <summary>Gets <c>r_2</c>, over the column variables of <c>B</c> and <c>C</c>.</summary>
    public ReadOnlySpan<T> ColumnPoint => _columnPoint;

    /// <summary>Gets <c>s</c>, the sumcheck point over the shared dimension.</summary>
    public ReadOnlySpan<T> InnerPoint => _innerPoint;

    /// <summary>Gets the point <c>(r_1, s)</c> at which <c>Ã</c> must be opened.</summary>
    public T[] APoint => [.. _rowPoint, .. _innerPoint];

    /// <summary>Gets the point <c>(s, r_2)</c> at which <c>B̃</c> must be opened.</summary>
    public T[] BPoint => [.. _innerPoint, .. _columnPoint];
}
