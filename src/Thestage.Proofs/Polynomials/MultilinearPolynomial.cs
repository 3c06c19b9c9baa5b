using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Thestage.Proofs.Fields;

namespace Thestage.Proofs.Polynomials;

/// <summary>
/// A multilinear polynomial in <c>v</c> variables, given by its <c>2^v</c> evaluations over the
/// Boolean hypercube (its unique multilinear extension).
/// </summary>
/// <typeparam name="T">The field.</typeparam>
/// <remarks>
/// Convention used throughout the library: entry <c>b</c> of the table is the value at
/// <c>(x_1, …, x_v)</c> where <c>x_1</c> is the <em>most</em> significant bit of <c>b</c>. Folding
/// (<see cref="FixFirstVariable"/>) therefore binds <c>x_1</c> and combines the two halves of the table:
/// <c>f'(b) = f(b) + r·(f(b + 2^(v−1)) − f(b))</c>. For a row-major matrix the row bits are the first
/// variables. See Thaler, "Proofs, Arguments, and Zero-Knowledge" (2022), §3.5.
/// </remarks>
public sealed class MultilinearPolynomial<T>
    where T : struct, IField<T>
{
    private readonly T[] _evaluations;

    /// <summary>Initializes a new polynomial from its hypercube evaluations (copied).</summary>
    /// <param name="evaluations">A power-of-two number of evaluations.</param>
    /// <exception cref="ArgumentException">The length is not a positive power of two.</exception>
    public MultilinearPolynomial(ReadOnlySpan<T> evaluations)
    {
        if (evaluations.IsEmpty || !BitOperations.IsPow2(evaluations.Length))
        {
            throw new ArgumentException("The number of evaluations must be a positive power of two.", nameof(evaluations));
        }

        _evaluations = evaluations.ToArray();
        NumVariables = BitOperations.Log2((uint)evaluations.Length);
    }

    /// <summary>Gets the number of variables <c>v</c>.</summary>
    public int NumVariables { get; }

    /// <summary>Gets the hypercube evaluations.</summary>
    public ReadOnlySpan<T> Evaluations => _evaluations;

    /// <summary>Evaluates the polynomial at an arbitrary point in <c>O(2^v)</c>.</summary>
    /// <param name="point">The point <c>(x_1, …, x_v)</c>.</param>
    /// <returns>The value of the multilinear extension.</returns>
    /// <exception cref="ArgumentException">The point has the wrong dimension.</exception>
    public T Evaluate(ReadOnlySpan<T> point) => Evaluate(_evaluations, point);

    /// <summary>Binds the first variable to <paramref name="value"/>.</summary>
    /// <param name="value">The value of <c>x_1</c>.</param>
    /// <returns>The polynomial in <c>(x_2, …, x_v)</c>.</returns>
    /// <exception cref="InvalidOperationException">The polynomial has no variables.</exception>
    public MultilinearPolynomial<T> FixFirstVariable(T value)
    {
        if (NumVariables == 0)
        {
            throw new InvalidOperationException("A constant polynomial has no variable to fix.");
        }

        var table = (T[])_evaluations.Clone();
        FoldInPlace(table, value);
        return new MultilinearPolynomial<T>(table.AsSpan(0, table.Length / 2));
    }

    /// <summary>Evaluates the multilinear extension of a table at a point in <c>O(2^v)</c>.</summary>
    /// <param name="evaluations">The table of length <c>2^v</c>.</param>
    /// <param name="point">The point, of length <c>v</c>.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentException">The dimensions do not match.</exception>
    public static T Evaluate(ReadOnlySpan<T> evaluations, ReadOnlySpan<T> point)
    {
        if (point.Length > 30 || evaluations.Length != 1 << point.Length)
        {
            throw new ArgumentException("The point dimension does not match the table.", nameof(point));
        }

        // Σ_b f(b)·eq(point, b), folded variable by variable to stay in O(2^v) with one scratch copy.
        T[] scratch = evaluations.ToArray();
        Span<T> table = scratch;
        foreach (T r in point)
        {
            FoldInPlace(table, r);
            table = table[..(table.Length / 2)];
        }

        return table[0];
    }

    /// <summary>
    /// Binds the first variable of a table in place: the first half becomes
    /// <c>t[i] + r·(t[i + half] − t[i])</c>; the second half is left unspecified.
    /// </summary>
    /// <param name="table">A table of even length.</param>
    /// <param name="value">The value of the first variable.</param>
    /// <exception cref="ArgumentException">The length is odd.</exception>
    public static void FoldInPlace(Span<T> table, T value)
    {
        if ((table.Length & 1) != 0)
        {
            throw new ArgumentException("Only tables of even length can be folded.", nameof(table));
        }

        if (typeof(T) == typeof(GoldilocksExt2))
        {
            Ext2Kernels.Fold(MemoryMarshal.Cast<T, GoldilocksExt2>(table), Unsafe.As<T, GoldilocksExt2>(ref value));
            return;
        }

        int half = table.Length / 2;
        Span<T> low = table[..half];
        ReadOnlySpan<T> high = table[half..];
        for (int i = 0; i < half; i++)
        {
            low[i] += value * (high[i] - low[i]);
        }
    }
}
