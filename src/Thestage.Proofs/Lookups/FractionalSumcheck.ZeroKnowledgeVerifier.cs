using Thestage.Proofs.Fields;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Lookups;

/// <summary>The verifier of the zero-knowledge fraction GKR (the protocol is in <c>FractionalSumcheck.ZeroKnowledge.cs</c>).</summary>
internal static partial class FractionalSumcheck
{
    /// <summary>
    /// Verifies <see cref="ProveZeroKnowledge{T}"/> with the layer masks reserved at <paramref name="layerSlot"/> of the cursor's pool;
    /// on success returns the leaf point and the claimed masked extensions <c>ṗ_L(z), q̇_L(z)</c>. The checks of each step are
    /// <see cref="CheckRoot{T}"/> and <see cref="CheckLayer{T}"/> on the challenges drawn here.
    /// </summary>
    public static bool VerifyZeroKnowledge<T>(
        Transcript transcript, ProofCursor<T> cursor, int logSize, (int Chunk, int Offset) layerSlot, out T[] point, out T pClaim, out T qClaim)
        where T : struct, IExtensionField<T>
    {
        point = [];
        pClaim = T.Zero;
        qClaim = T.Zero;
        SumcheckMaskVerifier<T>? masks = cursor.Masks;
        if (masks is null || logSize < 2 || !TryReadMasked(transcript, cursor, masks, 1, RootDegree, 2, out SumcheckProof<T>? root, out (int, int) slot, out T weight, out T[] s))
        {
            return false;
        }

        masks.Accumulate(transcript, slot, s, RootDegree, root!.MaskValue);
        if (!CheckRoot(root, weight, s[0]))
        {
            return false;
        }

        (pClaim, qClaim) = (root.FactorEvaluations[0], root.FactorEvaluations[1]);
        T[] z = s;
        for (int j = 1; j < logSize; j++)
        {
            T lambda = transcript.Challenge<T>(BatchLabel);
            if (!TryReadMasked(transcript, cursor, masks, j, LayerDegree, 5, out SumcheckProof<T>? proof, out slot, out weight, out s))
            {
                return false;
            }

            T y = j == 1 ? T.Zero : z[j - 1];
            masks.Accumulate(transcript, slot, s, LayerDegree, proof!.MaskValue);
            masks.AccumulateLinear(transcript, (layerSlot.Chunk, layerSlot.Offset + (2 * LayerMaskCoefficients * (j - 1))), EvaluationWeights(y, s[0], lambda), proof.FactorEvaluations[4]);
            T line = transcript.Challenge<T>(LineLabel);
            if (!CheckLayer(proof, j, z, pClaim, qClaim, lambda, weight, s, line, out z, out pClaim, out qClaim))
            {
                return false;
            }
        }

        point = z;
        return true;
    }

    /// <summary>
    /// The checks of the root step on given challenges (the mask's weight <c>ρ_g</c> and <c>t</c>): shape, <c>v(0) + v(1) = ρ_g·G</c>, and
    /// <c>v(t) = ṗ_1(t)·q̇_1(1 − t) + ρ_g·g(t)</c>; the pool checks <c>g(t)</c>.
    /// </summary>
    internal static bool CheckRoot<T>(SumcheckProof<T> root, T weight, T t)
        where T : struct, IExtensionField<T>
    {
        if (root.RoundCount != 1 || root.FactorEvaluations.Length != 2 || !root.IsMasked || RoundsClaim(root, RootDegree, weight * root.MaskSum, [t]) is not { } claim)
        {
            return false;
        }

        ReadOnlySpan<T> top = root.FactorEvaluations;
        return (top[0] * top[1]) + (weight * root.MaskValue) == claim;
    }

