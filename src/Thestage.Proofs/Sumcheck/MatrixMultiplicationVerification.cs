using Thestage.Proofs.Fields;

namespace Thestage.Proofs.Sumcheck;

/// <summary>
/// The outcome of verifying a matrix-multiplication sumcheck: on success, the reduction of
/// <c>C = A·B</c> to the two evaluation claims <c>Ã(r_1, s) = AEvaluation</c> and
/// <c>B̃(s, r_2) = BEvaluation</c>, which the caller must check (directly or against commitments).
/// </summary>
/// <typeparam name="T">The challenge field.</typeparam>
/// <remarks>Thaler, "Time-optimal interactive proofs for circuit evaluation", CRYPTO 2013, §5.</remarks>
public sealed class MatrixMultiplicationVerification<T>
    where T : struct, IExtensionField<T>
{
    private readonly T[] _rowPoint;
    private readonly T[] _columnPoint;

    internal MatrixMultiplicationVerification(SumcheckVerification<T> sumcheck, T[] rowPoint, T[] columnPoint, SumcheckFailure failure)
    {
        Sumcheck = sumcheck;
        _rowPoint = rowPoint;
        _columnPoint = columnPoint;
        Failure = failure;
    }

    /// <summary>Gets a value indicating whether the proof was accepted.</summary>
    public bool IsValid => Failure == SumcheckFailure.None;

    /// <summary>Gets the reason for rejection, or <see cref="SumcheckFailure.None"/>.</summary>
    public SumcheckFailure Failure { get; }

    /// <summary>Gets the inner sumcheck's verdict (its point is <c>s</c>, over the shared dimension).</summary>
    public SumcheckVerification<T> Sumcheck { get; }

    /// <summary>Gets <c>r_1</c>, the random point over the row variables of <c>A</c> and <c>C</c>.</summary>
    public ReadOnlySpan<T> RowPoint => _rowPoint;

    /// <summary>Gets <c>r_2</c>, the random point over the column variables of <c>B</c> and <c>C</c>.</summary>
    public ReadOnlySpan<T> ColumnPoint => _columnPoint;

    /// <summary>Gets the point <c>(r_1, s)</c> of the claim on <c>Ã</c>.</summary>
    public T[] APoint => [.. _rowPoint, .. Sumcheck.Point];

    /// <summary>Gets the point <c>(s, r_2)</c> of the claim on <c>B̃</c>.</summary>
    public T[] BPoint => [.. Sumcheck.Point, .. _columnPoint];

    /// <summary>Gets the claimed <c>Ã(r_1, s)</c>.</summary>
    public T AEvaluation => Sumcheck.FactorEvaluations.Length == 2 ? Sumcheck.FactorEvaluations[0] : T.Zero;

    /// <summary>Gets the claimed <c>B̃(s, r_2)</c>.</summary>
    public T BEvaluation => Sumcheck.FactorEvaluations.Length == 2 ? Sumcheck.FactorEvaluations[1] : T.Zero;
}
