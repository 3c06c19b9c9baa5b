namespace Thestage.Proofs.Fields;

/// <summary>
/// A finite extension of the Goldilocks field, represented by coefficients over
/// <see cref="Goldilocks"/> in a fixed polynomial basis. Verifier challenges are drawn from it.
/// </summary>
/// <typeparam name="T">The element type itself.</typeparam>
/// <remarks>
/// Small-field proof systems draw challenges from an extension so that Schwartz–Zippel errors are
/// of order <c>d / |F_ext|</c> instead of <c>d / p</c> (see e.g. Brakedown, Golovnev et al.,
/// eprint 2021/1043, §2).
/// </remarks>
public interface IExtensionField<T> : IField<T>
    where T : struct, IExtensionField<T>
{
    /// <summary>Gets the extension degree over Goldilocks.</summary>
    static abstract int Degree { get; }

    /// <summary>Embeds a base-field element.</summary>
    /// <param name="value">The base-field element.</param>
    /// <returns>The same element viewed in the extension.</returns>
    static abstract T FromBase(Goldilocks value);

    /// <summary>Builds an element from its coefficients in the polynomial basis.</summary>
    /// <param name="coefficients">Exactly <see cref="Degree"/> coefficients, constant term first.</param>
    /// <returns>The element.</returns>
    static abstract T FromCoefficients(ReadOnlySpan<Goldilocks> coefficients);

    /// <summary>Returns the coefficient of <c>X^index</c> in the polynomial basis.</summary>
    /// <param name="index">An index in <c>[0, Degree)</c>.</param>
    /// <returns>The coefficient.</returns>
    Goldilocks GetCoefficient(int index);

    /// <summary>Multiplies by a base-field element (cheaper than a full extension product).</summary>
    /// <param name="scalar">The base-field factor.</param>
    /// <returns><c>this · scalar</c>.</returns>
    T MultiplyByBase(Goldilocks scalar);
}
