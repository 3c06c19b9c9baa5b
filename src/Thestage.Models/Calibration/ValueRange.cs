namespace Thestage.Models;

/// <summary>A closed interval [Min, Max] of real values (Min ≤ Max, both finite).</summary>
/// <param name="Min">The lower end.</param>
/// <param name="Max">The upper end.</param>
public readonly record struct ValueRange(double Min, double Max)
{
    /// <summary>max(|Min|, |Max|).</summary>
    public double MaxAbs => Math.Max(Math.Abs(Min), Math.Abs(Max));

    /// <summary>Max − Min.</summary>
    public double Width => Max - Min;

    /// <summary>(Min + Max)/2.</summary>
    public double Center => 0.5 * (Min + Max);

    /// <summary>True when Min ≤ x ≤ Max.</summary>
    /// <param name="x">A value.</param>
    public bool Contains(double x) => x >= Min && x <= Max;

    /// <inheritdoc/>
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"[{Min:G6}, {Max:G6}]");
}
