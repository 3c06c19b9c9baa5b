using System.Numerics;

namespace Thestage.Proofs.Fields;

/// <summary>
/// A finite field with value-type elements, exposed through static abstract members so that
/// protocol code (sumcheck, polynomials, transcripts) is written once and specialised by the JIT.
/// </summary>
/// <typeparam name="T">The element type itself.</typeparam>
/// <remarks>
/// Elements are always kept in canonical form, so structural equality is field equality and the
/// byte encoding produced by <see cref="WriteTo"/> is unique. See Thaler, "Proofs, Arguments, and
/// Zero-Knowledge" (2022), ch. 2, for the role of the field in sumcheck-based protocols.
/// </remarks>
public interface IField<T> :
    IEquatable<T>,
    IEqualityOperators<T, T, bool>,
    IAdditionOperators<T, T, T>,
    ISubtractionOperators<T, T, T>,
    IMultiplyOperators<T, T, T>,
    IUnaryNegationOperators<T, T>
    where T : struct, IField<T>
{
    /// <summary>Gets the additive identity.</summary>
    static abstract T Zero { get; }

    /// <summary>Gets the multiplicative identity.</summary>
    static abstract T One { get; }

    /// <summary>Gets the number of bytes of the canonical encoding of one element.</summary>
    static abstract int EncodedLength { get; }

    /// <summary>Gets log2 of the number of elements of the field (used in soundness bounds).</summary>
    static abstract double Log2Size { get; }

    /// <summary>Maps an integer into the field (reducing it modulo the characteristic).</summary>
    /// <param name="value">The integer.</param>
    /// <returns>The field element <c>value mod p</c> (embedded in the prime subfield).</returns>
    static abstract T FromUInt64(ulong value);

    /// <summary>Computes the multiplicative inverse.</summary>
    /// <param name="value">A non-zero element.</param>
    /// <returns>The inverse of <paramref name="value"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="value"/> is zero.</exception>
    static abstract T Invert(T value);

    /// <summary>Samples a uniformly distributed element (exactly uniform, via rejection sampling).</summary>
    /// <param name="source">The source of uniform words.</param>
    /// <returns>A uniform element.</returns>
    static abstract T Sample(IUniformWordSource source);

    /// <summary>Decodes a canonical encoding, rejecting non-canonical input.</summary>
    /// <param name="source">Exactly <see cref="EncodedLength"/> bytes.</param>
    /// <param name="value">The decoded element when the method returns <see langword="true"/>.</param>
    /// <returns><see langword="true"/> when the bytes are a canonical encoding.</returns>
    static abstract bool TryRead(ReadOnlySpan<byte> source, out T value);

    /// <summary>Gets a value indicating whether this element is zero.</summary>
    bool IsZero { get; }

    /// <summary>Writes the canonical little-endian encoding of this element.</summary>
    /// <param name="destination">At least <see cref="EncodedLength"/> bytes.</param>
    void WriteTo(Span<byte> destination);
}
