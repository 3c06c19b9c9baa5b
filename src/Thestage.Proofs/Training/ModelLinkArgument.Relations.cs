using E = Thestage.Proofs.Fields.GoldilocksExt2;
using Thestage.Models;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Lookups;
using Thestage.Proofs.Quantization;

namespace Thestage.Proofs.Training;

/// <content>The relations both sides share: architecture match, witnesses, limbs, the per-layer identities and the claims.</content>
public static partial class ModelLinkArgument
{
    /// <summary>Checks the shift witnesses: a real weight in the <c>W</c>-bit range with <c>round_(σ−1)(w)</c> outside int8, or (0, 0) for <c>σ = 0</c>.</summary>
    private static bool WitnessesValid(TrainingConfig config, ModelLinkLayout layout, ModelLinkProof proof)
    {
        for (int l = 0; l < config.LayerCount; l++)
        {
            int sigma = layout.Sigma[l], index = proof.WitnessIndexArray[l], value = proof.WitnessValueArray[l];
            if (sigma == 0)
            {
                if (index != 0 || value != 0)
                {
                    return false;
                }

                continue;
            }

            int logInputs = layout.WeightLogSizes[l] - layout.BiasLogSizes[l];
            if (index < 0 || index >= 1 << layout.WeightLogSizes[l] || (index >> logInputs) >= config.LayerSizes[l + 1]
                || (index & ((1 << logInputs) - 1)) >= config.LayerSizes[l]
                || value < config.WeightMin || value > config.WeightMax || FitsInt8(value, sigma - 1))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The honest witnesses: per layer with <c>σ &gt; 0</c> the first real weight (row-major) with <c>round_(σ−1)(w)</c> outside int8.</summary>
    private static (int[] Indices, int[] Values) Witnesses(FixedPointWeights snapshot, int[] sigma)
    {
        TrainingConfig config = snapshot.Config;
        var indices = new int[sigma.Length];
        var values = new int[sigma.Length];
        for (int l = 0; l < sigma.Length; l++)
        {
            int[] w = snapshot.WeightsOf(l);
            int inputs = config.LayerSizes[l];
            int position = sigma[l] == 0 ? -1 : Array.FindIndex(w, v => !FitsInt8(v, sigma[l] - 1));
            if (position >= 0)
            {
                indices[l] = ((position / inputs) << TensorLayout.CeilLog2(inputs)) + (position % inputs);
                values[l] = w[position];
            }
            else if (sigma[l] > 0)
            {
                values[l] = w[0]; // no witness exists for this σ; the verifier rejects it
            }
        }

        return (indices, values);
    }

    /// <summary>The limb segments: byte limbs of <c>r = w + h_σ − 2^σ·w8</c>, <c>r_b = 2^μ·b + h_τ − 2^τ'·b_q</c> and <c>b_q + 2^31</c>.</summary>
    private static Goldilocks[][] Limbs(ModelLinkLayout layout, Setup setup, Goldilocks[][] trainingSegments, Goldilocks[][] modelSegments)
    {
        var limbs = new Goldilocks[layout.Layout.SegmentCount][];
        for (int l = 0; l < layout.Sigma.Length; l++)
        {
            (Goldilocks scale, Goldilocks half, Goldilocks quotientScale) = WeightConstants(layout, l);
            Decompose(trainingSegments[2 * l], modelSegments[setup.ModelSegments[l].Weights], scale, half, quotientScale, layout.WeightRemainders[l], limbs);
            (scale, half, quotientScale) = BiasConstants(layout, l);
            Goldilocks[] quotients = modelSegments[setup.ModelSegments[l].Bias];
            Decompose(trainingSegments[(2 * l) + 1], quotients, scale, half, quotientScale, layout.BiasRemainders[l], limbs);
            Goldilocks[] offset = quotients.Select(q => q + Goldilocks.FromUInt64(1UL << 31)).ToArray();
            Decompose(offset, new Goldilocks[offset.Length], Goldilocks.One, Goldilocks.Zero, Goldilocks.Zero, layout.BiasQuotients[l], limbs);
        }

        return limbs;
    }

    /// <summary>Writes the byte limbs of <c>scale·x + half − quotientScale·q</c> (its canonical residue; out-of-range values lose their high bytes and fail the recomposition).</summary>
    private static void Decompose(
        Goldilocks[] x, Goldilocks[] q, Goldilocks scale, Goldilocks half, Goldilocks quotientScale, int[] segments, Goldilocks[][] limbs)
    {
        foreach (int s in segments)
        {
            limbs[s] = new Goldilocks[x.Length];
        }

        for (int i = 0; i < x.Length; i++)
        {
            ulong u = ((scale * x[i]) + half - (quotientScale * q[i])).Value;
            for (int k = 0; k < segments.Length; k++)
            {
                limbs[segments[k]][i] = Goldilocks.FromUInt64((u >> (8 * k)) & 0xFF);
            }
        }
    }

    /// <summary>Weights: scale 1, <c>h_σ</c>, quotient scale <c>2^σ</c>.</summary>
    private static (Goldilocks Scale, Goldilocks Half, Goldilocks QuotientScale) WeightConstants(ModelLinkLayout layout, int l) =>
        (Goldilocks.One, Goldilocks.FromUInt64((ulong)FixedPoint.Offset(layout.Sigma[l])), Goldilocks.FromUInt64(1UL << layout.Sigma[l]));

    /// <summary>Biases: scale <c>2^μ</c>, <c>h_τ'</c>, quotient scale <c>2^τ'</c>.</summary>
    private static (Goldilocks Scale, Goldilocks Half, Goldilocks QuotientScale) BiasConstants(ModelLinkLayout layout, int l)
    {
        int tau = Math.Max(layout.Tau[l], 0), mu = Math.Max(-layout.Tau[l], 0);
        return (Goldilocks.FromUInt64(1UL << mu), Goldilocks.FromUInt64((ulong)FixedPoint.Offset(tau)), Goldilocks.FromUInt64(1UL << tau));
    }

    /// <summary>Checks the three identities of every layer on the prover's values (see the remarks on the class), throwing <see cref="ProofRejectedException"/> with the layer.</summary>
    private static void CheckIdentities(TrainingConfig config, ModelLinkLayout layout, E[] values)
    {
        int at = 0;
        for (int l = 0; l < config.LayerCount; l++)
        {
            int weightLimbs = layout.WeightRemainders[l].Length, biasLimbs = layout.BiasRemainders[l].Length;
            (Goldilocks scale, Goldilocks half, Goldilocks quotientScale) = WeightConstants(layout, l);
            bool weights = E.FromBase(scale) * values[at] + E.FromBase(half) == (E.FromBase(quotientScale) * values[at + 1]) + Recompose(values, at + 2, weightLimbs);
            ProofVerdict.Require(weights, RejectionReason.Relation, $"weight rounding, layer {l}");
            at += 2 + weightLimbs;
            (scale, half, quotientScale) = BiasConstants(layout, l);
            bool biases = E.FromBase(scale) * values[at] + E.FromBase(half) == (E.FromBase(quotientScale) * values[at + 1]) + Recompose(values, at + 2, biasLimbs)
                && values[at + 1] + E.FromUInt64(1UL << 31) == Recompose(values, at + 2 + biasLimbs, ModelLinkLayout.BiasLimbs);
            ProofVerdict.Require(biases, RejectionReason.Relation, $"bias rounding, layer {l}");
            at += 2 + biasLimbs + ModelLinkLayout.BiasLimbs;
        }
    }

    private static E Recompose(E[] values, int start, int count)
    {
        E sum = E.Zero;
        for (int k = count - 1; k >= 0; k--)
        {
            sum = (sum * E.FromUInt64(256)) + values[start + k];
        }

        return sum;
    }

    /// <summary>The claims on the limb polynomial, the snapshot polynomials and the model's weight polynomials.</summary>
    private static (List<SegmentClaim<E>> Limbs, List<SegmentClaim<E>> Training, List<SegmentClaim<E>> Model) Claims(
        Setup setup, LogUpClaims<E> lookup, E[][] zeta, E[][] xi, E[] values, int[] sigma, int[] indices, int[] witnessValues)
    {
        ModelLinkLayout layout = setup.Layout;
        var limbs = layout.Columns.Select((c, j) => lookup.ColumnMaskPoints[j] is { } maskPoint
            ? new SegmentClaim<E>(c.Segment, lookup.ColumnPoints[j], lookup.ColumnValues[j], layout.ColumnMasks[j], maskPoint)
            : new SegmentClaim<E>(c.Segment, lookup.ColumnPoints[j], lookup.ColumnValues[j])).ToList();
        var training = new List<SegmentClaim<E>>();
        var model = new List<SegmentClaim<E>>();
        int at = 0;
        for (int l = 0; l < sigma.Length; l++)
        {
            training.Add(new SegmentClaim<E>(2 * l, zeta[l], values[at]));
            model.Add(new SegmentClaim<E>(setup.ModelSegments[l].Weights, zeta[l], values[at + 1]));
            at += 2;
            foreach (int s in layout.WeightRemainders[l])
            {
                limbs.Add(new SegmentClaim<E>(s, zeta[l], values[at++]));
            }

            training.Add(new SegmentClaim<E>((2 * l) + 1, xi[l], values[at]));
            model.Add(new SegmentClaim<E>(setup.ModelSegments[l].Bias, xi[l], values[at + 1]));
            at += 2;
            foreach (int s in layout.BiasRemainders[l].Concat(layout.BiasQuotients[l]))
            {
                limbs.Add(new SegmentClaim<E>(s, xi[l], values[at++]));
            }

            if (sigma[l] > 0 && indices.Length > 0)
            {
                training.Add(new SegmentClaim<E>(2 * l, BooleanPoint(indices[l], layout.WeightLogSizes[l]), E.FromBase(WeightCommitment.Embed(witnessValues[l]))));
            }
        }

        return (limbs, training, model);
    }

    /// <summary>The Boolean point of entry <paramref name="index"/> (first variable = most significant bit, as in <c>EqPolynomial</c>).</summary>
    private static E[] BooleanPoint(int index, int variables)
    {
        var point = new E[variables];
        for (int i = 0; i < variables; i++)
        {
            point[i] = ((index >> (variables - 1 - i)) & 1) != 0 ? E.One : E.Zero;
        }

        return point;
    }

    /// <summary>
    /// What both sides derive from the public data: the limb layout, the inference circuit plan, and per training layer the
    /// model's weight and bias segments.
    /// </summary>
    private sealed class Setup
    {
        private Setup(ModelLinkLayout layout, CircuitPlan plan, SegmentLayout weightLayout, (int Weights, int Bias)[] modelSegments)
        {
            Layout = layout;
            Plan = plan;
            WeightLayout = weightLayout;
            ModelSegments = modelSegments;
        }

        public ModelLinkLayout Layout { get; }

        public CircuitPlan Plan { get; }

        /// <summary>The layout of the model's weight polynomials (<see cref="ModelCommitment.WeightLayout"/>: with the masks of hidden weights).</summary>
        public SegmentLayout WeightLayout { get; }

        public (int Weights, int Bias)[] ModelSegments { get; }

        /// <summary>Null unless the model is Dense → ReLU → … → Dense of the training widths, the fraction bits chain and the segments match.</summary>
        public static Setup? TryCreate(TrainingConfig config, ModelCommitment model, int[]? sigma, bool provenWitnesses, bool zeroKnowledgeLookup)
        {
            int layers = config.LayerCount;
            if (sigma is null || sigma.Length != layers || model.InputShape != Shape.Vector(config.InputSize) || model.Layers.Length != (2 * layers) - 1)
            {
                return null;
            }

            var shifts = new int[layers];
            for (int l = 0; l < layers; l++)
            {
                CircuitLayer dense = model.Layers[2 * l];
                shifts[l] = dense.Shift;
                if (dense != new CircuitLayer(LayerKind.Dense, config.LayerSizes[l], config.LayerSizes[l + 1], 0, 0, 0, 0, dense.Shift)
                    || (l + 1 < layers && model.Layers[(2 * l) + 1] != new CircuitLayer(LayerKind.Relu, 0, 0, 0, 0, 0, 0, 0)))
                {
                    return null;
                }
            }

            ModelLinkLayout? layout = ModelLinkLayout.TryCreate(config, sigma, model.InputFractionBits, shifts, model.OutputFractionBits, provenWitnesses, zeroKnowledgeLookup);
            if (layout is null)
            {
                return null;
            }

            CircuitPlan plan;
            try
            {
                plan = model.Plan(1);
            }
            catch (ArgumentException)
            {
                return null;
            }

            var segments = new (int, int)[layers];
            for (int l = 0; l < layers; l++)
            {
                if (!plan.WeightSegments.TryGetValue(2 * l, out (int Weights, int Bias, int LogRows, int LogColumns) s)
                    || s.LogRows != layout.BiasLogSizes[l] || s.LogRows + s.LogColumns != layout.WeightLogSizes[l])
                {
                    return null;
                }

                segments[l] = (s.Weights, s.Bias);
            }

            return new Setup(layout, plan, model.WeightLayout, segments);
        }
    }
}
