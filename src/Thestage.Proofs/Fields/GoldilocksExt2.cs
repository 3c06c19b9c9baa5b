using System.Runtime.CompilerServices;

namespace Thestage.Proofs.Fields;

/// <summary>
/// An element <c>c0 + c1·X</c> of the quadratic extension <c>F_p[X] / (X^2 − 7)</c> of
/// <see cref="Goldilocks"/>, a field of <c>p^2 ≈ 2^128</c> elements from which every verifier
/// challenge is drawn.
/// </summary>
/// <remarks>
/// <c>X^2 − 7</c> is irreducible because 7 generates the multiplicative group of <c>F_p</c> and is
/// therefore a quadratic non-residue (Euler's criterion <c>7^((p−1)/2) = −1</c>, checked in the
/// tests). A field of ~128 bits keeps Schwartz–Zippel terms such as <c>d·v / |F|</c> of a sumcheck
/// near <c>2^−120</c> for realistic sizes (Plonky2 uses the same extension; see also Brakedown,
/// Golovnev et al., eprint 2021/1043).
/// </remarks>
public readonly struct GoldilocksExt2 : IExtensionField<GoldilocksExt2>
{
    /// <summary>The non-residue <c>W</c> with <c>X^2 = W</c>.</summary>
    public const ulong NonResidue = 7;

    private static readonly Goldilocks W = new(NonResidue);

    /// <summary>Initializes a new element <c>c0 + c1·X</c>.</summary>
    /// <param name="c0">The constant coefficient.</param>
    /// <param name="c1">The coefficient of <c>X</c>.</param>
    public GoldilocksExt2(Goldilocks c0, Goldilocks c1)
    {
        C0 = c0;
        C1 = c1;
    }

    /// <summary>Gets the constant coefficient.</summary>
    public Goldilocks C0 { get; }

    /// <summary>Gets the coefficient of <c>X</c>.</summary>
    public Goldilocks C1 { get; }

    /// <inheritdoc />
    public static GoldilocksExt2 Zero => default;

    /// <inheritdoc />
    public static GoldilocksExt2 One => new(Goldilocks.One, Goldilocks.Zero);

    /// <inheritdoc />
    public static int EncodedLength => 16;

    /// <inheritdoc />
    public static double Log2Size => 2 * Goldilocks.Log2Size;

    /// <inheritdoc />
    public static int Degree => 2;

    /// <inheritdoc />
    public bool IsZero => C0.IsZero && C1.IsZero;

    /// <inheritdoc />
    public static GoldilocksExt2 FromUInt64(ulong value) => new(new Goldilocks(value), Goldilocks.Zero);

    /// <inheritdoc />
    public static GoldilocksExt2 FromBase(Goldilocks value) => new(value, Goldilocks.Zero);

    /// <inheritdoc />
    public static GoldilocksExt2 FromCoefficients(ReadOnlySpan<Goldilocks> coefficients)
    {
        if (coefficients.Length != 2)
        {
            throw new ArgumentException("Exactly two coefficients are required.", nameof(coefficients));
        }

        return new(coefficients[0], coefficients[1]);
    }

    /// <inheritdoc />
    public Goldilocks GetCoefficient(int index) => index switch
    {
        0 => C0,
        1 => C1,
        _ => throw new ArgumentOutOfRangeException(nameof(index), index, "The coefficient index must be 0 or 1."),
    };

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public GoldilocksExt2 MultiplyByBase(Goldilocks scalar) => new(C0 * scalar, C1 * scalar);

    /// <summary>Adds two elements.</summary>
    /// <param name="left">The first summand.</param>
    /// <param name="right">The second summand.</param>
    /// <returns>The sum.</returns>
    public static GoldilocksExt2 operator +(GoldilocksExt2 left, GoldilocksExt2 right) =>
        new(left.C0 + right.C0, left.C1 + right.C1);

    /// <summary>Subtracts two elements.</summary>
    /// <param name="left">The minuend.</param>
    /// <param name="right">The subtrahend.</param>
    /// <returns>The difference.</returns>
    public static GoldilocksExt2 operator -(GoldilocksExt2 left, GoldilocksExt2 right) =>
        new(left.C0 - right.C0, left.C1 - right.C1);

    /// <summary>Negates an element.</summary>
    /// <param name="value">The element.</param>
    /// <returns>The additive inverse.</returns>
    public static GoldilocksExt2 operator -(GoldilocksExt2 value) => new(-value.C0, -value.C1);

    /// <summary>Multiplies two elements using <c>X^2 = 7</c>.</summary>
    /// <param name="left">The first factor.</param>
    /// <param name="right">The second factor.</param>
    /// <returns>The product.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static GoldilocksExt2 operator *(GoldilocksExt2 left, GoldilocksExt2 right) =>
        new(
            (left.C0 * right.C0) + (W * (left.C1 * right.C1)),
            (left.C0 * right.C1) + (left.C1 * right.C0));

    /// <summary>Compares two elements for equality.</summary>
    /// <param name="left">The first element.</param>
    /// <param name="right">The second element.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(GoldilocksExt2 left, GoldilocksExt2 right) => left.Equals(right);

    /// <summary>Compares two elements for inequality.</summary>
    /// <param name="left">The first element.</param>
    /// <param name="right">The second element.</param>
    /// <returns><see langword="true"/> when different.</returns>
    public static bool operator !=(GoldilocksExt2 left, GoldilocksExt2 right) => !left.Equals(right);

    /// <inheritdoc />
    public static GoldilocksExt2 Invert(GoldilocksExt2 value)
    {
        if (value.IsZero)
        {
            throw new ArgumentException("Zero has no multiplicative inverse.", nameof(value));
        }

        // (c0 + c1 X)(c0 − c1 X) = c0^2 − 7 c1^2, a non-zero base-field norm since X^2 − 7 is irreducible.
        Goldilocks norm = (value.C0 * value.C0) - (W * (value.C1 * value.C1));
        Goldilocks normInverse = Goldilocks.Invert(norm);
        return new(value.C0 * normInverse, -(value.C1 * normInverse));
    }

    /// <summary>Raises an element to a power by square-and-multiply.</summary>
    /// <param name="value">The base.</param>
    /// <param name="exponent">The exponent.</param>
    /// <returns><c>value^exponent</c>.</returns>
    public static GoldilocksExt2 Pow(GoldilocksExt2 value, ulong exponent) => FieldMath.Pow(value, exponent);

    /// <inheritdoc />
    public static GoldilocksExt2 Sample(IUniformWordSource source)
    {
        Goldilocks c0 = Goldilocks.Sample(source);
        Goldilocks c1 = Goldilocks.Sample(source);
        return new(c0, c1);
    }

    /// <inheritdoc />
    public static bool TryRead(ReadOnlySpan<byte> source, out GoldilocksExt2 value)
    {
        if (source.Length < 16
            || !Goldilocks.TryRead(source[..8], out Goldilocks c0)
            || !Goldilocks.TryRead(source.Slice(8, 8), out Goldilocks c1))
        {
            value = default;
            return false;
        }

        value = new(c0, c1);
        return true;
    }

    /// <inheritdoc />
    public void WriteTo(Span<byte> destination)
    {
        C0.WriteTo(destination);
        C1.WriteTo(destination[8..]);
    }

    /// <inheritdoc />
    public bool Equals(GoldilocksExt2 other) => C0 == other.C0 && C1 == other.C1;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is GoldilocksExt2 other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(C0, C1);

    /// <inheritdoc />
    public override string ToString() => $"{C0} + {C1}·X";
}
