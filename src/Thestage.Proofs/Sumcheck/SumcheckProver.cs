using System.Runtime.CompilerServices;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Sumcheck;

/// <summary>
/// The sumcheck prover for <c>Σ_{x∈{0,1}^v} Π_{k=1}^{d} f_k(x)</c> with multilinear factors
/// <c>f_k</c>, whose round polynomials have degree <c>d</c> (the number of factors).
/// </summary>
/// <remarks>
/// <para>
/// Lund, Fortnow, Karloff and Nisan, JACM 1992; the linear-time prover that folds the tables after
/// each round is from Thaler, "Time-optimal interactive proofs for circuit evaluation", CRYPTO 2013,
/// and costs <c>O(d^2 · 2^v)</c> field operations overall.
/// </para>
/// <para>
/// Transcript order: the statement (<c>v</c>, <c>d</c>, the claimed sum) is absorbed first; then in each
/// round the values <c>g_i(0) … g_i(d)</c> are absorbed before the challenge <c>r_i</c> is drawn; finally
/// the factor evaluations at <c>r</c> are absorbed. Variables are bound first-to-last
/// (<see cref="MultilinearPolynomial{T}"/> convention), so <c>r_1</c> binds <c>x_1</c>, the most significant bit.
/// </para>
/// <para>
/// The field is constrained to <see cref="IExtensionField{T}"/> so that every challenge is drawn from the
/// extension (about 128 bits for <see cref="GoldilocksExt2"/>), never from the 64-bit base field.
/// </para>
/// </remarks>
public static class SumcheckProver
{
    /// <summary>Computes <c>Σ_x Π_k f_k(x)</c> directly.</summary>
    /// <typeparam name="T">The field.</typeparam>
    /// <param name="factors">Multilinear factors with the same number of variables.</param>
    /// <returns>The sum over the hypercube.</returns>
    public static T ComputeSum<T>(IReadOnlyList<MultilinearPolynomial<T>> factors)
        where T : struct, IExtensionField<T>
    {
        int size = ValidateFactors(factors);
        T sum = T.Zero;
        for (int i = 0; i < size; i++)
        {
            T product = T.One;
            foreach (MultilinearPolynomial<T> factor in factors)
            {
                product *= factor.Evaluations[i];
            }

            sum += product;
        }

        return sum;
    }

    /// <summary>Proves that <c>Σ_x Π_k f_k(x) = claimedSum</c>.</summary>
    /// <typeparam name="T">The extension field of values and challenges (base-field tables are lifted with <see cref="IExtensionField{T}.FromBase"/>).</typeparam>
    /// <param name="transcript">The Fiat–Shamir transcript, in the same state as the verifier's.</param>
    /// <param name="claimedSum">The claimed sum (an honest prover passes <see cref="ComputeSum{T}"/>).</param>
    /// <param name="factors">One or more multilinear factors with the same number of variables.</param>
    /// <returns>The proof and the final random point.</returns>
    /// <exception cref="ArgumentException">The factors are empty or of different sizes.</exception>
    public static SumcheckProverOutput<T> Prove<T>(Transcript transcript, T claimedSum, IReadOnlyList<MultilinearPolynomial<T>> factors)
        where T : struct, IExtensionField<T>
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ValidateFactors(factors);
        var tables = new T[factors.Count][];
        for (int k = 0; k < tables.Length; k++)
        {
            tables[k] = factors[k].Evaluations.ToArray();
        }

