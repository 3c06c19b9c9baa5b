using E = Thestage.Proofs.Fields.GoldilocksExt2;
using Thestage.Models;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Inference;

/// <summary>
/// The layer relations of an inference proof, written once for both roles (as <see cref="Training.StepRelations"/> are for a
/// training step): with a witness it proves (computing every message and recording it), without one it verifies (reading the
/// same messages in the same order and checking them). Every check that fails throws <see cref="ProofRejectedException"/>
/// naming the layer whose relation failed, which the verifier turns into its <see cref="ProofVerdict"/>; on the prover's side the checks hold by construction. Each requantizing layer
/// is checked at a fresh random point of its output, and claims on its input are reduced backwards through virtual (ReLU)
/// tensors until they land on the public input or on committed witness segments; the residual segment claims are collected
/// for the batched openings.
/// </summary>
/// <remarks>
/// Relations, at a random point <c>z</c> of a requantized output <c>q</c> with remainder <c>r</c> and shift <c>s</c>:
/// <c>Ãcc(z) = 2^s·q̃(z) + r̃(z) − h</c>, where <c>Ãcc</c> is reduced by Thaler's matrix-multiplication sumcheck (Dense,
/// Conv2d on the im2col matrix, with the bias times the valid-entry mask), by a gather sumcheck against the
/// verifier-computed im2col/pooling selector (Conv2d, AvgPool2d), or by <c>Σ eq(z,x)·x(x)²</c> (Square). ReLU outputs
/// are <c>x·e</c> with <c>e</c> the sign limb, reduced by <c>Σ eq(z,x)·x(x)·e(x)</c>. Committed tensors are
/// <c>x = l0 + 2^8·l1 + 2^15·(e − 1)</c> when a ReLU reads them, else <c>x = l0 + 2^8·l1 − 2^15</c> (two 8-bit limbs), with
/// the limbs range-checked by logUp, so every activation is an int16 and
/// every remainder lies in <c>[0, 2^s)</c>; hence the field identities are the integer semantics of
/// <see cref="QuantizedModel"/>. Each identity is a Schwartz–Zippel check at a random point (error <c>v/|F|</c>).
/// </remarks>
internal sealed partial class LayerRelations
{
    private readonly CircuitPlan _plan;
    private readonly Transcript _transcript;
    private readonly Goldilocks[][] _tensors;
    private readonly InferenceWitness? _witness;
    private readonly Goldilocks[][]? _weights;
    private readonly ProofBuilder<E>? _builder;
    private readonly ProofCursor<E>? _cursor;
    private readonly ZeroKnowledgeLayout? _zeroKnowledge;
    private readonly Goldilocks[][]? _segments;

    private LayerRelations(
        CircuitPlan plan, Transcript transcript, Goldilocks[][] tensors, InferenceWitness? witness, Goldilocks[][]? weights, ProofBuilder<E>? builder, ProofCursor<E>? cursor,
        ZeroKnowledgeLayout? zeroKnowledge = null, Goldilocks[][]? segments = null)
    {
        _zeroKnowledge = zeroKnowledge;
        _segments = segments;
        _plan = plan;
        _transcript = transcript;
        _tensors = tensors;
        _witness = witness;
        _weights = weights;
        _builder = builder;
        _cursor = cursor;
    }

    /// <summary>Gets the claims on the committed witness segments.</summary>
    public List<SegmentClaim<E>> AdviceClaims { get; } = [];

    /// <summary>Gets the claims on the committed weight segments.</summary>
    public List<SegmentClaim<E>> WeightClaims { get; } = [];

    /// <summary>
    /// Gets the claims <c>X̃(point) = value</c> on the input tensor of a private-input proof (<see cref="PrivateInput"/>), left for the
    /// input commitment's opening instead of being evaluated.
    /// </summary>
    public List<SegmentClaim<E>> InputClaims { get; } = [];

    /// <summary>Gets a value indicating whether the input is committed by its owner rather than public: claims on it are collected in <see cref="InputClaims"/>.</summary>
    public bool PrivateInput { get; private init; }

    private bool Proving => _witness is not null;

