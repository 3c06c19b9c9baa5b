using Thestage.Proofs.Fields;

namespace Thestage.Proofs.Lookups;

/// <summary>
/// What an accepted logUp argument leaves to the caller: the claimed multilinear evaluations of every looked-up
/// column and of the multiplicity vector, each at its point, to be checked against commitments or directly.
/// </summary>
internal sealed class LogUpClaims<T>
    where T : struct, IExtensionField<T>
{
    public LogUpClaims(T[][] columnPoints, T[] columnValues, T[] multiplicityPoint, T multiplicityValue, T[]?[]? columnMaskPoints = null)
    {
        ColumnMaskPoints = columnMaskPoints ?? new T[]?[columnPoints.Length];
        ColumnPoints = columnPoints;
        ColumnValues = columnValues;
        MultiplicityPoint = multiplicityPoint;
        MultiplicityValue = multiplicityValue;
    }

    /// <summary>Gets, per column, the point of its claim (length = the column's log size).</summary>
    public T[][] ColumnPoints { get; }

    /// <summary>Gets, per column, the claimed evaluation of the unscaled column.</summary>
    public T[] ColumnValues { get; }

    /// <summary>
    /// Gets, per column, the point of the mask of its masked extension (its point with the last two coordinates swapped), or
    /// <see langword="null"/> for a plain column: the claim is <c>c̃(ColumnPoints[j]) + ⟨m(ColumnMaskPoints[j]), c⟩</c>, which a caller
    /// batches as <c>SegmentClaim</c> with <c>MaskSegment</c> and <c>MaskPoint</c>.
    /// </summary>
    public T[]?[] ColumnMaskPoints { get; }

    /// <summary>Gets the point of the multiplicity claim (length = table bits).</summary>
    public T[] MultiplicityPoint { get; }

    /// <summary>Gets the claimed evaluation of the multiplicities.</summary>
    public T MultiplicityValue { get; }
}
