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
public static partial class SumcheckProver
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
        where T : struct, IExtensionField<T> => ProveCore(transcript, claimedSum, tables, masks);

    /// <summary>
    /// The zero-knowledge sumcheck over masked factors: factor <c>k</c> with coefficients <c>factorMasks[k]</c> is the
    /// <see cref="MaskedExtension"/> <c>Ḟ_k = F̃_k + x_v(1 − x_v)·C_k(x_1 … x_(v−1))</c> (equal to <c>F_k</c> on the hypercube, so the sum
    /// is the same), and a factor without coefficients (<see langword="null"/>) is its plain multilinear extension (public factors
    /// such as <c>eq(z, ·)</c>). The round degree is <c>D = Σ_k (1 + 2·[k masked])</c> and the masking polynomial <c>g</c> from
    /// <paramref name="masks"/> has that degree in every variable, so every round polynomial is uniform subject to the sumcheck's
    /// constraints; the factor evaluations sent at the end are <c>Ḟ_k(r)</c>, uniform for each masked factor.
    /// </summary>
    /// <remarks>
    /// Only the last variable carries the mask, so rounds <c>1 … v−1</c> (the last variable still Boolean) are the rounds of the plain
    /// product — the vectorised kernels, their values at <c>0 … K</c> extended to <c>0 … D</c> — and only the last round, on tables of
    /// two entries, adds <c>γ_k·t(1 − t)</c> with <c>γ_k = C_k(r_1 … r_(v−1))</c>. Transcript: as <see cref="ProveTables{T}"/> with the degree
    /// <c>D</c>, after which the factor count and the masked factors (label <c>sumcheck/masked-factors</c>, one bit per factor) are
    /// absorbed, so a proof cannot be replayed under another choice of masked factors of the same degree.
    /// </remarks>
    /// <exception cref="ArgumentException">No factor is masked, there are no variables, a factor's coefficients do not number its variables, or the degree exceeds <see cref="SumcheckVerifier.MaxDegree"/>.</exception>
    internal static SumcheckProverOutput<T> ProveMaskedFactors<T>(Transcript transcript, T claimedSum, T[][] tables, T[]?[] factorMasks, SumcheckMaskPool<T> masks)
        where T : struct, IExtensionField<T> =>
        ProveMaskedProducts(transcript, claimedSum, tables, factorMasks, [SumcheckTerm<T>.Product(tables.Length)], masks);

    /// <summary>
    /// The zero-knowledge sumcheck of a sum of products over masked factors, <c>Σ_x Σ_t a_t·Π_(k∈t) Ḟ_k(x)</c>: as
    /// <see cref="ProveMaskedFactors{T}"/> for each term, the round degree being the largest term's <c>Σ_(k∈t) (1 + 2·[k masked])</c>; the
    /// factor evaluations sent are one per table. Relations that are a zero-check of several products (a requantized Dense layer:
    /// <c>eq·W·X</c> beside <c>eq·(b − 2^s·q − r)</c>) are one such sumcheck, so no intermediate sum is revealed.
    /// </summary>
    /// <remarks>
    /// Transcript: the statement, the degree, the masked tables (label <c>sumcheck/masked-factors</c>) and the terms (label
    /// <c>sumcheck/terms</c>: count, then per term its coefficient and factor indices) before the claimed sum. Every table is on all
    /// <c>v</c> variables: this is <see cref="ProveMaskedContraction{T}"/> with every factor on all variables (the tables folded in place).
    /// </remarks>
    /// <exception cref="ArgumentException">See <see cref="ProveMaskedFactors{T}"/>; or a term is empty, repeats a table or names one out of range.</exception>
    internal static SumcheckProverOutput<T> ProveMaskedProducts<T>(Transcript transcript, T claimedSum, T[][] tables, T[]?[] factorMasks, SumcheckTerm<T>[] terms, SumcheckMaskPool<T> masks)
        where T : struct, IExtensionField<T>
    {
        ArgumentNullException.ThrowIfNull(tables);
        int numVariables = tables.Length == 0 ? 0 : System.Numerics.BitOperations.Log2((uint)tables[0].Length);
        if (tables.Any(t => t is null || t.Length != 1 << numVariables))
        {
            throw new ArgumentException("Masked products need tables of one size, a power of two.", nameof(tables));
        }

        int[] all = [.. Enumerable.Range(0, numVariables)];
        return ProveMaskedContraction(transcript, claimedSum, numVariables, tables, Array.ConvertAll(tables, _ => all), factorMasks, terms, masks);
    }

    /// <summary>One round's values at <c>0 … K</c> of <c>Σ_b Π_k f_k(t, b)</c> over tables of <c>2·half</c> entries, without folding.</summary>
    internal static T[] EvaluateRound<T>(T[][] factors, int half)
        where T : struct, IExtensionField<T>
    {
        var values = new T[factors.Length + 1];
        if (typeof(T) == typeof(GoldilocksExt2) && ProductRoundKernel.Supports(factors.Length))
        {
            var ext = new GoldilocksExt2[factors.Length + 1];
            ProductRoundKernel.Evaluate((GoldilocksExt2[][])(object)factors, half, ext);
            return (T[])(object)ext;
        }

        var current = new T[factors.Length];
        var step = new T[factors.Length];
        for (int i = 0; i < half; i++)
        {
            for (int k = 0; k < factors.Length; k++)
            {
                current[k] = factors[k][i];
                step[k] = factors[k][i + half] - current[k];
            }

            for (int t = 0; t <= factors.Length; t++)
            {
                T product = current[0];
                for (int k = 1; k < factors.Length; k++)
                {
                    product *= current[k];
                }

                values[t] += product;
                for (int k = 0; k < factors.Length; k++)
                {
                    current[k] += step[k];
                }
            }
        }

        return values;
    }

    private static SumcheckProverOutput<T> ProveCore<T>(Transcript transcript, T claimedSum, T[][] tables, SumcheckMaskPool<T>? masks)
        where T : struct, IExtensionField<T>
    {
        int factors = tables.Length;
        int size = tables[0].Length;
        int numVariables = System.Numerics.BitOperations.Log2((uint)size);
        int degree = factors;
        SumcheckMask<T>? mask = masks?.Take(transcript, numVariables, degree);
        transcript.AbsorbUInt64(SumcheckLabels.NumVariables, (ulong)numVariables);
        transcript.AbsorbUInt64(SumcheckLabels.Degree, (ulong)degree);
        transcript.Absorb(SumcheckLabels.ClaimedSum, claimedSum);
        if (mask is not null)
        {
            transcript.Absorb(SumcheckLabels.MaskSum, mask.Sum);
            mask.Weight = transcript.Challenge<T>(SumcheckLabels.MaskWeight);
        }

        int plainRounds = numVariables;
        var rounds = new T[numVariables][];
        var point = new T[numVariables];
        if (typeof(T) == typeof(GoldilocksExt2) && ProductRoundKernel.Supports(factors) && plainRounds > 0)
        {
            // The vectorised rounds (each fold fused with the next round's values); exactly the values of the loop below.
            var ext = (GoldilocksExt2[][])(object)tables;
            var values = new GoldilocksExt2[factors + 1];
            ProductRoundKernel.Evaluate(ext, size / 2, values);
            for (int round = 0; round < plainRounds; round++)
            {
                rounds[round] = Extend((T[])(object)values, degree);
                mask?.AddRound(rounds[round], round);
                transcript.Absorb<T>(SumcheckLabels.Round, rounds[round]);
                T challenge = transcript.Challenge<T>(SumcheckLabels.Challenge);
                point[round] = challenge;
                mask?.Bind(round, challenge);
                int half = size >> (round + 1);
                if (round + 1 < plainRounds)
                {
                    values = new GoldilocksExt2[factors + 1];
                    ProductRoundKernel.FoldAndEvaluate(ext, half, Unsafe.As<T, GoldilocksExt2>(ref challenge), values);
                }
                else
                {
                    for (int k = 0; k < factors; k++)
                    {
                        MultilinearPolynomial<T>.FoldInPlace(tables[k].AsSpan(0, 2 * half), challenge);
                    }
                }
            }
        }
        else
        {
            GenericRounds(transcript, tables, rounds.AsSpan(0, plainRounds), point, degree, mask);
        }

        var factorEvaluations = new T[factors];
        for (int k = 0; k < factors; k++)
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
    /// The last round over masked factors: factor <c>k</c> at <c>t</c> is <c>low_k + t·(high_k − low_k) + γ_k·t(1 − t)</c> (its values at
    /// <c>x_v = 0, 1</c> with every other variable bound), <c>γ_k = C_k(r_1 … r_(v−1))</c> (zero for a plain factor), and the round is
    /// <c>Σ_t a_t·Π_(k∈t)</c> of those at <c>t = 0 … D</c>; then <c>Ḟ_k(r) = F̃_k(r) + r_v(1 − r_v)·γ_k</c>.
    /// </summary>
    private static void MaskedRound<T>(Transcript transcript, T[] low, T[] high, T[]?[] factorMasks, SumcheckTerm<T>[] terms, T[][] rounds, T[] point, int degree, SumcheckMask<T> mask, T[] factorEvaluations)
        where T : struct, IExtensionField<T>
    {
        int last = rounds.Length - 1;
        var gamma = new T[low.Length];
        for (int k = 0; k < low.Length; k++)
        {
            gamma[k] = factorMasks[k] is { } c ? MaskedExtension.Coefficient<T>(c, point.AsSpan(0, last)) : T.Zero;
        }

        var values = new T[degree + 1];
        var at = new T[low.Length];
        for (int t = 0; t <= degree; t++)
        {
            T x = T.FromUInt64((ulong)t);
            for (int k = 0; k < low.Length; k++)
            {
                at[k] = low[k] + (x * (high[k] - low[k])) + (gamma[k] * MaskedExtension.Vanishing(x));
            }

            values[t] = SumcheckTerm<T>.Evaluate(terms, at);
        }

        mask.AddRound(values, last);
        rounds[last] = values;
        transcript.Absorb<T>(SumcheckLabels.Round, values);
        T challenge = transcript.Challenge<T>(SumcheckLabels.Challenge);
        point[last] = challenge;
        mask.Bind(last, challenge);
        for (int k = 0; k < low.Length; k++)
        {
            factorEvaluations[k] = low[k] + (challenge * (high[k] - low[k])) + (MaskedExtension.Vanishing(challenge) * gamma[k]);
        }

        Array.Clear(gamma);
        Array.Clear(at);
        Array.Clear(low);
        Array.Clear(high);
    }

    /// <summary>A round polynomial's values at <c>0 … K</c> extended to <c>0 … degree</c> (the same array when no extension is needed).</summary>
    internal static T[] Extend<T>(T[] values, int degree)
        where T : struct, IExtensionField<T>
    {
        if (values.Length == degree + 1)
        {
            return values;
        }

        var extended = new T[degree + 1];
        values.CopyTo(extended, 0);
        for (int t = values.Length; t <= degree; t++)
        {
            extended[t] = UnivariatePolynomial.EvaluateFromNodeValues<T>(values, T.FromUInt64((ulong)t));
        }

        return extended;
    }

    /// <summary>The rounds for any field and degree: values by repeated addition of the step, then the fold (values sent at <c>0 … degree</c>).</summary>
    private static void GenericRounds<T>(Transcript transcript, T[][] tables, Span<T[]> rounds, T[] point, int degree, SumcheckMask<T>? mask)
        where T : struct, IExtensionField<T>
    {
        int factors = tables.Length;
        int size = tables[0].Length;
        var current = new T[factors];
        var step = new T[factors];
        for (int round = 0; round < rounds.Length; round++)
        {
            int half = size >> (round + 1);
            var values = new T[factors + 1];
            for (int i = 0; i < half; i++)
            {
                for (int k = 0; k < factors; k++)
                {
                    T low = tables[k][i];
                    current[k] = low;
                    step[k] = tables[k][i + half] - low;
                }

                // f_k(t, b) = low + t·step for t = 0, 1, …, K; accumulate Π_k f_k(t, b) into g(t).
                for (int t = 0; t <= factors; t++)
                {
                    T product = current[0];
                    for (int k = 1; k < factors; k++)
                    {
                        product *= current[k];
                    }

                    values[t] += product;
                    for (int k = 0; k < factors; k++)
                    {
                        current[k] += step[k];
                    }
                }
            }

            values = Extend(values, degree);
            mask?.AddRound(values, round);
            rounds[round] = values;
            transcript.Absorb<T>(SumcheckLabels.Round, values);
            T challenge = transcript.Challenge<T>(SumcheckLabels.Challenge);
            point[round] = challenge;
            mask?.Bind(round, challenge);
            for (int k = 0; k < factors; k++)
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
