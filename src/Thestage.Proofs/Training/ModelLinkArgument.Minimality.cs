using E = Thestage.Proofs.Fields.GoldilocksExt2;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Training;

/// <content>
/// Proven minimality of the weight shifts (zero-knowledge link proofs): instead of publishing one weight per layer with
/// <c>round_(σ−1)(w)</c> outside int8, the prover commits, in the limb polynomial, the indicator <c>e</c> of such an entry,
/// its signed copy <c>f = ±e</c> (the side of the bound) and the limbs of the excess <c>D ≥ 0</c>, and proves at a random
/// <c>r</c> (one per layer, three degree-3 sumchecks sharing it):
/// <list type="number">
/// <item><c>Σ_x eq(r, x)·e(x)·(1 − e(x)) = 0</c> — <c>e</c> is Boolean;</item>
/// <item><c>ẽ(½, …, ½) = 2^−v</c> — exactly one entry is 1 (a claim on <c>e</c> batched with the others);</item>
/// <item><c>Σ_x eq(r, x)·f(x)·f(x) = ẽ(r)</c> — <c>f² = e</c>, so <c>f = ±1</c> at that entry and 0 elsewhere;</item>
/// <item><c>Σ_x eq(r, x)·f(x)·(w(x) + h) = D̃(r) + ((2^(σ+7) + 1)/2)·ẽ(r) − f̃(r)/2</c>, <c>h = h_(σ−1)</c>, <c>D = Σ_k 2^(8k)·D_k</c> —
/// entry by entry <c>2f(w + h) = 2D + (2^(σ+7) + 1)·e − f</c>.</item>
/// </list>
/// At the entry with <c>e = 1</c>: <c>f = 1</c> gives <c>w + h = 2^(σ+6) + D</c>, <c>f = −1</c> gives <c>w + h = −2^(σ+6) − 1 − D</c>; with
/// <c>D ∈ [0, 2^(σ+7))</c> (lookup; the honest excess is below it because <c>round_σ(w)</c> is an int8) and <c>w</c> a <c>W</c>-bit
/// integer (the final snapshot's range proof), <c>σ ≤ W ≤ 31</c>, both sides are integers below <c>2^40 &lt; p/2</c>, so <c>round_(σ−1)(w) = ⌊(w + h)/2^(σ−1)⌋ ≥ 128</c> or <c>≤ −129</c>: the shift is minimal; elsewhere
/// <c>e = f = 0</c> forces <c>D = 0</c>. <c>w</c> is the snapshot's padded weight segment of the layer (padding is zero, and
/// <c>round(h) = 0</c> fits int8, so the entry is a real weight). The claims <c>ẽ, f̃, D̃_k</c> at <c>r</c> and at the sumchecks'
/// final points join the limb batching; <c>w̃</c> at the last sumcheck's point joins the snapshot's. Soundness per layer:
/// <c>3·v/|E|</c> for the three identities at <c>r</c> (Schwartz–Zippel) and <c>3·3v/|E|</c> for the sumchecks, plus <c>2/|E|</c>
/// per masked sumcheck (<see cref="SetupSoundnessBits"/>).
/// </content>
public static partial class ModelLinkArgument
{
    private const string MinimalityPointLabel = "link/minimality-r";
    private const string MinimalityValuesLabel = "link/minimality-evaluations";

    /// <summary>The honest minimality segments: per proven layer the indicator, the signed indicator and the excess limbs of its witness entry.</summary>
    private static void MinimalityLimbs(ModelLinkLayout layout, int[] indices, int[] witnessValues, Goldilocks[][] limbs)
    {
        for (int l = 0; l < layout.Sigma.Length; l++)
        {
            if (layout.Indicators[l] < 0)
            {
                continue;
            }

            int size = 1 << layout.WeightLogSizes[l];
            int sigma = layout.Sigma[l];
            bool positive = FixedPoint.Requantize(witnessValues[l], sigma - 1) > QuantizedLayer.MaxWeight;
            long u = witnessValues[l] + FixedPoint.Offset(sigma - 1);
            long excess = positive ? u - (1L << (sigma + 6)) : -u - (1L << (sigma + 6)) - 1;
            Goldilocks[] e = limbs[layout.Indicators[l]] = new Goldilocks[size];
            Goldilocks[] f = limbs[layout.Signs[l]] = new Goldilocks[size];
            e[indices[l]] = Goldilocks.One;
            f[indices[l]] = positive ? Goldilocks.One : -Goldilocks.One;
            ulong residue = excess >= 0 ? (ulong)excess : (-Goldilocks.FromUInt64((ulong)-excess)).Value; // a non-witness loses its high bytes and fails
            for (int k = 0; k < layout.Excess[l].Length; k++)
            {
                Goldilocks[] limb = limbs[layout.Excess[l][k]] = new Goldilocks[size];
                limb[indices[l]] = Goldilocks.FromUInt64((residue >> (8 * k)) & 0xFF);
            }
        }
    }