    /// <summary>The prover's relations over a witness and the model's weight segments.</summary>
    /// <remarks>
    /// With <paramref name="zeroKnowledgeSegments"/> (the segments of <see cref="CircuitPlan.ZeroKnowledge"/>'s layout, or with a private input of
    /// <see cref="CircuitPlan.PrivateInputZeroKnowledge"/>'s: the witness segments, their masks, the random segment) the relations are the
    /// zero-checks of <c>TSIP</c> v3 (<see cref="RunZeroKnowledge"/>; a private input's claims masked by <see cref="InputMasks"/>).
    /// </remarks>
    public static LayerRelations ForProver(
        CircuitPlan plan, Transcript transcript, ProofBuilder<E> builder, InferenceWitness witness, Goldilocks[][] weightSegments, bool privateInput = false, Goldilocks[][]? zeroKnowledgeSegments = null) =>
        new(plan, transcript, witness.FieldTensors, witness, weightSegments, builder, null, zeroKnowledgeSegments is null ? null : privateInput ? plan.PrivateInputZeroKnowledge : plan.ZeroKnowledge, zeroKnowledgeSegments) { PrivateInput = privateInput };

    /// <summary>The verifier's relations over the padded public tensors (the input at 0, the output at its source index); the zero-checks of <c>TSIP</c> v3 with <paramref name="zeroKnowledge"/>.</summary>
    public static LayerRelations ForVerifier(CircuitPlan plan, Transcript transcript, ProofCursor<E> cursor, Goldilocks[][] publicTensors, bool privateInput = false, bool zeroKnowledge = false) =>
        new(plan, transcript, publicTensors, null, null, null, cursor, zeroKnowledge ? (privateInput ? plan.PrivateInputZeroKnowledge : plan.ZeroKnowledge) ?? throw new ArgumentException("The plan has no zero-knowledge relations.", nameof(zeroKnowledge)) : null) { PrivateInput = privateInput };

    /// <summary>The value <c>x</c> of limbs <c>(l0, l1, e)</c>, <c>x = l0 + 2^8·l1 + 2^15·(e − 1)</c>, or <c>(l0, l1)</c>, <c>x = l0 + 2^8·l1 − 2^15</c>.</summary>
    public static E Recompose(ReadOnlySpan<E> limbs)
    {
        E value = limbs[0] + limbs[1].MultiplyByBase(new Goldilocks(256)) - E.FromBase(new Goldilocks(32768));
        return limbs.Length == 3 ? value + limbs[2].MultiplyByBase(new Goldilocks(32768)) : value;
    }

    /// <summary>Runs every layer's relations, from the output back to the input, collecting the claims for the openings.</summary>
    public void Run()
    {
        if (_zeroKnowledge is not null)
        {
            RunZeroKnowledge();
            return;
        }

        for (int l = _plan.Layers.Length - 1; l >= 0; l--)
        {
            if (_plan.Layers[l].Requantizes)
            {
                Requantization(l);
            }
            else if (_plan.Layers[l].Kind == LayerKind.MaxPool2d)
            {
                Maximum(l);
            }
            else if (_plan.Layers[l].Kind == LayerKind.Relu && _plan.Kinds[l + 1] == TensorKind.Public)
            {
                E[] z = _transcript.Challenges<E>(InferenceTranscript.RelationPoint, _plan.Layouts[l + 1].LogSize);
                Relu(l, z, Evaluate(_tensors[l + 1], z));
            }
        }
    }

    private static E Accumulator(int shift, E value, ReadOnlySpan<E> remainders)
    {
        E result = value.MultiplyByBase(new Goldilocks(1UL << shift)) - E.FromBase(new Goldilocks((ulong)FixedPoint.Offset(shift)));
        for (int i = 0; i < remainders.Length; i++)
        {
            result += remainders[i].MultiplyByBase(new Goldilocks(1UL << (8 * i)));
        }

        return result;
    }

