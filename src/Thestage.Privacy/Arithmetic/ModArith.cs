using System.Runtime.CompilerServices;

namespace Thestage.Privacy.Arithmetic;

/// <summary>
/// Scalar arithmetic modulo a <see cref="Modulus"/>: inputs in [0, q), outputs in [0, q)
/// unless the name says <c>Lazy</c>.
/// </summary>
internal static class ModArith
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Add(ulong a, ulong b, ulong q)
    {
        return UInt64Math.SubtractIfGreaterOrEqual(a + b, q);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Sub(ulong a, ulong b, ulong q)
    {
        return UInt64Math.SubtractIfGreaterOrEqual(a - b + q, q);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Negate(ulong a, ulong q) => a == 0 ? 0 : q - a;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Multiply(ulong a, ulong b, in Modulus q)
    {
        ulong hi = Math.BigMul(a, b, out ulong lo);
        return q.Reduce(lo, hi);
    }

    /// <summary>a^e mod q by square-and-multiply.</summary>
    public static ulong Pow(ulong a, ulong e, in Modulus q)
    {
        ulong result = 1 % q.Value;
        ulong b = q.Reduce(a);
        while (e != 0)
        {
            if ((e & 1) != 0)
            {
                result = Multiply(result, b, q);
            }

            b = Multiply(b, b, q);
            e >>= 1;
        }

        return result;
    }

    /// <summary>The inverse of a modulo q by the extended Euclidean algorithm.</summary>
    /// <exception cref="ArgumentException">a is not invertible modulo q.</exception>
    public static ulong Inverse(ulong a, ulong q)
    {
        a %= q;
        if (a == 0)
        {
            throw new ArgumentException($"0 has no inverse modulo {q}.", nameof(a));
        }

        // Invariant: r0 ≡ s0·a, r1 ≡ s1·a (mod q), with signed Bézout coefficients.
        long s0 = 0, s1 = 1;
        ulong r0 = q, r1 = a;
        while (r1 != 0)
        {
            ulong quotient = r0 / r1;
            (r0, r1) = (r1, r0 - quotient * r1);
            (s0, s1) = (s1, s0 - (long)quotient * s1);
        }

        if (r0 != 1)
        {
            throw new ArgumentException($"{a} has no inverse modulo {q} (gcd {r0}).", nameof(a));
        }

        return s0 < 0 ? (ulong)(s0 + (long)q) : (ulong)s0;
    }

    /// <summary>Reduces a signed value modulo q.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong FromSigned(long v, in Modulus q)
    {
        if (v >= 0)
        {
            return q.Reduce((ulong)v);
        }

        ulong r = q.Reduce((ulong)(-(v + 1)) + 1);
        return r == 0 ? 0 : q.Value - r;
    }
}
