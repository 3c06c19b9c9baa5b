using Thestage.Proofs.Fields;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Sumcheck;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Inference;

/// <summary>The zero-knowledge relations of <c>TSIP</c> v3: each layer one zero-check with a public claimed sum (<see cref="ZeroKnowledgeLayout"/>).</summary>
internal sealed partial class LayerRelations
{
    /// <summary>
    /// Gets or sets the hidden weights of a <c>TSMC</c> v7 commitment (<see cref="WeightMaskLayout"/>): the mask set this proof reads
    /// (its weight openings' set) and, for the prover, the committed weight polynomials holding the masks. With it, each weight and bias
    /// factor of a zero-check is a masked extension, and its claim a masked claim on the set's mask segment; <see langword="null"/>: plain.
    /// </summary>
    public (WeightMaskLayout Layout, int Set, Goldilocks[][]? Polynomials)? WeightMasks { get; set; }

    /// <summary>
    /// Gets or sets the private input's masks (a private-input proof over a <c>TSIC</c> v2 commitment): its layout, the mask set this proof
    /// reads (its input opening's set) and, for the prover, the committed input polynomial. The zero-check that reads the input
    /// (<see cref="ZeroCheckSource.Input"/>) reads it through the set's <see cref="InputLayout.RelationMask"/>, its claim a masked claim in
    /// <see cref="InputClaims"/>.
    /// </summary>
    public (InputLayout Layout, int Set, Goldilocks[]? Polynomial)? InputMasks { get; set; }

    /// <summary>
    /// Runs every zero-check of <see cref="ZeroKnowledgeLayout.Checks"/>: draws its point <c>z</c>, proves or verifies the masked sumcheck of
    /// its terms against its public sum, checks its public factors (<c>eq</c>, public tensors, the valid-sample indicator) at the
    /// sumcheck's point, and records its weight claims (plain) and its witness claims (masked, each with its own mask segment).
    /// </summary>
    private void RunZeroKnowledge()
    {
        ZeroKnowledgeLayout layout = _zeroKnowledge!;
        var usedMasks = new HashSet<int>();
        for (int c = 0; c < layout.Checks.Length; c++)
        {
            ZeroCheck check = layout.Checks[c];
            E[]? powers = check.Window > 0 ? WindowWeights(_transcript.Challenge<E>(InferenceTranscript.WindowCombination), 2 * check.Window) : null;
            E[] z = _transcript.Challenges<E>(InferenceTranscript.RelationPoint, check.PointVariables);
            E sum = check.ConstantSum + (check.SumTensor >= 0 ? Evaluate(_tensors[check.SumTensor], z) : E.Zero);
            (E[] r, E[] values) = ZeroCheckSumcheck(c, z, sum, powers);
            for (int k = 0; k < check.Factors.Length; k++)
            {
                ZeroCheckFactor factor = check.Factors[k];
                E[] own = factor.OwnPoint(r);
                switch (factor.Source)
                {
                    case ZeroCheckSource.Weight when WeightMasks is { } hidden:
                        // One claim per mask: each weight and bias segment is read by its layer's zero-check only (asserted as for the witness).
                        int weightMask = hidden.Layout.MaskOf(hidden.Set, factor.Index);
                        if (!usedMasks.Add(-1 - weightMask))
                        {
                            throw new InvalidOperationException($"Weight mask segment {weightMask} would receive a second claim.");
                        }

                        WeightClaims.Add(new(factor.Index, own, values[k], weightMask, r));
                        break;
                    case ZeroCheckSource.Weight:
                        WeightClaims.Add(new(factor.Index, own, values[k]));
                        break;
                    case ZeroCheckSource.Witness when factor.Copy == 0:
                        // A mask hides its one claim (MaskedExtension.MaxClaims(V) = V ≥ 1); a second claim on it would be a layout error.
                        int mask = layout.MaskOf(c, factor.Index);
                        if (!usedMasks.Add(mask))
                        {
                            throw new InvalidOperationException($"Mask segment {mask} would receive a second claim.");
                        }

                        AdviceClaims.Add(new(factor.Index, own, values[k], mask, r));
                        break;
                    case ZeroCheckSource.Input when factor.Copy == 0:
                        // The input's one claim (ZeroKnowledgeLayout.TryCreate: one zero-check reads it) on the set's relation mask.
                        InputClaims.Add(new(InputLayout.TensorSegment, own, values[k], InputMasks!.Value.Layout.RelationMask(InputMasks.Value.Set), r));
                        break;
                    case ZeroCheckSource.Witness or ZeroCheckSource.Input:
                        int first = Array.FindIndex(check.Factors, f => f.Source == factor.Source && f.Index == factor.Index && f.Copy == 0);
                        Require(values[k] == values[first], check.Layer);
                        break;
                    default:
                        if (!Proving)
                        {
                            E expected = factor.Source switch
                            {
                                ZeroCheckSource.Eq => EqPolynomial.Evaluate<E>(z, own),
                                ZeroCheckSource.Public => Evaluate(_tensors[factor.Index], own),
                                ZeroCheckSource.PublicSquare => Evaluate(Array.ConvertAll(_tensors[factor.Index], x => x * x), own),
                                _ => ZeroKnowledgeLayout.EvaluateStructure(_plan, factor, z, powers, own),
                            };
                            Require(values[k] == expected, check.Layer);
                        }

                        break;
                }
            }
        }
    }

