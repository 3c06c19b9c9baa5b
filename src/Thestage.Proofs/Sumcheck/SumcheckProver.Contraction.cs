using Thestage.Proofs.Fields;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Sumcheck;

/// <summary>The zero-knowledge sumcheck of a sum of products whose factors depend on subsets of the variables (<see cref="ContractionRounds{T}"/>).</summary>
public static partial class SumcheckProver
{
    /// <summary>
    /// <see cref="ProveMaskedProducts{T}"/> where factor <c>k</c> depends only on the variables <paramref name="variables"/><c>[k]</c>: it is read
    /// replicated over the others (<c>Ḟ_k(x) = F̃_k(x|S_k) + x_v(1 − x_v)·C_k(x_1 … x_(v−1))</c> over all <c>v</c> variables, the mask on the
    /// sumcheck's last variable whichever variables the factor has), but the prover works on its own table of <c>2^|S_k|</c> entries and
    /// contracts each term's factors (<see cref="ContractionRounds{T}"/>), never on tables of <c>2^v</c> entries. The proof — rounds, factor
    /// evaluations, transcript — is exactly that of <see cref="ProveMaskedProducts{T}"/> on the replicated tables, so the verifier is the same
    /// (<see cref="SumcheckVerifier"/>'s terms overload, with the declared round degree); each factor evaluation is
    /// <c>F̃_k(r|S_k) + r_v(1 − r_v)·C_k(r_1 … r_(v−1))</c>.
    /// </summary>
    /// <param name="transcript">The transcript.</param>
    /// <param name="claimedSum">The claimed sum over the <c>2^v</c> points.</param>
    /// <param name="numVariables">The sumcheck's variables <c>v ≥ 1</c>.</param>
    /// <param name="ownTables">Factor <c>k</c>'s own table, <c>2^|S_k|</c> entries indexed by <paramref name="variables"/><c>[k]</c> in that order (the first most significant); folded in place when that order is increasing, else left as it is; the caller clears it.</param>
    /// <param name="variables">Factor <c>k</c>'s variables: distinct, in <c>[0, v)</c>, variable 0 bound first.</param>
    /// <param name="factorMasks">The masked factors' coefficients (<c>v</c> each), <see langword="null"/> for a plain factor.</param>
    /// <param name="terms">The terms.</param>
    /// <param name="masks">The masking pool.</param>
    /// <returns>The proof and its point.</returns>
    /// <exception cref="ArgumentException">See <see cref="ProveMaskedProducts{T}"/>; or a factor's variables are repeated, out of range or do not match its table.</exception>
    internal static SumcheckProverOutput<T> ProveMaskedContraction<T>(
        Transcript transcript, T claimedSum, int numVariables, T[][] ownTables, int[][] variables, T[]?[] factorMasks, SumcheckTerm<T>[] terms, SumcheckMaskPool<T> masks)
        where T : struct, IExtensionField<T>
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ArgumentNullException.ThrowIfNull(masks);
        ArgumentNullException.ThrowIfNull(ownTables);
        ArgumentNullException.ThrowIfNull(variables);
        ArgumentNullException.ThrowIfNull(factorMasks);
        bool[] masked = Array.ConvertAll(factorMasks, c => c is not null);
        if (numVariables is < 1 or > 30 || factorMasks.Length != ownTables.Length || variables.Length != ownTables.Length || !masked.Any(m => m)
            || factorMasks.Any(c => c is not null && c.Length != MaskedExtension.Coefficients(numVariables)) || !SumcheckTerm<T>.Valid(terms, ownTables.Length)
            || SumcheckVerifier.MaskedProductDegree(masked, terms) > SumcheckVerifier.MaxDegree || ownTables.Length > SumcheckVerifier.MaxDegree
            || ownTables.Zip(variables).Any(p => p.First is null || p.Second is null || p.Second.Any(x => x < 0 || x >= numVariables)
                || p.Second.Distinct().Count() != p.Second.Length || p.First.Length != 1 << p.Second.Length))
        {
            throw new ArgumentException("Masked products need at least one variable, tables matching their variables, one coefficient per variable, valid terms and a degree within bounds.", nameof(factorMasks));
        }

        int degree = SumcheckVerifier.MaskedProductDegree(masked, terms);
        SumcheckMask<T> mask = masks.Take(transcript, numVariables, degree);
        transcript.AbsorbUInt64(SumcheckLabels.NumVariables, (ulong)numVariables);
        transcript.AbsorbUInt64(SumcheckLabels.Degree, (ulong)degree);
        SumcheckVerifier.AbsorbMaskedFactors(transcript, masked);
        SumcheckTerm<T>.Absorb(transcript, terms);
        transcript.Absorb(SumcheckLabels.ClaimedSum, claimedSum);
        T maskSum = mask.Sum;
        if (ChallengeProgram.Current is { } program)
        {
            // The tests' honest-verifier simulator (ChallengeProgram): ρ drawn first, and G' = G + (H' − H)/ρ for tables summing to H'.
            maskSum += (TermSum(numVariables, ownTables, variables, terms) - claimedSum) * T.Invert(program.ProgramNext<T>(SumcheckLabels.MaskWeight));
        }

        transcript.Absorb(SumcheckLabels.MaskSum, maskSum);
        mask.Weight = transcript.Challenge<T>(SumcheckLabels.MaskWeight);

        var rounds = new T[numVariables][];
        var point = new T[numVariables];
        var contraction = new ContractionRounds<T>(numVariables, ownTables, variables, numVariables > 1 ? terms : []);
        try
        {
            for (int round = 0; round < numVariables - 1; round++)
            {
                T[] values = contraction.Round(round, degree);
                mask.AddRound(values, round);
                rounds[round] = values;
                transcript.Absorb<T>(SumcheckLabels.Round, values);
                T challenge = transcript.Challenge<T>(SumcheckLabels.Challenge);
                point[round] = challenge;
                mask.Bind(round, challenge);
                contraction.Bind(round, challenge);
            }

            var low = new T[ownTables.Length];
            var high = new T[ownTables.Length];
            for (int k = 0; k < low.Length; k++)
            {
                (low[k], high[k]) = contraction.LastValues(k);
            }

            var factorEvaluations = new T[ownTables.Length];
            MaskedRound(transcript, low, high, factorMasks, terms, rounds, point, degree, mask, factorEvaluations);
            transcript.Absorb<T>(SumcheckLabels.FactorEvaluations, factorEvaluations);
            SumcheckMaskPool<T>.Finish(transcript, mask, point, degree);
            return new SumcheckProverOutput<T>(new SumcheckProof<T>(rounds, factorEvaluations, maskSum, mask.Value), point);
        }
        finally
        {
            contraction.Clear();
        }
    }

    /// <summary><c>Σ_x Σ_t a_t·Π_(k∈t) F_k(x|S_k)</c> over the hypercube, directly from the own tables (only the tests' simulator needs it).</summary>
    private static T TermSum<T>(int numVariables, T[][] ownTables, int[][] variables, SumcheckTerm<T>[] terms)
        where T : struct, IExtensionField<T>
    {
        T sum = T.Zero;
        var values = new T[ownTables.Length];
        for (int x = 0; x < 1 << numVariables; x++)
        {
            for (int k = 0; k < ownTables.Length; k++)
            {
                int index = 0;
                foreach (int variable in variables[k])
                {
                    index = (index << 1) | ((x >> (numVariables - 1 - variable)) & 1);
                }

                values[k] = ownTables[k][index];
            }

            sum += SumcheckTerm<T>.Evaluate(terms, values);
        }

        Array.Clear(values);
        return sum;
    }
}
