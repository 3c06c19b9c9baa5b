using E = Thestage.Proofs.Fields.GoldilocksExt2;
using Thestage.Models;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Inference;

/// <summary>
/// The prover's side of the layer relations (mirrored step by step by <see cref="VerifierRelations"/>): each
/// requantizing layer is checked at a fresh random point of its output, and claims on its input are reduced
/// backwards through virtual (ReLU) tensors until they land on the public input or on committed witness segments.
/// </summary>
internal sealed class ProverRelations
{
    private readonly CircuitPlan _plan;
    private readonly Transcript _transcript;
    private readonly ProofBuilder<E> _builder;
    private readonly InferenceWitness _witness;
    private readonly Goldilocks[][] _weights;

    public ProverRelations(CircuitPlan plan, Transcript transcript, ProofBuilder<E> builder, InferenceWitness witness, Goldilocks[][] weightSegments)
    {
        _plan = plan;
        _transcript = transcript;
        _builder = builder;
        _witness = witness;
        _weights = weightSegments;
    }

    public List<SegmentClaim<E>> AdviceClaims { get; } = [];

    public List<SegmentClaim<E>> WeightClaims { get; } = [];

    public void ProveLayers()
    {
        for (int l = _plan.Layers.Length - 1; l >= 0; l--)
        {
            if (_plan.Layers[l].Requantizes)
            {
                ProveRequantization(l);
            }
            else if (_plan.Layers[l].Kind == LayerKind.MaxPool2d)
            {
                ProveMaximum(l);
            }
            else if (_plan.Layers[l].Kind == LayerKind.Relu && _plan.Kinds[l + 1] == TensorKind.Public)
            {
                E[] z = _transcript.Challenges<E>(InferenceTranscript.RelationPoint, _plan.Layouts[l + 1].LogSize);
                ProveRelu(l, z, Evaluate(_witness.FieldTensors[l + 1], z));
            }
        }
    }

    private static E Evaluate(Goldilocks[] table, ReadOnlySpan<E> point) => MatrixMultiplicationSumcheck.EvaluateMatrix(table, point);

    private static E[] Lift(Goldilocks[] table) => Array.ConvertAll(table, E.FromBase);

    private E Resolve(int tensor, E[] z)
    {
        int source = _plan.Source[tensor];
        switch (_plan.Kinds[source])
        {
            case TensorKind.Committed:
                (int l0, int l1, int e) = _plan.Limbs[source];
                E[] limbs = [Evaluate(_witness.Advice[l0], z), Evaluate(_witness.Advice[l1], z), Evaluate(_witness.Advice[e], z)];
                _builder.Send(_transcript, InferenceTranscript.Limbs, limbs);
                AdviceClaims.Add(new(l0, z, limbs[0]));
                AdviceClaims.Add(new(l1, z, limbs[1]));
                AdviceClaims.Add(new(e, z, limbs[2]));
                return VerifierRelations.Recompose(limbs);
            case TensorKind.Virtual:
                return ProveRelu(source - 1, z, Evaluate(_witness.FieldTensors[source], z));
            default:
                return Evaluate(_witness.FieldTensors[source], z);
        }
    }

    private E ProveRelu(int layer, E[] z, E claim)
    {
        int input = _plan.Source[layer];
        int signs = _plan.Limbs[input].E;
        SumcheckProverOutput<E> output = SumcheckProver.Prove(
            _transcript, claim, [new MultilinearPolynomial<E>(EqPolynomial.Table<E>(z)), new(Lift(_witness.FieldTensors[input])), new(Lift(_witness.Advice[signs]))]);
        _builder.AddSumcheck(output.Proof);
        E[] s = output.Point.ToArray();
        AdviceClaims.Add(new(signs, s, output.Proof.FactorEvaluations[2]));
        Resolve(layer, s);
        return claim;
    }