    /// <summary>Proves the minimality of every <c>σ_l &gt; 0</c> (the content above), adding its claims to the limb and snapshot lists.</summary>
    private static void ProveMinimality(
        Transcript transcript, ProofBuilder<E> builder, ModelLinkLayout layout, Goldilocks[][] limbs, Goldilocks[][] trainingSegments, List<SegmentClaim<E>> limbClaims, List<SegmentClaim<E>> trainingClaims)
    {
        for (int l = 0; l < layout.Sigma.Length; l++)
        {
            if (layout.Indicators[l] < 0)
            {
                continue;
            }

            int v = layout.WeightLogSizes[l];
            E[] r = transcript.Challenges<E>(MinimalityPointLabel, v);
            Goldilocks[] e = limbs[layout.Indicators[l]], f = limbs[layout.Signs[l]];
            E[] values = [Evaluate(e, r), Evaluate(f, r), .. layout.Excess[l].Select(s => Evaluate(limbs[s], r))];
            builder.Send(transcript, MinimalityValuesLabel, values);
            E h = E.FromUInt64((ulong)FixedPoint.Offset(layout.Sigma[l] - 1));
            E[] Lift(Goldilocks[] table) => table.Select(E.FromBase).ToArray();
            MultilinearPolynomial<E> Eq() => new(EqPolynomial.Table<E>(r));
            SumcheckProverOutput<E> boolean = SumcheckProver.Prove(transcript, E.Zero, [Eq(), new(Lift(e)), new(e.Select(x => E.One - E.FromBase(x)).ToArray())], builder.Masks);
            builder.AddSumcheck(boolean.Proof);
            SumcheckProverOutput<E> square = SumcheckProver.Prove(transcript, values[0], [Eq(), new(Lift(f)), new(Lift(f))], builder.Masks);
            builder.AddSumcheck(square.Proof);
            SumcheckProverOutput<E> identity = SumcheckProver.Prove(
                transcript, MinimalitySum(layout, l, values), [Eq(), new(Lift(f)), new(trainingSegments[2 * l].Select(w => E.FromBase(w) + h).ToArray())], builder.Masks);
            builder.AddSumcheck(identity.Proof);
            AddMinimalityClaims(layout, l, r, values, boolean.Proof.FactorEvaluations[1], boolean.Point.ToArray(), square.Proof.FactorEvaluations[1], square.Point.ToArray(),
                identity.Proof.FactorEvaluations[1], identity.Proof.FactorEvaluations[2] - h, identity.Point.ToArray(), limbClaims, trainingClaims);
        }
    }

