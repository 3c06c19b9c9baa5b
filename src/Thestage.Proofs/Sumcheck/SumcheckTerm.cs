using Thestage.Proofs.Fields;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Sumcheck;

/// <summary>
/// One term <c>a·Π_(k∈Factors) f_k</c> of a sumcheck of a sum of products (<see cref="SumcheckProver.ProveMaskedProducts{T}"/>):
/// its coefficient and the indices of its factors among the sumcheck's tables (distinct, in increasing order).
/// </summary>
/// <param name="Coefficient">The coefficient <c>a</c>.</param>
/// <param name="Factors">The indices of the term's tables.</param>
internal sealed record SumcheckTerm<T>(T Coefficient, int[] Factors)
    where T : struct, IExtensionField<T>
{
    /// <summary>The single product of all <paramref name="factors"/> tables, with coefficient 1.</summary>
    public static SumcheckTerm<T> Product(int factors) => new(T.One, [.. Enumerable.Range(0, factors)]);

    /// <summary>Whether the terms are nonempty, each of at most <see cref="SumcheckVerifier.MaxDegree"/> distinct increasing indices below <paramref name="tables"/>.</summary>
    public static bool Valid(SumcheckTerm<T>[]? terms, int tables) =>
        terms is { Length: > 0 and <= SumcheckVerifier.MaxDegree }
        && terms.All(t => t is not null && t.Factors is { Length: > 0 and <= SumcheckVerifier.MaxDegree } f && f[0] >= 0 && f[^1] < tables
            && f.Zip(f.Skip(1)).All(p => p.First < p.Second));

    /// <summary><c>Σ_t a_t·Π_(k∈t) values_k</c>.</summary>
    public static T Evaluate(SumcheckTerm<T>[] terms, ReadOnlySpan<T> values)
    {
        T sum = T.Zero;
        foreach (SumcheckTerm<T> term in terms)
        {
            T product = term.Coefficient;
            foreach (int k in term.Factors)
            {
                product *= values[k];
            }

            sum += product;
        }

        return sum;
    }

    /// <summary>Absorbs the terms (prover and verifier alike): their count, then per term its coefficient, factor count and indices.</summary>
    public static void Absorb(Transcript transcript, SumcheckTerm<T>[] terms)
    {
        transcript.AbsorbUInt64(SumcheckLabels.Terms, (ulong)terms.Length);
        foreach (SumcheckTerm<T> term in terms)
        {
            transcript.Absorb(SumcheckLabels.Terms, term.Coefficient);
            transcript.AbsorbUInt64(SumcheckLabels.Terms, (ulong)term.Factors.Length);
            transcript.AbsorbBytes(SumcheckLabels.Terms, Array.ConvertAll(term.Factors, k => (byte)k));
        }
    }
}