    private void ProveRequantization(int l)
    {
        CircuitLayer layer = _plan.Layers[l];
        TensorLayout outLayout = _plan.Layouts[l + 1];
        E[] z = _transcript.Challenges<E>(InferenceTranscript.RelationPoint, outLayout.LogSize);
        E value = Resolve(l + 1, z);
        int[] limbSegments = _plan.Remainders[l];
        E[] remainders = limbSegments.Select(seg => Evaluate(_witness.Advice[seg], z)).ToArray();
        _builder.Send(_transcript, InferenceTranscript.RemainderLimbs, remainders);
        for (int i = 0; i < limbSegments.Length; i++)
        {
            AdviceClaims.Add(new(limbSegments[i], z, remainders[i]));
        }

        E accumulator = VerifierRelations.Accumulator(layer.Shift, value, remainders);
        E[] zBatch = z[outLayout.LogFeatures..];
        switch (layer.Kind)
        {
            case LayerKind.Dense:
            case LayerKind.Conv2d:
                ProveLinear(l, z, zBatch, accumulator);
                break;
            case LayerKind.AvgPool2d:
                ProveGather(l, z[..outLayout.LogFeatures], zBatch, accumulator);
                break;
            default:
                Goldilocks[] x = _witness.FieldTensors[_plan.Source[l]];
                var lifted = new MultilinearPolynomial<E>(Lift(x));
                SumcheckProverOutput<E> output = SumcheckProver.Prove(_transcript, accumulator, [new MultilinearPolynomial<E>(EqPolynomial.Table<E>(z)), lifted, lifted]);
                _builder.AddSumcheck(output.Proof);
                Resolve(l, output.Point.ToArray());
                break;
        }
    }

    /// <summary>
    /// MaxPool2d: with <c>d_j = m − x_j</c> for the <c>j</c>-th input of each window, (1) <c>Σ eq(z, x)·Π_j d_j(x) = 0</c> at a random
    /// <c>z</c> (every output equals one of its inputs), (2) the limbs of every <c>d_j</c> at the sumcheck's point <c>s</c>
    /// (range-checked to <c>[0, 2^16)</c> by logUp: every output is at least each of its inputs), (3) <c>m(s)</c> from the
    /// output, and the gather <c>Σ_j ρ^j·x_j(s) = Σ_j ρ^j·(m(s) − d_j(s))</c> for a random <c>ρ</c>, reduced to the input.
    /// </summary>
    private void ProveMaximum(int l)
    {
        TensorLayout outLayout = _plan.Layouts[l + 1];
        (int L0, int L1)[] limbs = _plan.Differences[l];
        E[] z = _transcript.Challenges<E>(InferenceTranscript.RelationPoint, outLayout.LogSize);
        var factors = new List<MultilinearPolynomial<E>> { new(EqPolynomial.Table<E>(z)) };
        foreach ((int l0, int l1) in limbs)
        {
            Goldilocks[] low = _witness.Advice[l0], high = _witness.Advice[l1];
            factors.Add(new(Array.ConvertAll(Enumerable.Range(0, low.Length).Select(i => low[i] + (high[i] * new Goldilocks(256))).ToArray(), E.FromBase)));
        }

        SumcheckProverOutput<E> output = SumcheckProver.Prove(_transcript, E.Zero, factors);
        _builder.AddSumcheck(output.Proof);
        E[] s = output.Point.ToArray();
        var values = new E[2 * limbs.Length];
        for (int j = 0; j < limbs.Length; j++)
        {
            values[2 * j] = Evaluate(_witness.Advice[limbs[j].L0], s);
            values[(2 * j) + 1] = Evaluate(_witness.Advice[limbs[j].L1], s);
            AdviceClaims.Add(new(limbs[j].L0, s, values[2 * j]));
            AdviceClaims.Add(new(limbs[j].L1, s, values[(2 * j) + 1]));
        }

        _builder.Send(_transcript, InferenceTranscript.DifferenceLimbs, values);
        E maximum = Resolve(l + 1, s);
        E[] weights = VerifierRelations.WindowWeights(_transcript.Challenge<E>(InferenceTranscript.WindowCombination), limbs.Length);
        E claim = E.Zero;
        for (int j = 0; j < limbs.Length; j++)
        {
            claim += weights[j] * (maximum - output.Proof.FactorEvaluations[j + 1]);
        }

        ProveGather(l, s[..outLayout.LogFeatures], s[outLayout.LogFeatures..], claim, weights);
    }