    /// <summary>Proves (from the factors' own tables and the committed masks, <see cref="SumcheckProver.ProveMaskedContraction{T}"/>) or verifies a zero-check's masked sumcheck, returning its point and factor evaluations.</summary>
    private (E[] Point, E[] Values) ZeroCheckSumcheck(int c, E[] z, E sum, E[]? powers)
    {
        ZeroCheck check = _zeroKnowledge!.Checks[c];
        if (Proving)
        {
            var tables = new E[check.Factors.Length][];
            var masks = new E[]?[check.Factors.Length];
            for (int k = 0; k < tables.Length; k++)
            {
                ZeroCheckFactor factor = check.Factors[k];
                tables[k] = OwnTable(factor, z, powers);
                if (factor.Source == ZeroCheckSource.Witness)
                {
                    masks[k] = MaskedExtension.Read<E>(_segments![_zeroKnowledge.MaskOf(c, factor.Index)], check.NumVariables);
                }
                else if (factor.Source == ZeroCheckSource.Input)
                {
                    (InputLayout input, int set, Goldilocks[]? polynomial) = InputMasks!.Value;
                    masks[k] = MaskedExtension.Read<E>(polynomial.AsSpan(input.Segments.OffsetOf(input.RelationMask(set)), InputLayout.MaskEntries), check.NumVariables);
                }
                else if (factor.Source == ZeroCheckSource.Weight && WeightMasks is { } hidden)
                {
                    masks[k] = hidden.Layout.Read<E>(hidden.Polynomials!, hidden.Layout.MaskOf(hidden.Set, factor.Index), check.NumVariables);
                }
            }

            SumcheckProverOutput<E> output = SumcheckProver.ProveMaskedContraction(
                _transcript, sum, check.NumVariables, tables, Array.ConvertAll(check.Factors, f => f.Variables), masks, check.TermsAt(powers), _builder!.Masks!);
            foreach (E[]? secret in masks.Concat(tables))
            {
                Array.Clear(secret ?? []);
            }

            _builder.AddSumcheck(output.Proof);
            return (output.Point.ToArray(), output.Proof.FactorEvaluations.ToArray());
        }

        if (_cursor!.Masks is null || !_cursor.TryNextSumcheck(out SumcheckProof<E>? proof))
        {
            ProofVerdict.Throw(RejectionReason.Format, Name(check.Layer));
            return default;
        }

        SumcheckVerification<E> result = SumcheckVerifier.Verify(_transcript, sum, check.NumVariables, check.MaskedWith(WeightMasks is not null), check.TermsAt(powers), proof, _cursor.Masks);
        ProofVerdict.Require(result, RejectionReason.Relation, Name(check.Layer));
        return (result.Point.ToArray(), result.FactorEvaluations.ToArray());
    }

    /// <summary>
    /// A factor's own table: <c>eq(z, ·)</c>, a weight, witness or public table, a public tensor squared, a gather selector, or the valid-sample
    /// (and valid-position) indicator.
    /// </summary>
    private E[] OwnTable(ZeroCheckFactor factor, E[] z, E[]? powers)
    {
        switch (factor.Source)
        {
            case ZeroCheckSource.Eq:
                return EqPolynomial.Table<E>(z);
            case ZeroCheckSource.Weight:
                return Lift(_weights![factor.Index]);
            case ZeroCheckSource.Witness:
                return Lift(_segments![factor.Index]);
            case ZeroCheckSource.Public or ZeroCheckSource.Input:
                return Lift(_tensors[factor.Index]);
            case ZeroCheckSource.PublicSquare:
                return Array.ConvertAll(_tensors[factor.Index], x => E.FromBase(x * x));
            default:
                return ZeroKnowledgeLayout.StructureTable(_plan, factor, z, powers);
        }
    }
}
