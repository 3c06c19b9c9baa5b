namespace Thestage.Proofs.Quantization;

/// <summary>The requantization rule of <see cref="QuantizedModel"/>: <c>q = ⌊(acc + h)/2^s⌋</c>, rounding half up.</summary>
internal static class FixedPoint
{
    /// <summary>Gets the rounding offset <c>h = 2^(s−1)</c> (0 for <c>s = 0</c>).</summary>
    public static long Offset(int shift) => shift == 0 ? 0 : 1L << (shift - 1);

    /// <summary>Computes <c>⌊(acc + h)/2^s⌋</c> (arithmetic shift is floor division).</summary>
    public static long Requantize(long accumulator, int shift) => (accumulator + Offset(shift)) >> shift;

    /// <summary>Computes the remainder <c>r = acc + h − q·2^s ∈ [0, 2^s)</c>.</summary>
    public static long Remainder(long accumulator, int shift) => accumulator + Offset(shift) - (Requantize(accumulator, shift) << shift);
}