    private void ProveLinear(int l, E[] z, E[] zBatch, E accumulator)
    {
        CircuitLayer layer = _plan.Layers[l];
        TensorLayout outLayout = _plan.Layouts[l + 1];
        (int weightSegment, int biasSegment, int logRows, int logColumns) = _plan.WeightSegments[l];
        E[] zRows = z[..logRows];
        E bias = Evaluate(_weights[biasSegment], zRows);
        _builder.Send(_transcript, InferenceTranscript.Bias, [bias]);
        WeightClaims.Add(new(biasSegment, zRows, bias));
        E[] zSpatial = z[logRows..outLayout.LogFeatures];
        E claim = accumulator - (bias * VerifierRelations.Mask(_plan, l + 1, zSpatial, zBatch));

        E[] eqRows = EqPolynomial.Table<E>(zRows);
        E[] eqBatch = EqPolynomial.Table<E>(zBatch);
        Goldilocks[] w = _weights[weightSegment];
        int columns = 1 << logColumns;
        var f = new E[columns];
        for (int o = 0; o < eqRows.Length; o++)
        {
            Ext2Kernels.AddScaledBase(f, eqRows[o], w.AsSpan(o * columns, columns));
        }

        E[] batched = BatchCombine(_witness.FieldTensors[_plan.Source[l]], eqBatch);
        E[] g;
        if (layer.Kind == LayerKind.Dense)
        {
            g = batched;
        }
        else
        {
            (int[] rows, int[] inputs, _) = _plan.Taps[l];
            E[] eqSpatial = EqPolynomial.Table<E>(zSpatial);
            g = new E[columns];
            for (int j = 0; j < rows.Length; j++)
            {
                g[rows[j] >> outLayout.LogSpatial] += eqSpatial[rows[j] & (outLayout.SpatialPadded - 1)] * batched[inputs[j]];
            }
        }

        SumcheckProverOutput<E> output = SumcheckProver.ProveTables(_transcript, claim, [f, g]);
        _builder.AddSumcheck(output.Proof);
        E[] s = output.Point.ToArray();
        WeightClaims.Add(new(weightSegment, [.. zRows, .. s], output.Proof.FactorEvaluations[0]));
        if (layer.Kind == LayerKind.Dense)
        {
            Resolve(l, [.. s, .. zBatch]);
        }
        else
        {
            ProveGather(l, [.. s, .. zSpatial], zBatch, output.Proof.FactorEvaluations[1]);
        }
    }

    /// <summary>Reduces a claim on a gathered tensor (tap <c>t</c> weighted by <c>tapWeights[t mod count]</c>, or 1) to a claim on the input.</summary>
    private void ProveGather(int l, E[] rowPoint, E[] zBatch, E claim, E[]? tapWeights = null)
    {
        (int[] rows, int[] inputs, _) = _plan.Taps[l];
        E[] eqRows = EqPolynomial.Table<E>(rowPoint);
        E[] eqBatch = EqPolynomial.Table<E>(zBatch);
        TensorLayout inLayout = _plan.Layouts[l];
        var gather = new E[inLayout.FeaturesPadded];
        for (int j = 0; j < rows.Length; j++)
        {
            gather[inputs[j]] += tapWeights is null ? eqRows[rows[j]] : eqRows[rows[j]] * tapWeights[j % tapWeights.Length];
        }

        var h = new E[inLayout.Size];
        for (int i = 0; i < gather.Length; i++)
        {
            for (int b = 0; b < eqBatch.Length; b++)
            {
                h[(i * eqBatch.Length) + b] = gather[i] * eqBatch[b];
            }
        }

        Goldilocks[] x = _witness.FieldTensors[_plan.Source[l]];
        SumcheckProverOutput<E> output = SumcheckProver.ProveTables(_transcript, claim, [Lift(x), h]);
        _builder.AddSumcheck(output.Proof);
        Resolve(l, output.Point.ToArray());
    }

    /// <summary>Computes <c>Σ_b X[i, b]·eq(z_b, b)</c> for every padded feature <c>i</c>.</summary>
    private static E[] BatchCombine(Goldilocks[] x, E[] eqBatch)
    {
        var result = new E[x.Length / eqBatch.Length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = Ext2Kernels.DotBase(eqBatch, x.AsSpan(i * eqBatch.Length, eqBatch.Length));
        }

        return result;
    }
}
