using System.Numerics;
using System.Runtime.CompilerServices;

namespace Thestage.Privacy.Arithmetic;

/// <summary>
/// An odd modulus of at most 61 bits with its Barrett constant, as SEAL's <c>Modulus</c>.
/// </summary>
/// <remarks>
/// The Barrett constant is ⌊2^128 / q⌋ stored as two 64-bit words (<see cref="BarrettLow"/>,
/// <see cref="BarrettHigh"/>). Reduction of a 128-bit value x = x₁·2^64 + x₀ estimates
/// ⌊x / q⌋ from the top 128 bits of x·⌊2^128/q⌋; the estimate is low by at most one, so one
/// conditional subtraction finishes it (Barrett, CRYPTO '86; SEAL <c>util/uintarithsmallmod.h</c>).
/// Invariants are checked once here; the kernels that take a <see cref="Modulus"/> do not check.
/// </remarks>
public readonly struct Modulus : IEquatable<Modulus>
{
    /// <summary>The largest modulus size this type supports, in bits.</summary>
    public const int MaxBitCount = 61;

    /// <summary>Creates the modulus <paramref name="value"/>.</summary>
    /// <param name="value">An integer in [2, 2^61).</param>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 2 or 61 bits or more.</exception>
    public Modulus(ulong value)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(value, 2UL);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(value, 1UL << MaxBitCount);
        Value = value;
        BitCount = 64 - BitOperations.LeadingZeroCount(value);
        UInt128 ratio = UInt128.MaxValue / value;
        // ⌊(2^128 − 1)/q⌋ equals ⌊2^128/q⌋ unless q divides 2^128, impossible for q > 2 odd; for q = 2^k it is off by one.
        if (UInt128.MaxValue % value == value - 1)
        {
            ratio++;
        }

        BarrettLow = (ulong)ratio;
        BarrettHigh = (ulong)(ratio >> 64);
    }

    /// <summary>The modulus q.</summary>
    public ulong Value { get; }

    /// <summary>The number of significant bits of q.</summary>
    public int BitCount { get; }

    /// <summary>The low word of ⌊2^128 / q⌋.</summary>
    public ulong BarrettLow { get; }

    /// <summary>The high word of ⌊2^128 / q⌋, which equals ⌊2^64 / q⌋.</summary>
    public ulong BarrettHigh { get; }

    /// <summary>Reduces a 64-bit value modulo q.</summary>
    /// <param name="x">Any 64-bit value.</param>
    /// <returns>x mod q in [0, q).</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Reduce(ulong x)
    {
        // q̂ = ⌊x·⌊2^64/q⌋ / 2^64⌋ ≤ ⌊x/q⌋ and ⌊x/q⌋ − q̂ ≤ 1, so x − q̂·q lies in [0, 2q).
        ulong qhat = UInt64Math.MultiplyHigh(x, BarrettHigh);
        return UInt64Math.SubtractIfGreaterOrEqual(x - qhat * Value, Value);
    }

    /// <summary>Reduces the 128-bit value <paramref name="high"/>·2^64 + <paramref name="low"/> modulo q.</summary>
    /// <param name="low">The low word.</param>
    /// <param name="high">The high word.</param>
    /// <returns>The value mod q in [0, q).</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Reduce(ulong low, ulong high)
    {
        // q̂ = ⌊x·r / 2^128⌋ with r = ⌊2^128/q⌋ (only the words that reach bit 128 matter).
        // Then x − q̂·q ∈ [0, 2q) (Barrett's bound), computed modulo 2^64 since it is < 2^64.
        ulong carry = UInt64Math.MultiplyHigh(low, BarrettLow);
        ulong t2hi = Math.BigMul(low, BarrettHigh, out ulong t2lo);
        ulong t1 = t2lo + carry;
        ulong t3 = t2hi + (t1 < t2lo ? 1UL : 0UL);
        t2hi = Math.BigMul(high, BarrettLow, out t2lo);
        ulong t1b = t1 + t2lo;
        ulong c = t2hi + (t1b < t1 ? 1UL : 0UL);
        ulong qhat = high * BarrettHigh + t3 + c;
        return UInt64Math.SubtractIfGreaterOrEqual(low - qhat * Value, Value);
    }

    /// <summary>Returns true when q is prime (deterministic Miller–Rabin for 64-bit integers).</summary>
    public bool IsPrime => Primes.IsPrime(Value);

    /// <inheritdoc/>
    public bool Equals(Modulus other) => Value == other.Value;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Modulus m && Equals(m);

    /// <inheritdoc/>
    public override int GetHashCode() => Value.GetHashCode();

    /// <inheritdoc/>
    public override string ToString() => $"{Value} ({BitCount} bits)";

    /// <summary>Compares two moduli by value.</summary>
    public static bool operator ==(Modulus left, Modulus right) => left.Equals(right);

    /// <summary>Compares two moduli by value.</summary>
    public static bool operator !=(Modulus left, Modulus right) => !left.Equals(right);
}
