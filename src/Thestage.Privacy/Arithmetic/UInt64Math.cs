using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Thestage.Privacy.Arithmetic;

/// <summary>Word-level primitives of the modular kernels.</summary>
internal static class UInt64Math
{
    /// <summary>The high 64 bits of a·b: one <c>mulx</c> on BMI2 hardware, no store of the low half.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong MultiplyHigh(ulong a, ulong b)
        => Bmi2.X64.IsSupported ? Bmi2.X64.MultiplyNoFlags(a, b) : Math.BigMul(a, b, out _);

    /// <summary>
    /// x − m when x ≥ m, else x, without a branch. Requires x, m &lt; 2^63 (so the sign of x − m decides).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong SubtractIfGreaterOrEqual(ulong x, ulong m)
    {
        ulong d = x - m;
        return d + (m & (ulong)((long)d >> 63));
    }
}
