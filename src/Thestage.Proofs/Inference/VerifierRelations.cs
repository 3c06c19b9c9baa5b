using E = Thestage.Proofs.Fields.GoldilocksExt2;
using Thestage.Models;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Inference;

/// <summary>
/// The verifier's side of the layer relations (see <see cref="ProverRelations"/>). Every method returns
/// <see langword="false"/> (or null) on the first inconsistency; the residual segment claims are collected for
/// the batched openings.
/// </summary>
/// <remarks>
/// Relations, at a random point <c>z</c> of a requantized output <c>q</c> with remainder <c>r</c> and shift <c>s</c>:
/// <c>Ãcc(z) = 2^s·q̃(z) + r̃(z) − h</c>, where <c>Ãcc</c> is reduced by Thaler's matrix-multiplication sumcheck (Dense,
/// Conv2d on the im2col matrix, with the bias times the valid-entry mask), by a gather sumcheck against the
/// verifier-computed im2col/pooling selector (Conv2d, AvgPool2d), or by <c>Σ eq(z,x)·x(x)²</c> (Square). ReLU outputs
/// are <c>x·e</c> with <c>e</c> the sign limb, reduced by <c>Σ eq(z,x)·x(x)·e(x)</c>. Committed tensors are
/// <c>x = l0 + 2^8·l1 + 2^15·(e − 1)</c>, with <c>l0, l1, e</c> range-checked by logUp, so every activation is an int16 and
/// every remainder lies in <c>[0, 2^s)</c>; hence the field identities are the integer semantics of
/// <see cref="QuantizedModel"/>. Each identity is a Schwartz–Zippel check at a random point (error <c>v/|F|</c>).
/// </remarks>
internal sealed class VerifierRelations
{
    private readonly CircuitPlan _plan;
    private readonly Transcript _transcript;
    private readonly ProofCursor<E> _cursor;
    private readonly Goldilocks[][] _public;

    public VerifierRelations(CircuitPlan plan, Transcript transcript, ProofCursor<E> cursor, Goldilocks[][] publicTensors)
    {
        _plan = plan;
        _transcript = transcript;
        _cursor = cursor;
        _public = publicTensors;
    }

    public List<SegmentClaim<E>> AdviceClaims { get; } = [];

    public List<SegmentClaim<E>> WeightClaims { get; } = [];

    public static E Recompose(ReadOnlySpan<E> limbs) =>
        limbs[0] + limbs[1].MultiplyByBase(new Goldilocks(256)) + (limbs[2] - E.One).MultiplyByBase(new Goldilocks(32768));

    public static E Accumulator(int shift, E value, ReadOnlySpan<E> remainders)
    {
        E result = value.MultiplyByBase(new Goldilocks(1UL << shift)) - E.FromBase(new Goldilocks((ulong)FixedPoint.Offset(shift)));
        for (int i = 0; i < remainders.Length; i++)
        {
            result += remainders[i].MultiplyByBase(new Goldilocks(1UL << (8 * i)));
        }

        return result;
    }

    /// <summary>The weights <c>1, ρ, ρ², …</c> that combine the <paramref name="count"/> offsets of a pooling window into one gather.</summary>
    public static E[] WindowWeights(E rho, int count)
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
    public static E Mask(CircuitPlan plan, int tensor, ReadOnlySpan<E> zSpatial, ReadOnlySpan<E> zBatch)
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