    /// <summary>The weights <c>1, ρ, ρ², …</c> that combine the <paramref name="count"/> offsets of a pooling window into one gather.</summary>
    private static E[] WindowWeights(E rho, int count)
    {
        var weights = new E[count];
        weights[0] = E.One;
        for (int j = 1; j < count; j++)
        {
            weights[j] = weights[j - 1] * rho;
        }

        return weights;
    }

    /// <summary>The multilinear extension of the valid-entry mask (spatial position &lt; S and sample &lt; B) at a point.</summary>
    private static E Mask(CircuitPlan plan, int tensor, ReadOnlySpan<E> zSpatial, ReadOnlySpan<E> zBatch)
    {
        E[] eqSpatial = EqPolynomial.Table(zSpatial);
        E[] eqBatch = EqPolynomial.Table(zBatch);
        E spatial = E.Zero, batch = E.Zero;
        for (int s = 0; s < plan.Layouts[tensor].Spatial; s++)
        {
            spatial += eqSpatial[s];
        }

        for (int b = 0; b < plan.Batch; b++)
        {
            batch += eqBatch[b];
        }

        return spatial * batch;
    }

    /// <summary>Checks a claim <c>X̃(z) = claim</c> on the input of <paramref name="layer"/>, reducing it to public data or committed segments.</summary>
    private void Check(int layer, E[] z, E claim)
    {
        int source = _plan.Source[layer];
        switch (_plan.Kinds[source])
        {
            case TensorKind.Committed:
                Require(Limbs(source, z) == claim, layer);
                break;
            case TensorKind.Virtual:
                Relu(source - 1, z, claim);
                break;
            case TensorKind.Input when PrivateInput:
                InputClaims.Add(new(InputLayout.TensorSegment, z, claim));
                break;
            default:
                Require(Evaluate(_tensors[source], z) == claim, layer);
                break;
        }
    }

    /// <summary>The value of a layer's output at <paramref name="z"/>: from its limbs when committed (claims recorded), else the public tensor.</summary>
    private E Value(int tensor, E[] z) =>
        _plan.Kinds[_plan.Source[tensor]] == TensorKind.Committed ? Limbs(_plan.Source[tensor], z) : Evaluate(_tensors[tensor], z);

    /// <summary>Sends or receives the limbs of a committed tensor at <paramref name="z"/>, records their claims and recomposes the value.</summary>
    private E Limbs(int tensor, E[] z)
    {
        int[] segments = _plan.LimbSegments(tensor);
        E[] limbs = Receive(InferenceTranscript.Limbs, segments.Length, () => Array.ConvertAll(segments, segment => Evaluate(_witness!.Advice[segment], z)));
        for (int i = 0; i < segments.Length; i++)
        {
            AdviceClaims.Add(new(segments[i], z, limbs[i]));
        }

        return Recompose(limbs);
    }

    /// <summary>ReLU: <c>X̃_(l+1)(z) = Σ_x eq(z, x)·X_l(x)·e(x)</c> with <c>e</c> the sign limb of the input.</summary>
    private void Relu(int layer, E[] z, E claim)
    {
        int input = _plan.Source[layer];
        int signs = _plan.Limbs[input].E;
        (E[] s, E[] values) = Sumcheck(layer, claim, z.Length, 3, () => [EqPolynomial.Table<E>(z), Lift(_witness!.FieldTensors[input]), Lift(_witness!.Advice[signs])]);
        Require(values[0] == EqPolynomial.Evaluate<E>(z, s), layer);
        AdviceClaims.Add(new(signs, s, values[2]));
        Check(layer, s, values[1]);
    }

