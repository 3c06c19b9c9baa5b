namespace Thestage.Proofs.Fields;

/// <summary>Field-generic helpers: exponentiation, batch inversion and inner products.</summary>
/// <remarks>
/// Batch inversion is Montgomery's trick (P. L. Montgomery, "Speeding the Pollard and elliptic
/// curve methods of factorization", Math. Comp. 1987): <c>n</c> inverses for one inversion and
/// <c>3(n−1)</c> multiplications.
/// </remarks>
public static class FieldMath
{
    /// <summary>Raises an element to a power by square-and-multiply.</summary>
    /// <typeparam name="T">The field.</typeparam>
    /// <param name="value">The base.</param>
    /// <param name="exponent">The exponent.</param>
    /// <returns><c>value^exponent</c> (with <c>0^0 = 1</c>).</returns>
    public static T Pow<T>(T value, ulong exponent)
        where T : struct, IField<T>
    {
        T result = T.One;
        T power = value;
        while (exponent != 0)
        {
            if ((exponent & 1) != 0)
            {
                result *= power;
            }

            power *= power;
            exponent >>= 1;
        }

        return result;
    }

    /// <summary>Replaces every element of <paramref name="values"/> by its inverse (Montgomery's trick).</summary>
    /// <typeparam name="T">The field.</typeparam>
    /// <param name="values">Non-zero elements, inverted in place.</param>
    /// <param name="scratch">Scratch space of at least <c>values.Length</c> elements (contents overwritten).</param>
    /// <exception cref="ArgumentException">An element is zero, or <paramref name="scratch"/> is too short.</exception>
    public static void BatchInvert<T>(Span<T> values, Span<T> scratch)
        where T : struct, IField<T>
    {
        if (scratch.Length < values.Length)
        {
            throw new ArgumentException("The scratch span is shorter than the values.", nameof(scratch));
        }

        if (values.IsEmpty)
        {
            return;
        }

        // scratch[i] = v0 · … · v(i−1); a zero anywhere makes the total product zero.
        T running = T.One;
        for (int i = 0; i < values.Length; i++)
        {
            scratch[i] = running;
            running *= values[i];
        }

        if (running.IsZero)
        {
            throw new ArgumentException("Batch inversion input contains zero.", nameof(values));
        }

        T inverse = T.Invert(running); // (v0 · … · v(n−1))^−1
        for (int i = values.Length - 1; i >= 0; i--)
        {
            T original = values[i];
            values[i] = inverse * scratch[i];
            inverse *= original;
        }
    }

    /// <summary>Replaces every element by its inverse, allocating the scratch space.</summary>
    /// <typeparam name="T">The field.</typeparam>
    /// <param name="values">Non-zero elements, inverted in place.</param>
    /// <exception cref="ArgumentException">An element is zero.</exception>
    public static void BatchInvert<T>(Span<T> values)
        where T : struct, IField<T>
    {
        var scratch = new T[values.Length];
        BatchInvert(values, scratch);
    }

    /// <summary>Computes <c>Σ a_i · b_i</c>.</summary>
    /// <typeparam name="T">The field.</typeparam>
    /// <param name="left">The first vector.</param>
    /// <param name="right">The second vector, of the same length.</param>
    /// <returns>The inner product.</returns>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static T InnerProduct<T>(ReadOnlySpan<T> left, ReadOnlySpan<T> right)
        where T : struct, IField<T>
    {
        if (left.Length != right.Length)
        {
            throw new ArgumentException("The vectors must have the same length.", nameof(right));
        }

        T sum = T.Zero;
        for (int i = 0; i < left.Length; i++)
        {
            sum += left[i] * right[i];
        }

        return sum;
    }
}