    public bool VerifyLayers()
    {
        for (int l = _plan.Layers.Length - 1; l >= 0; l--)
        {
            if (_plan.Layers[l].Requantizes)
            {
                if (!VerifyRequantization(l))
                {
                    return false;
                }
            }
            else if (_plan.Layers[l].Kind == LayerKind.MaxPool2d)
            {
                if (!VerifyMaximum(l))
                {
                    return false;
                }
            }
            else if (_plan.Layers[l].Kind == LayerKind.Relu && _plan.Kinds[l + 1] == TensorKind.Public)
            {
                E[] z = _transcript.Challenges<E>(InferenceTranscript.RelationPoint, _plan.Layouts[l + 1].LogSize);
                if (!VerifyRelu(l, z, MatrixMultiplicationSumcheck.EvaluateMatrix(_public[l + 1], (ReadOnlySpan<E>)z)))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private SumcheckVerification<E>? Sumcheck(E claim, int variables, int degree)
    {
        if (!_cursor.TryNextSumcheck(out SumcheckProof<E>? proof))
        {
            return null;
        }

        SumcheckVerification<E> result = SumcheckVerifier.Verify(_transcript, claim, variables, degree, proof);
        return result.IsValid ? result : null;
    }

    /// <summary>Checks a claim <c>X̃_t(z) = claim</c>, reducing it to public data or committed segments.</summary>
    private bool Check(int tensor, E[] z, E claim)
    {
        int source = _plan.Source[tensor];
        switch (_plan.Kinds[source])
        {
            case TensorKind.Committed:
                if (!_cursor.TryReceive(_transcript, InferenceTranscript.Limbs, 3, out E[] limbs))
                {
                    return false;
                }

                (int l0, int l1, int e) = _plan.Limbs[source];
                AdviceClaims.Add(new(l0, z, limbs[0]));
                AdviceClaims.Add(new(l1, z, limbs[1]));
                AdviceClaims.Add(new(e, z, limbs[2]));
                return Recompose(limbs) == claim;
            case TensorKind.Virtual:
                return VerifyRelu(source - 1, z, claim);
            default:
                return MatrixMultiplicationSumcheck.EvaluateMatrix(_public[source], (ReadOnlySpan<E>)z) == claim;
        }
    }

    private bool VerifyRelu(int layer, E[] z, E claim)
    {
        int input = _plan.Source[layer];
        SumcheckVerification<E>? result = Sumcheck(claim, z.Length, 3);
        if (result is null || result.FactorEvaluations[0] != EqPolynomial.Evaluate(z, result.Point))
        {
            return false;
        }

        E[] s = result.Point.ToArray();
        AdviceClaims.Add(new(_plan.Limbs[input].E, s, result.FactorEvaluations[2]));
        return Check(layer, s, result.FactorEvaluations[1]);
    }

    /// <summary>The value of a layer's output at <paramref name="z"/>: from its limbs when committed (claims recorded), else the public tensor.</summary>
    private bool TryValue(int tensor, E[] z, out E value)
    {
        value = E.Zero;
        if (_plan.Kinds[_plan.Source[tensor]] != TensorKind.Committed)
        {
            value = MatrixMultiplicationSumcheck.EvaluateMatrix(_public[tensor], (ReadOnlySpan<E>)z);
            return true;
        }

        if (!_cursor.TryReceive(_transcript, InferenceTranscript.Limbs, 3, out E[] limbs))
        {
            return false;
        }

        (int l0, int l1, int e) = _plan.Limbs[_plan.Source[tensor]];
        AdviceClaims.Add(new(l0, z, limbs[0]));
        AdviceClaims.Add(new(l1, z, limbs[1]));
        AdviceClaims.Add(new(e, z, limbs[2]));
        value = Recompose(limbs);
        return true;
    }

    /// <summary>
    /// MaxPool2d (see <see cref="ProverRelations"/>): the zero-check <c>Σ eq(z, x)·Π_j d_j(x) = 0</c> (degree area + 1), each
    /// <c>d_j(s) = l0_j(s) + 2^8·l1_j(s)</c> with the limbs range-checked to 8 bits, and <c>Σ_j ρ^j·(m(s) − d_j(s))</c> reduced
    /// by the gather against the window selector. As integers <c>m − x_j ∈ (−2^16, 2^16)</c> (both int16), so a range-checked
    /// <c>d_j</c> is <c>m − x_j ≥ 0</c> exactly; a vanishing product makes <c>m</c> one of its inputs: <c>m</c> is their maximum.
    /// </summary>
    private bool VerifyMaximum(int l)
    {
        TensorLayout outLayout = _plan.Layouts[l + 1];
        (int L0, int L1)[] limbs = _plan.Differences[l];
        E[] z = _transcript.Challenges<E>(InferenceTranscript.RelationPoint, outLayout.LogSize);
        SumcheckVerification<E>? result = Sumcheck(E.Zero, z.Length, limbs.Length + 1);
        if (result is null || result.FactorEvaluations[0] != EqPolynomial.Evaluate(z, result.Point)
            || !_cursor.TryReceive(_transcript, InferenceTranscript.DifferenceLimbs, 2 * limbs.Length, out E[] values))
        {
            return false;
        }

        E[] s = result.Point.ToArray();
        for (int j = 0; j < limbs.Length; j++)
        {
            AdviceClaims.Add(new(limbs[j].L0, s, values[2 * j]));
            AdviceClaims.Add(new(limbs[j].L1, s, values[(2 * j) + 1]));
            if (result.FactorEvaluations[j + 1] != values[2 * j] + values[(2 * j) + 1].MultiplyByBase(new Goldilocks(256)))
            {
                return false;
            }
        }

        if (!TryValue(l + 1, s, out E maximum))
        {
            return false;
        }

        E[] weights = WindowWeights(_transcript.Challenge<E>(InferenceTranscript.WindowCombination), limbs.Length);
        E claim = E.Zero;
        for (int j = 0; j < limbs.Length; j++)
        {
            claim += weights[j] * (maximum - result.FactorEvaluations[j + 1]);
        }

        return VerifyGather(l, s[..outLayout.LogFeatures], s[outLayout.LogFeatures..], claim, weights);
    }

    private bool VerifyRequantization(int l)
    {
        CircuitLayer layer = _plan.Layers[l];
        TensorLayout outLayout = _plan.Layouts[l + 1];
        E[] z = _transcript.Challenges<E>(InferenceTranscript.RelationPoint, outLayout.LogSize);
        if (!TryValue(l + 1, z, out E value))
        {
            return false;
        }

        int[] limbSegments = _plan.Remainders[l];
        if (!_cursor.TryReceive(_transcript, InferenceTranscript.RemainderLimbs, limbSegments.Length, out E[] remainders))
        {
            return false;
        }

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
                return VerifyLinear(l, z, zBatch, accumulator);
            case LayerKind.AvgPool2d:
                return VerifyGather(l, z[..outLayout.LogFeatures], zBatch, accumulator);
            default:
                SumcheckVerification<E>? result = Sumcheck(accumulator, z.Length, 3);
                return result is not null
                    && result.FactorEvaluations[0] == EqPolynomial.Evaluate(z, result.Point)
                    && result.FactorEvaluations[1] == result.FactorEvaluations[2]
                    && Check(l, result.Point.ToArray(), result.FactorEvaluations[1]);
        }
    }

    private bool VerifyLinear(int l, E[] z, E[] zBatch, E accumulator)
    {
        CircuitLayer layer = _plan.Layers[l];
        TensorLayout outLayout = _plan.Layouts[l + 1];
        (int weightSegment, int biasSegment, int logRows, int logColumns) = _plan.WeightSegments[l];
        E[] zRows = z[..logRows];
        if (!_cursor.TryReceive(_transcript, InferenceTranscript.Bias, 1, out E[] bias))
        {
            return false;
        }

        WeightClaims.Add(new(biasSegment, zRows, bias[0]));
        E[] zSpatial = z[logRows..outLayout.LogFeatures];
        E claim = accumulator - (bias[0] * Mask(_plan, l + 1, zSpatial, zBatch));
        SumcheckVerification<E>? result = Sumcheck(claim, logColumns, 2);
        if (result is null)
        {
            return false;
        }

        E[] s = result.Point.ToArray();
        WeightClaims.Add(new(weightSegment, [.. zRows, .. s], result.FactorEvaluations[0]));
        return layer.Kind == LayerKind.Dense
            ? Check(l, [.. s, .. zBatch], result.FactorEvaluations[1])
            : VerifyGather(l, [.. s, .. zSpatial], zBatch, result.FactorEvaluations[1]);
    }

    private bool VerifyGather(int l, E[] rowPoint, E[] zBatch, E claim, E[]? tapWeights = null)
    {
        (int[] rows, int[] inputs, _) = _plan.Taps[l];
        TensorLayout inLayout = _plan.Layouts[l];
        SumcheckVerification<E>? result = Sumcheck(claim, inLayout.LogSize, 2);
        if (result is null)
        {
            return false;
        }

        ReadOnlySpan<E> point = result.Point;
        E[] eqRows = EqPolynomial.Table<E>(rowPoint);
        E[] eqInputs = EqPolynomial.Table(point[..inLayout.LogFeatures]);
        E selector = E.Zero;
        for (int j = 0; j < rows.Length; j++)
        {
            E tap = eqRows[rows[j]] * eqInputs[inputs[j]];
            selector += tapWeights is null ? tap : tap * tapWeights[j % tapWeights.Length];
        }

        E expected = selector * EqPolynomial.Evaluate<E>(zBatch, point[inLayout.LogFeatures..]);
        return result.FactorEvaluations[1] == expected && Check(l, point.ToArray(), result.FactorEvaluations[0]);
    }
}