    private void Requantization(int l)
    {
        CircuitLayer layer = _plan.Layers[l];
        TensorLayout outLayout = _plan.Layouts[l + 1];
        E[] z = _transcript.Challenges<E>(InferenceTranscript.RelationPoint, outLayout.LogSize);
        E value = Value(l + 1, z);
        int[] limbSegments = _plan.Remainders[l];
        E[] remainders = Receive(InferenceTranscript.RemainderLimbs, limbSegments.Length, () => limbSegments.Select(seg => Evaluate(_witness!.Advice[seg], z)).ToArray());
        for (int i = 0; i < limbSegments.Length; i++)
        {
            AdviceClaims.Add(new(limbSegments[i], z, remainders[i]));
        }

        E accumulator = Accumulator(layer.Shift, value, remainders);
        E[] zBatch = z[outLayout.LogFeatures..];
        switch (layer.Kind)
        {
            case LayerKind.Dense:
            case LayerKind.Conv2d:
                Linear(l, z, zBatch, accumulator);
                break;
            case LayerKind.AvgPool2d:
                Gather(l, z[..outLayout.LogFeatures], zBatch, accumulator);
                break;
            default:
                // Square: Σ_x eq(z, x)·x(x)².
                (E[] s, E[] values) = Sumcheck(l, accumulator, z.Length, 3, () =>
                {
                    E[] x = Lift(_witness!.FieldTensors[_plan.Source[l]]);
                    return [EqPolynomial.Table<E>(z), x, (E[])x.Clone()];
                });
                Require(values[0] == EqPolynomial.Evaluate<E>(z, s) && values[1] == values[2], l);
                Check(l, s, values[1]);
                break;
        }
    }

    /// <summary>
    /// MaxPool2d: with <c>d_j = m − x_j</c> for the <c>j</c>-th input of each window, (1) <c>Σ eq(z, x)·Π_j d_j(x) = 0</c> at a random
    /// <c>z</c> (degree area + 1: every output equals one of its inputs), (2) the limbs of every <c>d_j</c> at the sumcheck's point
    /// <c>s</c>, <c>d_j(s) = l0_j(s) + 2^8·l1_j(s)</c> (range-checked to <c>[0, 2^16)</c> by logUp: every output is at least each of its
    /// inputs), (3) <c>m(s)</c> from the output, and the gather <c>Σ_j ρ^j·x_j(s) = Σ_j ρ^j·(m(s) − d_j(s))</c> for a random
    /// <c>ρ</c>, reduced to the input. As integers <c>m − x_j ∈ (−2^16, 2^16)</c> (both int16), so a range-checked <c>d_j</c> is
    /// <c>m − x_j ≥ 0</c> exactly; a vanishing product makes <c>m</c> one of its inputs: <c>m</c> is their maximum.
    /// </summary>
    private void Maximum(int l)
    {
        TensorLayout outLayout = _plan.Layouts[l + 1];
        (int L0, int L1)[] limbs = _plan.Differences[l];
        E[] z = _transcript.Challenges<E>(InferenceTranscript.RelationPoint, outLayout.LogSize);
        (E[] s, E[] differences) = Sumcheck(l, E.Zero, z.Length, limbs.Length + 1, () =>
        {
            var tables = new E[limbs.Length + 1][];
            tables[0] = EqPolynomial.Table<E>(z);
            for (int j = 0; j < limbs.Length; j++)
            {
                Goldilocks[] low = _witness!.Advice[limbs[j].L0], high = _witness.Advice[limbs[j].L1];
                var d = new E[low.Length];
                for (int i = 0; i < d.Length; i++)
                {
                    d[i] = E.FromBase(low[i] + (high[i] * new Goldilocks(256)));
                }

                tables[j + 1] = d;
            }

            return tables;
        });
        Require(differences[0] == EqPolynomial.Evaluate<E>(z, s), l);
        E[] values = Receive(InferenceTranscript.DifferenceLimbs, 2 * limbs.Length, () =>
        {
            var computed = new E[2 * limbs.Length];
            for (int j = 0; j < limbs.Length; j++)
            {
                computed[2 * j] = Evaluate(_witness!.Advice[limbs[j].L0], s);
                computed[(2 * j) + 1] = Evaluate(_witness.Advice[limbs[j].L1], s);
            }

            return computed;
        });
        for (int j = 0; j < limbs.Length; j++)
        {
            AdviceClaims.Add(new(limbs[j].L0, s, values[2 * j]));
            AdviceClaims.Add(new(limbs[j].L1, s, values[(2 * j) + 1]));
            Require(differences[j + 1] == values[2 * j] + values[(2 * j) + 1].MultiplyByBase(new Goldilocks(256)), l);
        }

        E maximum = Value(l + 1, s);
        E[] weights = WindowWeights(_transcript.Challenge<E>(InferenceTranscript.WindowCombination), limbs.Length);
        E claim = E.Zero;
        for (int j = 0; j < limbs.Length; j++)
        {
            claim += weights[j] * (maximum - differences[j + 1]);
        }

        Gather(l, s[..outLayout.LogFeatures], s[outLayout.LogFeatures..], claim, weights);
    }