    /// <summary>Verifies what <see cref="ProveMinimality"/> proves, throwing <see cref="ProofRejectedException"/> (<c>"shift minimality, layer l"</c>) on a failed check.</summary>
    private static void CheckMinimality(
        Transcript transcript, ProofCursor<E> cursor, ModelLinkLayout layout, List<SegmentClaim<E>> limbClaims, List<SegmentClaim<E>> trainingClaims)
    {
        for (int l = 0; l < layout.Sigma.Length; l++)
        {
            if (layout.Indicators[l] < 0)
            {
                continue;
            }

            string relation = $"shift minimality, layer {l}";
            int v = layout.WeightLogSizes[l];
            E[] r = transcript.Challenges<E>(MinimalityPointLabel, v);
            ProofVerdict.Require(cursor.TryReceive(transcript, MinimalityValuesLabel, 2 + layout.Excess[l].Length, out E[] values), RejectionReason.Format, relation);
            E h = E.FromUInt64((ulong)FixedPoint.Offset(layout.Sigma[l] - 1));
            SumcheckVerification<E> boolean = Next(E.Zero);
            ProofVerdict.Require(boolean.FactorEvaluations[2] == E.One - boolean.FactorEvaluations[1], RejectionReason.Relation, relation);
            SumcheckVerification<E> square = Next(values[0]);
            ProofVerdict.Require(square.FactorEvaluations[1] == square.FactorEvaluations[2], RejectionReason.Relation, relation);
            SumcheckVerification<E> identity = Next(MinimalitySum(layout, l, values));
            AddMinimalityClaims(layout, l, r, values, boolean.FactorEvaluations[1], boolean.Point.ToArray(), square.FactorEvaluations[1], square.Point.ToArray(),
                identity.FactorEvaluations[1], identity.FactorEvaluations[2] - h, identity.Point.ToArray(), limbClaims, trainingClaims);

            SumcheckVerification<E> Next(E sum)
            {
                ProofVerdict.Require(cursor.TryNextSumcheck(out SumcheckProof<E>? proof), RejectionReason.Format, relation);
                SumcheckVerification<E> result = SumcheckVerifier.Verify(transcript, sum, v, 3, proof, cursor.Masks);
                ProofVerdict.Require(result, RejectionReason.Relation, relation);
                ProofVerdict.Require(result.FactorEvaluations[0] == EqPolynomial.Evaluate<E>(r, result.Point), RejectionReason.Relation, relation);
                return result;
            }
        }
    }

    /// <summary>The identity's sum <c>D̃(r) + ((2^(σ+7) + 1)/2)·ẽ(r) − f̃(r)/2</c> from the values <c>[ẽ(r), f̃(r), D̃_0(r), …]</c>.</summary>
    private static E MinimalitySum(ModelLinkLayout layout, int l, E[] values)
    {
        E half = E.FromBase(Goldilocks.Invert(new Goldilocks(2)));
        return Recompose(values, 2, layout.Excess[l].Length) + (half * ((E.FromUInt64((1UL << (layout.Sigma[l] + 7)) + 1) * values[0]) - values[1]));
    }

    /// <summary>The claims of one layer's minimality: <c>ẽ, f̃, D̃_k</c> at <c>r</c>, <c>ẽ</c> at the Boolean check's point and at <c>(½, …, ½)</c>, <c>f̃</c> at the other two points, <c>w̃</c> at the identity's.</summary>
    private static void AddMinimalityClaims(
        ModelLinkLayout layout, int l, E[] r, E[] values, E booleanE, E[] booleanPoint, E squareF, E[] squarePoint, E identityF, E identityW, E[] identityPoint,
        List<SegmentClaim<E>> limbClaims, List<SegmentClaim<E>> trainingClaims)
    {
        int v = layout.WeightLogSizes[l];
        limbClaims.Add(new SegmentClaim<E>(layout.Indicators[l], r, values[0]));
        limbClaims.Add(new SegmentClaim<E>(layout.Signs[l], r, values[1]));
        for (int k = 0; k < layout.Excess[l].Length; k++)
        {
            limbClaims.Add(new SegmentClaim<E>(layout.Excess[l][k], r, values[2 + k]));
        }

        E half = E.FromBase(Goldilocks.Invert(new Goldilocks(2)));
        limbClaims.Add(new SegmentClaim<E>(layout.Indicators[l], booleanPoint, booleanE));
        limbClaims.Add(new SegmentClaim<E>(layout.Indicators[l], Enumerable.Repeat(half, v).ToArray(), E.FromBase(Goldilocks.Invert(Goldilocks.FromUInt64(1UL << v)))));
        limbClaims.Add(new SegmentClaim<E>(layout.Signs[l], squarePoint, squareF));
        limbClaims.Add(new SegmentClaim<E>(layout.Signs[l], identityPoint, identityF));
        trainingClaims.Add(new SegmentClaim<E>(2 * l, identityPoint, identityW));
    }
}
