using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Commitments.Basefold;

/// <summary>The transcript steps and query bookkeeping prover and verifier share, so the two cannot drift.</summary>
internal static class BasefoldProtocol
{
    /// <summary>Absorbs the statement: commitment, parameters, point and claimed value.</summary>
    public static void Begin<TExt>(Transcript transcript, BasefoldCommitment commitment, BasefoldParameters parameters, ReadOnlySpan<TExt> point, TExt value)
        where TExt : struct, IExtensionField<TExt>
    {
        transcript.AbsorbDigest("basefold/root", commitment.Root);
        transcript.AbsorbUInt64("basefold/variables", (ulong)commitment.NumVariables);
        transcript.AbsorbUInt64("basefold/log-blowup", (ulong)parameters.LogBlowup);
        transcript.AbsorbUInt64("basefold/queries", (ulong)parameters.Queries);
        transcript.AbsorbUInt64("basefold/log-arity", (ulong)parameters.LogArity);
        transcript.AbsorbUInt64("basefold/final-variables", (ulong)parameters.FinalVariables);
        transcript.AbsorbUInt64("basefold/hiding", parameters.Hiding ? 1UL : 0UL);
        transcript.Absorb("basefold/point", point);
        transcript.Absorb("basefold/value", value);
    }

    /// <summary>Absorbs a hiding opening's mask value <c>g̃(z, 0)</c> and draws the combination scalar <c>ρ</c>.</summary>
    public static TExt MaskChallenge<TExt>(Transcript transcript, TExt maskValue)
        where TExt : struct, IExtensionField<TExt>
    {
        transcript.Absorb("basefold/mask-value", maskValue);
        return transcript.Challenge<TExt>("basefold/rho");
    }

    /// <summary>Absorbs one round's message <c>(g(0), g(2))</c> and draws its challenge.</summary>
    public static TExt Round<TExt>(Transcript transcript, ReadOnlySpan<TExt> message)
        where TExt : struct, IExtensionField<TExt>
    {
        transcript.Absorb("basefold/round", message);
        return transcript.Challenge<TExt>("basefold/alpha");
    }

    /// <summary>Absorbs the root of a layer committed while folding.</summary>
    public static void LayerRoot(Transcript transcript, Digest256 root) => transcript.AbsorbDigest("basefold/layer-root", root);

    /// <summary>Absorbs the final coefficients and draws the <c>t</c> query leaves of layer 0 (independent, uniform).</summary>
    public static int[] Queries<TExt>(Transcript transcript, BasefoldSchedule schedule, BasefoldParameters parameters, ReadOnlySpan<TExt> finalCoefficients)
        where TExt : struct, IExtensionField<TExt>
    {
        transcript.Absorb("basefold/final", finalCoefficients);
        return transcript.ChallengeIndices("basefold/query", schedule.LeafCount(0), parameters.Queries);
    }

    /// <summary>
    /// The leaf each query reads in each layer: <c>j_0</c> is the query; the fold of leaf <c>j_(g−1)</c> lands at position
    /// <c>p = j_(g−1)</c> of layer <c>g</c>, in leaf <c>p mod L_g</c> at slot <c>p / L_g</c>.
    /// </summary>
    public static int[][] LeafChains(BasefoldSchedule schedule, ReadOnlySpan<int> queries)
    {
        var chains = new int[schedule.LayerCount][];
        chains[0] = queries.ToArray();
        for (int g = 1; g < schedule.LayerCount; g++)
        {
            int mask = schedule.LeafCount(g) - 1;
            chains[g] = new int[queries.Length];
            for (int q = 0; q < queries.Length; q++)
            {
                chains[g][q] = chains[g - 1][q] & mask;
            }
        }

        return chains;
    }

    /// <summary>The distinct leaves of a chain, increasing.</summary>
    public static int[] DistinctSorted(ReadOnlySpan<int> leaves)
    {
        int[] sorted = leaves.ToArray();
        Array.Sort(sorted);
        int count = 0;
        for (int i = 0; i < sorted.Length; i++)
        {
            if (count == 0 || sorted[count - 1] != sorted[i])
            {
                sorted[count++] = sorted[i];
            }
        }

        return sorted[..count];
    }
}