    /// <summary>Dense and Conv2d: <c>Ãcc(z) − b̃(z_rows)·M̃(z) = Σ_i W̃(z_rows, i)·G̃(i)</c>, with <c>G</c> the batch-combined input (Dense) or its im2col gather (Conv2d).</summary>
    private void Linear(int l, E[] z, E[] zBatch, E accumulator)
    {
        CircuitLayer layer = _plan.Layers[l];
        TensorLayout outLayout = _plan.Layouts[l + 1];
        (int weightSegment, int biasSegment, int logRows, int logColumns) = _plan.WeightSegments[l];
        E[] zRows = z[..logRows];
        E bias = Receive(InferenceTranscript.Bias, 1, () => [Evaluate(_weights![biasSegment], zRows)])[0];
        WeightClaims.Add(new(biasSegment, zRows, bias));
        E[] zSpatial = z[logRows..outLayout.LogFeatures];
        E claim = accumulator - (bias * Mask(_plan, l + 1, zSpatial, zBatch));
        (E[] s, E[] values) = Sumcheck(l, claim, logColumns, 2, () => LinearTables(l, zRows, zSpatial, zBatch));
        WeightClaims.Add(new(weightSegment, [.. zRows, .. s], values[0]));
        if (layer.Kind == LayerKind.Dense)
        {
            Check(l, [.. s, .. zBatch], values[1]);
        }
        else
        {
            Gather(l, [.. s, .. zSpatial], zBatch, values[1]);
        }
    }

    /// <summary>The prover's two factors of <see cref="Linear"/>: <c>Σ_o eq(z_rows, o)·W[o, ·]</c> and the (gathered) batch-combined input.</summary>
    private E[][] LinearTables(int l, E[] zRows, E[] zSpatial, E[] zBatch)
    {
        TensorLayout outLayout = _plan.Layouts[l + 1];
        (int weightSegment, _, _, int logColumns) = _plan.WeightSegments[l];
        E[] eqRows = EqPolynomial.Table<E>(zRows);
        E[] eqBatch = EqPolynomial.Table<E>(zBatch);
        Goldilocks[] w = _weights![weightSegment];
        int columns = 1 << logColumns;
        var f = new E[columns];
        for (int o = 0; o < eqRows.Length; o++)
        {
            Ext2Kernels.AddScaledBase(f, eqRows[o], w.AsSpan(o * columns, columns));
        }

        E[] batched = BatchCombine(_witness!.FieldTensors[_plan.Source[l]], eqBatch);
        if (_plan.Layers[l].Kind == LayerKind.Dense)
        {
            return [f, batched];
        }

        (int[] rows, int[] inputs, _) = _plan.Taps[l];
        E[] eqSpatial = EqPolynomial.Table<E>(zSpatial);
        var g = new E[columns];
        for (int j = 0; j < rows.Length; j++)
        {
            g[rows[j] >> outLayout.LogSpatial] += eqSpatial[rows[j] & (outLayout.SpatialPadded - 1)] * batched[inputs[j]];
        }

        return [f, g];
    }

