using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Thestage.Proofs.Fields;

namespace Thestage.Proofs.Polynomials;

/// <summary>
/// The multilinear equality polynomial <c>eq(x, y) = Π_i (x_i y_i + (1 − x_i)(1 − y_i))</c>, which is
/// 1 when <c>x = y ∈ {0,1}^v</c> and 0 on other Boolean pairs.
/// </summary>
/// <remarks>
/// The table <c>eq(r, ·)</c> over the hypercube is built in <c>O(2^v)</c> by doubling, with
/// <c>r_1</c> on the most significant bit of the index, matching <see cref="MultilinearPolynomial{T}"/>.
/// See Thaler, "Proofs, Arguments, and Zero-Knowledge" (2022), Lemma 3.8 and §3.5.
/// </remarks>
public static class EqPolynomial
{
    /// <summary>Computes <c>eq(point, b)</c> for every <c>b ∈ {0,1}^v</c>.</summary>
    /// <typeparam name="T">The field.</typeparam>
    /// <param name="point">The point <c>r</c>, of length <c>v</c>.</param>
    /// <returns>The table of length <c>2^v</c>, entry <c>b</c> holding <c>eq(r, b)</c> with <c>b_1</c> the MSB.</returns>
    public static T[] Table<T>(ReadOnlySpan<T> point)
        where T : struct, IField<T>
    {
        if (point.Length > 30)
        {
            throw new ArgumentException("At most 30 variables are supported.", nameof(point));
        }

        // Every entry is written below, so the array need not be zeroed first (for LeNet-5's 2^16-entry tables, a megabyte each).
        T[] table = GC.AllocateUninitializedArray<T>(1 << point.Length);
        Table(point, table);
        return table;
    }

    /// <summary>Writes <c>eq(point, b)</c> for every <c>b ∈ {0,1}^v</c> into <paramref name="destination"/>.</summary>
    /// <typeparam name="T">The field.</typeparam>
    /// <param name="point">The point <c>r</c>, of length <c>v</c>.</param>
    /// <param name="destination">Exactly <c>2^v</c> elements.</param>
    /// <exception cref="ArgumentException">The destination length is not <c>2^v</c>.</exception>
    public static void Table<T>(ReadOnlySpan<T> point, Span<T> destination)
        where T : struct, IField<T>
    {
        if (point.Length > 30 || destination.Length != 1 << point.Length)
        {
            throw new ArgumentException("The destination must have 2^v elements.", nameof(destination));
        }

        // Doubling from the last coordinate to the first: entry i of the current table (over the coordinates already taken)
        // splits into i (bit 0) and i + size (bit 1), so the coordinate taken last, r_1, ends on the most significant bit.
        destination[0] = T.One;
        int size = 1;
        for (int j = point.Length - 1; j >= 0; j--)
        {
            T r = point[j];
            if (typeof(T) == typeof(GoldilocksExt2))
            {
                Ext2Kernels.Expand(MemoryMarshal.Cast<T, GoldilocksExt2>(destination), size, Unsafe.As<T, GoldilocksExt2>(ref r));
            }
            else
            {
                for (int i = 0; i < size; i++)
                {
                    T high = destination[i] * r;
                    destination[i + size] = high;
                    destination[i] -= high;
                }
            }

            size *= 2;
        }
    }

    /// <summary>Evaluates <c>eq(x, y)</c> directly in <c>O(v)</c>.</summary>
    /// <typeparam name="T">The field.</typeparam>
    /// <param name="x">The first point.</param>
    /// <param name="y">The second point, of the same length.</param>
    /// <returns><c>eq(x, y)</c>.</returns>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static T Evaluate<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y)
        where T : struct, IField<T>
    {
        if (x.Length != y.Length)
        {
            throw new ArgumentException("The points must have the same length.", nameof(y));
        }

        T result = T.One;
        for (int i = 0; i < x.Length; i++)
        {
            T product = x[i] * y[i];
            result *= product + product + T.One - x[i] - y[i];
        }

        return result;
    }
}
