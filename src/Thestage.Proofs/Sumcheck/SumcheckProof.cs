using Thestage.Proofs.Fields;

namespace Thestage.Proofs.Sumcheck;

/// <summary>
/// A non-interactive sumcheck proof for <c>Σ_{x∈{0,1}^v} Π_k f_k(x)</c>: one round polynomial per
/// variable, sent as its values at <c>0, 1, …, d</c>, and the claimed evaluations <c>f_k(r)</c> of the
/// factors at the final random point.
/// </summary>
/// <typeparam name="T">The field of values and challenges (normally an extension field).</typeparam>
/// <remarks>
/// Lund, Fortnow, Karloff and Nisan, "Algebraic methods for interactive proof systems", JACM 1992;
/// Thaler, "Proofs, Arguments, and Zero-Knowledge" (2022), §4.1. Serialized by
/// <see cref="SumcheckProofSerializer"/>.
/// </remarks>
public sealed class SumcheckProof<T>
    where T : struct, IExtensionField<T>
{
    private readonly T[][] _rounds;
    private readonly T[] _factorEvaluations;

    /// <summary>Initializes a new proof (the arrays are copied).</summary>
    /// <param name="roundPolynomials">Per round, the values of the round polynomial at <c>0 … d</c>.</param>
    /// <param name="factorEvaluations">The claimed values <c>f_k(r)</c>.</param>
    /// <exception cref="ArgumentNullException">An argument or a round is null.</exception>
    public SumcheckProof(IReadOnlyList<T[]> roundPolynomials, ReadOnlySpan<T> factorEvaluations)
    {
        ArgumentNullException.ThrowIfNull(roundPolynomials);
        _rounds = new T[roundPolynomials.Count][];
        for (int i = 0; i < _rounds.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(roundPolynomials[i]);
            _rounds[i] = (T[])roundPolynomials[i].Clone();
        }

        _factorEvaluations = factorEvaluations.ToArray();
    }

    /// <summary>Initializes a zero-knowledge proof: the rounds are those of <c>f + ρ·g</c>, with the mask's sum and final value.</summary>
    internal SumcheckProof(IReadOnlyList<T[]> roundPolynomials, ReadOnlySpan<T> factorEvaluations, T maskSum, T maskValue)
        : this(roundPolynomials, factorEvaluations)
    {
        IsMasked = true;
        MaskSum = maskSum;
        MaskValue = maskValue;
    }

    /// <summary>Whether the proof is a zero-knowledge one (<see cref="SumcheckMask{T}"/>): it then carries <see cref="MaskSum"/> and <see cref="MaskValue"/>.</summary>
    internal bool IsMasked { get; }

    /// <summary>The masking polynomial's sum <c>G</c> over the hypercube.</summary>
    internal T MaskSum { get; }

    /// <summary>The masking polynomial's value <c>g(r)</c> at the final point.</summary>
    internal T MaskValue { get; }

    /// <summary>Gets the number of rounds (variables).</summary>
    public int RoundCount => _rounds.Length;

    /// <summary>Gets the claimed factor evaluations at the final point.</summary>
    public ReadOnlySpan<T> FactorEvaluations => _factorEvaluations;

    /// <summary>Gets the values at <c>0 … d</c> of the round polynomial of round <paramref name="round"/>.</summary>
    /// <param name="round">The round index.</param>
    /// <returns>The values.</returns>
    public ReadOnlySpan<T> GetRoundPolynomial(int round) => _rounds[round];
}
