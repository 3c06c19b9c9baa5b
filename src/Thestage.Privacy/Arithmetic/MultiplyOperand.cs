using System.Runtime.CompilerServices;

namespace Thestage.Privacy.Arithmetic;

/// <summary>
/// A fixed multiplier w modulo q with its Shoup quotient w' = ⌊w·2^64 / q⌋
/// (Shoup; Harvey, "Faster arithmetic for number-theoretic transforms", J. Symb. Comp. 2014).
/// </summary>
/// <remarks>
/// For any x &lt; 2^64, x·w − ⌊x·w'/2^64⌋·q lies in [0, 2q): one high multiply and two low
/// multiplies instead of a Barrett reduction of a 128-bit product. SEAL calls this
/// <c>MultiplyUIntModOperand</c>.
/// </remarks>
internal readonly struct MultiplyOperand
{
    public readonly ulong Operand;
    public readonly ulong Quotient;

    public MultiplyOperand(ulong operand, ulong modulus)
    {
        System.Diagnostics.Debug.Assert(operand < modulus);
        Operand = operand;
        Quotient = (ulong)(((UInt128)operand << 64) / modulus);
    }

    /// <summary>x·w mod q, lazily reduced to [0, 2q).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong MultiplyLazy(ulong x, ulong modulus)
    {
        return x * Operand - UInt64Math.MultiplyHigh(x, Quotient) * modulus;
    }

    /// <summary>x·w mod q in [0, q).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Multiply(ulong x, ulong modulus)
    {
        return UInt64Math.SubtractIfGreaterOrEqual(MultiplyLazy(x, modulus), modulus);
    }
}