    /// <summary>
    /// Reduces a claim on a gathered tensor (tap <c>t</c> weighted by <c>tapWeights[t mod count]</c>, or 1) to a claim on the input:
    /// <c>claim = Σ_x X̃(x)·Sel(x)</c> with the selector <c>Sel(i, b) = Σ_taps eq(rowPoint, row)·[input = i]·eq(z_batch, b)</c>, which the
    /// verifier evaluates itself at the sumcheck's point.
    /// </summary>
    private void Gather(int l, E[] rowPoint, E[] zBatch, E claim, E[]? tapWeights = null)
    {
        (int[] rows, int[] inputs, _) = _plan.Taps[l];
        TensorLayout inLayout = _plan.Layouts[l];

        // The selector summed per input first: one addition per tap and one multiplication per input feature
        // (LeNet-5's convolutions: 357,600 taps, 3,072 inputs).
        E[] eqRows = EqPolynomial.Table<E>(rowPoint);
        var perInput = new E[inLayout.FeaturesPadded];
        for (int j = 0; j < rows.Length; j++)
        {
            perInput[inputs[j]] += tapWeights is null ? eqRows[rows[j]] : eqRows[rows[j]] * tapWeights[j % tapWeights.Length];
        }

        (E[] s, E[] values) = Sumcheck(l, claim, inLayout.LogSize, 2, () =>
        {
            E[] eqBatch = EqPolynomial.Table<E>(zBatch);
            var h = new E[inLayout.Size];
            for (int i = 0; i < perInput.Length; i++)
            {
                for (int b = 0; b < eqBatch.Length; b++)
                {
                    h[(i * eqBatch.Length) + b] = perInput[i] * eqBatch[b];
                }
            }

            return [Lift(_witness!.FieldTensors[_plan.Source[l]]), h];
        });
        if (!Proving)
        {
            E[] eqInputs = EqPolynomial.Table<E>(s.AsSpan(0, inLayout.LogFeatures));
            E selector = E.Zero;
            for (int i = 0; i < perInput.Length; i++)
            {
                selector += perInput[i] * eqInputs[i];
            }

            Require(values[1] == selector * EqPolynomial.Evaluate<E>(zBatch, s.AsSpan(inLayout.LogFeatures)), l);
        }

        Check(l, s, values[0]);
    }

    /// <summary>Sends (prover) or receives and absorbs (verifier) <paramref name="count"/> loose values.</summary>
    private E[] Receive(string label, int count, Func<E[]> compute)
    {
        if (Proving)
        {
            E[] values = compute();
            _builder!.Send(_transcript, label, values);
            return values;
        }

        if (!_cursor!.TryReceive(_transcript, label, count, out E[] received))
        {
            ProofVerdict.Throw(RejectionReason.Format, "the values of " + label);
        }

        return received;
    }

    /// <summary>Proves (from the prover's tables) or verifies a sumcheck of <c>Σ_x Π_k f_k(x) = claim</c> of <paramref name="layer"/>'s relation, returning its point and factor evaluations.</summary>
    private (E[] Point, E[] Values) Sumcheck(int layer, E claim, int variables, int degree, Func<E[][]> tables)
    {
        if (Proving)
        {
            SumcheckProverOutput<E> output = SumcheckProver.ProveTables(_transcript, claim, tables(), _builder!.Masks);
            _builder!.AddSumcheck(output.Proof);
            return (output.Point.ToArray(), output.Proof.FactorEvaluations.ToArray());
        }

        if (!_cursor!.TryNextSumcheck(out SumcheckProof<E>? proof))
        {
            ProofVerdict.Throw(RejectionReason.Format, Name(layer));
        }

        SumcheckVerification<E> result = SumcheckVerifier.Verify(_transcript, claim, variables, degree, proof, _cursor.Masks);
        ProofVerdict.Require(result, RejectionReason.Relation, Name(layer));
        return (result.Point.ToArray(), result.FactorEvaluations.ToArray());
    }

    /// <summary>A verifier check of <paramref name="layer"/>'s relation; the prover only emits messages (a cheating prover's witness goes through unchecked).</summary>
    private void Require(bool condition, int layer)
    {
        if (!Proving && !condition)
        {
            ProofVerdict.Throw(RejectionReason.Relation, Name(layer));
        }
    }

    /// <summary>The relation's name in a rejection: <c>"layer 2 (Dense)"</c>.</summary>
    private string Name(int layer) => $"layer {layer} ({_plan.Layers[layer].Kind})";

    private static E Evaluate(Goldilocks[] table, ReadOnlySpan<E> point) => MatrixMultiplicationSumcheck.EvaluateMatrix(table, point);

    private static E[] Lift(Goldilocks[] table) => Array.ConvertAll(table, E.FromBase);

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