    /// <summary>
    /// The checks of layer <paramref name="j"/> on given challenges (<c>λ</c>, <c>ρ_g</c>, the point <c>s</c>, the line): its claim
    /// <c>(pClaim, qClaim)</c> at <paramref name="z"/> (<c>[t]</c> for layer 1), the rounds, and the final value
    /// <c>eq·(ṗL q̇R + ṗR q̇L) + λ·eq·q̇L q̇R + 2^(−(j−1))·Z_j·E_j + ρ_g·g(s)</c>; on success the next claim and point. The pool checks
    /// <c>g(s)</c> and <c>E_j</c>.
    /// </summary>
    internal static bool CheckLayer<T>(
        SumcheckProof<T> proof, int j, T[] z, T pClaim, T qClaim, T lambda, T weight, T[] s, T line, out T[] next, out T pNext, out T qNext)
        where T : struct, IExtensionField<T>
    {
        next = [];
        pNext = qNext = T.Zero;
        if (proof.RoundCount != j || s.Length != j || proof.FactorEvaluations.Length != 5 || !proof.IsMasked
            || RoundsClaim(proof, LayerDegree, pClaim + (lambda * qClaim) + (weight * proof.MaskSum), s) is not { } claim)
        {
            return false;
        }

        ReadOnlySpan<T> children = proof.FactorEvaluations;
        T pl = children[0], pr = children[1], ql = children[2], qr = children[3], e = children[4];
        T vanishing = MaskedExtension.Vanishing(j == 1 ? z[0] : z[j - 2]);
        T products = j == 1
            ? (EqPolynomial.Evaluate<T>(z, s) * ((pl * qr) + (pr * ql))) + (lambda * EqPolynomial.Evaluate<T>([T.One - z[0]], s) * ql * qr)
            : EqPolynomial.Evaluate<T>(z, s) * ((pl * qr) + (pr * ql) + (lambda * ql * qr));
        if (products + (InversePowerOfTwo<T>(j - 1) * vanishing * e) + (weight * proof.MaskValue) != claim)
        {
            return false;
        }

        pNext = pl + (line * (pr - pl));
        qNext = ql + (line * (qr - ql));
        next = [.. s, line];
        return true;
    }

    /// <summary>Checks the rounds against <paramref name="sum"/> at the given challenges; returns the reduced claim, or null.</summary>
    private static T? RoundsClaim<T>(SumcheckProof<T> proof, int degree, T sum, ReadOnlySpan<T> point)
        where T : struct, IExtensionField<T>
    {
        T claim = sum;
        for (int round = 0; round < proof.RoundCount; round++)
        {
            ReadOnlySpan<T> values = proof.GetRoundPolynomial(round);
            if (values.Length != degree + 1 || values[0] + values[1] != claim)
            {
                return null;
            }

            claim = UnivariatePolynomial.EvaluateFromNodeValues(values, point[round]);
        }

        return claim;
    }

    /// <summary>
    /// Reads the next masked sumcheck (<paramref name="variables"/> rounds, <paramref name="evaluations"/> final values), reserves its
    /// mask, absorbs <c>G</c>, the rounds and the final values as the prover did, and draws <c>ρ_g</c> and the point; the shape and the
    /// values are checked by <see cref="CheckRoot{T}"/> and <see cref="CheckLayer{T}"/>.
    /// </summary>
    private static bool TryReadMasked<T>(
        Transcript transcript, ProofCursor<T> cursor, SumcheckMaskVerifier<T> masks, int variables, int degree, int evaluations,
        out SumcheckProof<T>? proof, out (int Chunk, int Offset) slot, out T weight, out T[] point)
        where T : struct, IExtensionField<T>
    {
        slot = default;
        point = [];
        weight = T.Zero;
        if (!cursor.TryNextSumcheck(out proof) || proof!.RoundCount != variables || proof.FactorEvaluations.Length != evaluations || !proof.IsMasked
            || !HasDegree(proof, degree) || masks.TryTake(transcript, variables, degree) is not { } taken)
        {
            return false;
        }

        slot = taken;
        transcript.Absorb(SumcheckLabels.MaskSum, proof.MaskSum);
        weight = transcript.Challenge<T>(SumcheckLabels.MaskWeight);
        point = new T[variables];
        for (int round = 0; round < variables; round++)
        {
            transcript.Absorb(ZeroKnowledgeRoundLabel, proof.GetRoundPolynomial(round));
            point[round] = transcript.Challenge<T>(ChallengeLabel);
        }

        transcript.Absorb(ZeroKnowledgeChildrenLabel, proof.FactorEvaluations);
        return true;
    }

    private static bool HasDegree<T>(SumcheckProof<T> proof, int degree)
        where T : struct, IExtensionField<T>
    {
        for (int r = 0; r < proof.RoundCount; r++)
        {
            if (proof.GetRoundPolynomial(r).Length != degree + 1)
            {
                return false;
            }
        }

        return true;
    }
}
