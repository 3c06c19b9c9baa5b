using Thestage.Proofs.Fields;

namespace Thestage.Proofs.Lookups;

/// <summary>
/// What an accepted logUp argument leaves to the caller: the claimed multilinear evaluations of every looked-up
/// column and of the multiplicity vector, each at its point, to be checked against commitments or directly.
/// </summary>
internal sealed class LogUpClaims<T>
    where T : struct, IExtensionField<T>
{
    public LogUpClaims(T[][] columnPoints, T[] columnValues, T[] multiplicityPoint, T multiplicityValue)
    {
        ColumnPoints = columnPoints;
        ColumnValues = columnValues;
        MultiplicityPoint = multiplicityPoint;
        MultiplicityValue = multiplicityValue;
    }

    /// <summary>Gets, per column, the point of its claim (length = the column's log size).</summary>
    public T[][] ColumnPoints { get; }

    /// <summary>Gets, per column, the claimed evaluation of the unscaled column.</summary>
    public T[] ColumnValues { get; }

    /// <summary>Gets the point of the multiplicity claim (length = table bits).</summary>
    public T[] MultiplicityPoint { get; }

    /// <summary>Gets the claimed evaluation of the multiplicities.</summary>
    public T MultiplicityValue { get; }
}