        return ProveTables(transcript, claimedSum, tables);
    }

    /// <summary>
    /// The zero-knowledge sumcheck (<see cref="SumcheckMask{T}"/>): the factors' product is masked by <c>ρ·g</c> for a masking
    /// polynomial <c>g</c> from <paramref name="masks"/>, committed before <c>ρ</c> is drawn.
    /// </summary>
    internal static SumcheckProverOutput<T> Prove<T>(Transcript transcript, T claimedSum, IReadOnlyList<MultilinearPolynomial<T>> factors, SumcheckMaskPool<T>? masks)
        where T : struct, IExtensionField<T>
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ValidateFactors(factors);
        return ProveTables(transcript, claimedSum, factors.Select(f => f.Evaluations.ToArray()).ToArray(), masks);
    }

    /// <summary>
    /// <see cref="Prove{T}(Transcript, T, IReadOnlyList{MultilinearPolynomial{T}})"/> on tables the caller hands over: they are
    /// folded in place (left unspecified), which spares the copies.
    /// </summary>
    internal static SumcheckProverOutput<T> ProveTables<T>(Transcript transcript, T claimedSum, T[][] tables, SumcheckMaskPool<T>? masks = null)
        where T : struct, IExtensionField<T>
    {
        int degree = tables.Length;
        int size = tables[0].Length;
        int numVariables = System.Numerics.BitOperations.Log2((uint)size);
        SumcheckMask<T>? mask = masks?.Take(transcript, numVariables, degree);
        transcript.AbsorbUInt64(SumcheckLabels.NumVariables, (ulong)numVariables);
        transcript.AbsorbUInt64(SumcheckLabels.Degree, (ulong)degree);
        transcript.Absorb(SumcheckLabels.ClaimedSum, claimedSum);
        if (mask is not null)
        {
            transcript.Absorb(SumcheckLabels.MaskSum, mask.Sum);
            mask.Weight = transcript.Challenge<T>(SumcheckLabels.MaskWeight);
        }

        var rounds = new T[numVariables][];
        var point = new T[numVariables];
        if (typeof(T) == typeof(GoldilocksExt2) && ProductRoundKernel.Supports(degree) && numVariables > 0)
        {
            // The vectorised rounds (each fold fused with the next round's values); exactly the values of the loop below.
            var ext = (GoldilocksExt2[][])(object)tables;
            var values = new GoldilocksExt2[degree + 1];
            ProductRoundKernel.Evaluate(ext, size / 2, values);
            for (int round = 0; round < numVariables; round++)
            {
                rounds[round] = (T[])(object)values;
                mask?.AddRound(rounds[round], round);
                transcript.Absorb<T>(SumcheckLabels.Round, rounds[round]);
                T challenge = transcript.Challenge<T>(SumcheckLabels.Challenge);
                point[round] = challenge;
                mask?.Bind(round, challenge);
                int half = size >> (round + 1);
                if (round + 1 < numVariables)
                {
                    values = new GoldilocksExt2[degree + 1];
                    ProductRoundKernel.FoldAndEvaluate(ext, half, Unsafe.As<T, GoldilocksExt2>(ref challenge), values);
                }
                else
                {
                    for (int k = 0; k < degree; k++)
                    {
                        MultilinearPolynomial<T>.FoldInPlace(tables[k].AsSpan(0, 2 * half), challenge);
                    }
                }
            }
        }
        else
        {
            GenericRounds(transcript, tables, rounds, point, mask);
        }

        var factorEvaluations = new T[degree];
        for (int k = 0; k < degree; k++)
        {
            factorEvaluations[k] = tables[k][0];
        }

        transcript.Absorb<T>(SumcheckLabels.FactorEvaluations, factorEvaluations);
        if (mask is null)
        {
            return new SumcheckProverOutput<T>(new SumcheckProof<T>(rounds, factorEvaluations), point);
        }

        SumcheckMaskPool<T>.Finish(transcript, mask, point, degree);
        return new SumcheckProverOutput<T>(new SumcheckProof<T>(rounds, factorEvaluations, mask.Sum, mask.Value), point);
    }

    /// <summary>
    /// The zero-knowledge sumcheck over masked factors: factor <c>k</c> with coefficients <c>factorMasks[k]</c> is Libra's
    /// <see cref="MaskedExtension"/> <c>Ḟ_k = F̃_k + Σ_j x_j(1 − x_j)·c_(k,j)</c> (equal to <c>F_k</c> on the hypercube, so the sum is the
    /// same), and a factor without coefficients (<see langword="null"/>) is its plain multilinear extension (public factors such as
    /// <c>eq(z, ·)</c>). The round degree is <c>d = Σ_k (1 + 2·[k masked])</c>, and the masking polynomial <c>g</c> from
    /// <paramref name="masks"/> has that degree, so the round polynomials stay uniform subject to the sumcheck's constraints; the
    /// factor evaluations sent at the end are <c>Ḟ_k(r)</c>, uniform for each masked factor (see <see cref="MaskedExtension"/>).
    /// </summary>
    /// <remarks>
    /// Transcript: as <see cref="ProveTables{T}"/> with the degree <c>d</c>, after which the factor count and the masked factors
    /// (label <c>sumcheck/masked-factors</c>, one bit per factor) are absorbed, so a proof cannot be replayed with another choice
    /// of masked factors. Round <c>i</c>: factor <c>k</c> at <c>(r_1 … r_(i−1), t, b)</c> is <c>low + t·step + κ_k + c_(k,i)·t(1 − t)</c>,
    /// evaluated at <c>t = 0 … d</c>; after <c>r_i</c>, <c>κ_k += r_i(1 − r_i)·c_(k,i)</c> and the table folds. Cost
    /// <c>O(d·K·2^v)</c> field operations for <c>K</c> factors.
    /// </remarks>
    /// <exception cref="ArgumentException">The masks are missing, no factor is masked, or a factor's coefficients do not number its variables.</exception>
    internal static SumcheckProverOutput<T> ProveMaskedFactors<T>(Transcript transcript, T claimedSum, T[][] tables, T[]?[] factorMasks, SumcheckMaskPool<T> masks)
        where T : struct, IExtensionField<T>
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ArgumentNullException.ThrowIfNull(masks);
        int factors = tables.Length;
        int size = tables[0].Length;
        int numVariables = System.Numerics.BitOperations.Log2((uint)size);
        if (factorMasks.Length != factors || factorMasks.All(c => c is null) || factorMasks.Any(c => c is not null && c.Length != numVariables))
        {
            throw new ArgumentException("Every masked factor needs one coefficient per variable, and at least one factor must be masked.", nameof(factorMasks));
        }

        bool[] masked = Array.ConvertAll(factorMasks, c => c is not null);
        int degree = SumcheckVerifier.MaskedFactorDegree(masked);
        if (factors > SumcheckVerifier.MaxDegree || degree > SumcheckVerifier.MaxDegree)
        {
            throw new ArgumentException($"The round degree may be at most {SumcheckVerifier.MaxDegree}.", nameof(tables));
        }

        SumcheckMask<T> mask = masks.Take(transcript, numVariables, degree);
        transcript.AbsorbUInt64(SumcheckLabels.NumVariables, (ulong)numVariables);
        transcript.AbsorbUInt64(SumcheckLabels.Degree, (ulong)degree);
        SumcheckVerifier.AbsorbMaskedFactors(transcript, masked);
        transcript.Absorb(SumcheckLabels.ClaimedSum, claimedSum);
        transcript.Absorb(SumcheckLabels.MaskSum, mask.Sum);
        mask.Weight = transcript.Challenge<T>(SumcheckLabels.MaskWeight);

        var rounds = new T[numVariables][];
        var point = new T[numVariables];
        var kappa = new T[factors];
        var shift = new T[factors][];
        var current = new T[factors];
        var step = new T[factors];
        for (int k = 0; k < factors; k++)
        {
            shift[k] = new T[degree + 1];
        }

        for (int round = 0; round < numVariables; round++)
        {
            // The constant-in-b part of each factor at t = 0 … d: κ_k + c_(k,i)·t(1 − t) (zero for an unmasked factor).
            for (int k = 0; k < factors; k++)
            {
                for (int t = 0; t <= degree; t++)
                {
                    shift[k][t] = factorMasks[k] is { } c ? kappa[k] + (c[round] * MaskedExtension.Vanishing(T.FromUInt64((ulong)t))) : T.Zero;
                }
            }

            int half = size >> (round + 1);
            var values = new T[degree + 1];
            for (int i = 0; i < half; i++)
            {
                for (int k = 0; k < factors; k++)
                {
                    T low = tables[k][i];
                    current[k] = low;
                    step[k] = tables[k][i + half] - low;
                }

                for (int t = 0; t <= degree; t++)
                {
                    T product = current[0] + shift[0][t];
                    for (int k = 1; k < factors; k++)
                    {
                        product *= current[k] + shift[k][t];
                    }

                    values[t] += product;
                    for (int k = 0; k < factors; k++)
                    {
                        current[k] += step[k];
                    }
                }
            }

            mask.AddRound(values, round);
            rounds[round] = values;
            transcript.Absorb<T>(SumcheckLabels.Round, values);
            T challenge = transcript.Challenge<T>(SumcheckLabels.Challenge);
            point[round] = challenge;
            mask.Bind(round, challenge);
            T vanishing = MaskedExtension.Vanishing(challenge);
            for (int k = 0; k < factors; k++)
            {
                MultilinearPolynomial<T>.FoldInPlace(tables[k].AsSpan(0, 2 * half), challenge);
                if (factorMasks[k] is { } c)
                {
                    kappa[k] += vanishing * c[round];
                }
            }
        }

        var factorEvaluations = new T[factors];
        for (int k = 0; k < factors; k++)
        {
            factorEvaluations[k] = tables[k][0] + kappa[k];
        }

        Array.Clear(kappa);
        transcript.Absorb<T>(SumcheckLabels.FactorEvaluations, factorEvaluations);
        SumcheckMaskPool<T>.Finish(transcript, mask, point, degree);
        return new SumcheckProverOutput<T>(new SumcheckProof<T>(rounds, factorEvaluations, mask.Sum, mask.Value), point);
    }

    /// <summary>The rounds for any field and degree: values by repeated addition of the step, then the fold.</summary>
    private static void GenericRounds<T>(Transcript transcript, T[][] tables, T[][] rounds, T[] point, SumcheckMask<T>? mask)
        where T : struct, IExtensionField<T>
    {
        int degree = tables.Length;
        int size = tables[0].Length;
        var current = new T[degree];
        var step = new T[degree];
        for (int round = 0; round < rounds.Length; round++)
        {
            int half = size >> (round + 1);
            var values = new T[degree + 1];
            for (int i = 0; i < half; i++)
            {
                for (int k = 0; k < degree; k++)
                {
                    T low = tables[k][i];
                    current[k] = low;
                    step[k] = tables[k][i + half] - low;
                }

                // f_k(t, b) = low + t·step for t = 0, 1, …, d; accumulate Π_k f_k(t, b) into g(t).
                for (int t = 0; t <= degree; t++)
                {
                    T product = current[0];
                    for (int k = 1; k < degree; k++)
                    {
                        product *= current[k];
                    }

                    values[t] += product;
                    for (int k = 0; k < degree; k++)
                    {
                        current[k] += step[k];
                    }
                }
            }

            mask?.AddRound(values, round);
            rounds[round] = values;
            transcript.Absorb<T>(SumcheckLabels.Round, values);
            T challenge = transcript.Challenge<T>(SumcheckLabels.Challenge);
            point[round] = challenge;
            mask?.Bind(round, challenge);
            for (int k = 0; k < degree; k++)
            {
                MultilinearPolynomial<T>.FoldInPlace(tables[k].AsSpan(0, 2 * half), challenge);
            }
        }
    }

    private static int ValidateFactors<T>(IReadOnlyList<MultilinearPolynomial<T>> factors)
        where T : struct, IExtensionField<T>
    {
        ArgumentNullException.ThrowIfNull(factors);
        if (factors.Count == 0 || factors.Count > SumcheckVerifier.MaxDegree)
        {
            throw new ArgumentException($"Between 1 and {SumcheckVerifier.MaxDegree} factors are required.", nameof(factors));
        }

        int size = factors[0].Evaluations.Length;
        foreach (MultilinearPolynomial<T> factor in factors)
        {
            if (factor is null || factor.Evaluations.Length != size)
            {
                throw new ArgumentException("All factors must have the same number of variables.", nameof(factors));
            }
        }

        return size;
    }
}
