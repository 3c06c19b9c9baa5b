using Thestage.Proofs.Fields;
using Thestage.Proofs.Lookups;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Transcripts;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Training;

/// <summary>The relations of a hiding run's step with hidden claims (<c>TSSP</c> v4): each one zero-check with a public sum (<see cref="StepZeroKnowledge"/>).</summary>
internal sealed partial class StepRelations
{
    /// <summary>Gets the hidden-claims layout and relations; <see langword="null"/>: the relations reveal their claims (plain runs).</summary>
    public StepZeroKnowledge? ZeroKnowledge { get; private init; }

    /// <summary>Gets the prover's segments of <see cref="StepZeroKnowledge.Layout"/> (the circuit's, the masks, the random segment).</summary>
    private Goldilocks[][]? MaskedSegments { get; init; }

    /// <summary>The prover of a hiding run's step with hidden claims.</summary>
    public static StepRelations ForProver(
        StepCircuit circuit, Transcript transcript, HiddenBatch batch, StepWitness witness, ProofBuilder<E> builder, StepZeroKnowledge zeroKnowledge, Goldilocks[][] segments) =>
        new(circuit, transcript, [], [], witness, builder, null, batch) { ZeroKnowledge = zeroKnowledge, MaskedSegments = segments };

    /// <summary>The verifier of a hiding run's step with hidden claims.</summary>
    public static StepRelations ForVerifier(StepCircuit circuit, Transcript transcript, HiddenBatch batch, ProofCursor<E> cursor, StepZeroKnowledge zeroKnowledge) =>
        new(circuit, transcript, [], [], null, null, cursor, batch) { ZeroKnowledge = zeroKnowledge };

    /// <summary>Relations with hidden claims that receive zeros and check nothing (the claim counts, <see cref="SoundnessTerms"/>, <see cref="MaskEntries"/>).</summary>
    public static StepRelations ForAccounting(StepCircuit circuit, DatasetPolynomial dataset, StepZeroKnowledge zeroKnowledge) =>
        new(circuit, new Transcript("thestage.training.step.accounting"), [], [], null, null, null, new HiddenBatch(dataset, [], null)) { ZeroKnowledge = zeroKnowledge };

    /// <summary>
    /// Runs the zero-knowledge lookup and every zero-check: draws its point <c>z</c>, proves or verifies its masked sumcheck against its
    /// public sum, checks its public factors at the sumcheck's point and records its claims — masked on the witness (each with its own
    /// mask segment), plain on the snapshots and the dataset.
    /// </summary>
    private void RunZeroKnowledge()
    {
        StepZeroKnowledge layout = ZeroKnowledge!;
        ZeroKnowledgeLookups(layout);
        var used = new HashSet<int>();
        int samples = _hidden!.Polynomial.SampleVariables;
        for (int c = 0; c < layout.Checks.Length; c++)
        {
            StepZeroCheck check = layout.Checks[c];
            _relation = check.Relation;
            E[] z = Point(check.PointVariables);
            (E[] r, E[] values) = ZeroCheckSumcheck(c, z, check.Sum(z));
            for (int k = 0; k < check.Factors.Length; k++)
            {
                StepFactor factor = check.Factors[k];
                E[] own = factor.Shape.OwnPoint(r);
                switch (factor.Source)
                {
                    case StepSource.Witness:
                        // A mask hides its one claim (MaskedExtension.MaxClaims(V) = V ≥ 1); a second claim on it would be a layout error.
                        int mask = layout.MaskOf(c, factor.Index);
                        if (!used.Add(mask))
                        {
                            throw new InvalidOperationException($"Mask segment {mask} would receive a second claim.");
                        }

                        Advice.Add(new(factor.Index, _circuit.SegmentPoint(factor.Index, own), values[k], mask, r));
                        break;
                    case StepSource.Before:
                        Before.Add(new(factor.Index, own, values[k]));
                        break;
                    case StepSource.After:
                        After.Add(new(factor.Index, own, values[k]));
                        break;
                    case StepSource.Dataset:
                        E[] column = factor.Index == DatasetPolynomial.FeatureRegion ? _hidden.Polynomial.FeaturePoint(own.AsSpan(samples)) : _hidden.Polynomial.LabelPoint(own.AsSpan(samples));
                        Dataset.Add(new(0, [.. own[..samples], .. column], values[k]));
                        break;
                    case StepSource.Eq:
                        Require(values[k] == EqPolynomial.Evaluate<E>(z[factor.ZStart..(factor.ZStart + factor.ZLength)], own));
                        break;
                    default:
                        Require(values[k] == DatasetPolynomial.SelectionAt(z.AsSpan(factor.ZStart, factor.ZLength), _hidden.Indices, own));
                        break;
                }
            }
        }
    }

    /// <summary>
    /// The range check as the zero-knowledge logUp GKR (committed multiplicities, every column read through its own masked extension,
    /// <see cref="StepZeroKnowledge.LookupMasks"/>): its column claims are masked claims on the witness, and no multiplicity claim is left.
    /// </summary>
    private void ZeroKnowledgeLookups(StepZeroKnowledge layout)
    {
        _relation = "lookup";
        LookupColumnSpec[] specs = [.. _circuit.LookupColumns.Select(c => new LookupColumnSpec(_circuit.LogSizes[c.Segment], c.Scale, 0, Masked: true))];
        LogUpClaims<E>? claims = null;
        if (Proving)
        {
            var columns = _circuit.LookupColumns.Select(c => (_witness!.Segments[c.Segment], c.Scale)).ToList();
            Goldilocks[][] masks = [.. _circuit.LookupColumns.Select((c, j) => MaskedSegments![layout.LookupMasks[j]][..MaskedExtension.Entries(_circuit.LogSizes[c.Segment])])];
            claims = LogUpArgument.Prove(
                _transcript, _builder!, columns, _witness!.Segments[_circuit.Multiplicities], StepCircuit.TableBits, commitMultiplicities: true, columnMasks: masks, zeroKnowledge: true);
            foreach (Goldilocks[] mask in masks)
            {
                Array.Clear(mask);
            }
        }
        else if (!Accounting)
        {
            claims = LogUpArgument.Check(_transcript, _cursor!, specs, StepCircuit.TableBits, committedMultiplicities: true, zeroKnowledge: true);
        }

        for (int j = 0; j < specs.Length; j++)
        {
            int segment = _circuit.LookupColumns[j].Segment;
            Advice.Add(claims is null
                ? new(segment, new E[specs[j].LogSize], E.Zero, layout.LookupMasks[j], new E[specs[j].LogSize])
                : new(segment, claims.ColumnPoints[j], claims.ColumnValues[j], layout.LookupMasks[j], claims.ColumnMaskPoints[j]!));
        }
    }

    /// <summary>Proves (from each factor's own table and the committed masks, <see cref="SumcheckProver.ProveMaskedContraction{T}"/>) or verifies a zero-check's masked sumcheck.</summary>
    private (E[] Point, E[] Values) ZeroCheckSumcheck(int c, E[] z, E sum)
    {
        StepZeroCheck check = ZeroKnowledge!.Checks[c];
        int degree = check.Degree;
        SoundnessTerms += degree * check.NumVariables;
        MaskEntries += SumcheckMask<E>.Entries(check.NumVariables, degree);
        SumcheckCount++;
        if (Accounting)
        {
            return (new E[check.NumVariables], new E[check.Factors.Length]);
        }

        if (Proving)
        {
            var tables = new E[check.Factors.Length][];
            var masks = new E[]?[check.Factors.Length];
            for (int k = 0; k < tables.Length; k++)
            {
                StepFactor factor = check.Factors[k];
                tables[k] = OwnTable(factor, z);
                if (factor.Source == StepSource.Witness)
                {
                    masks[k] = MaskedExtension.Read<E>(MaskedSegments![ZeroKnowledge.MaskOf(c, factor.Index)], check.NumVariables);
                }
            }

            SumcheckProverOutput<E> output = SumcheckProver.ProveMaskedContraction(
                _transcript, sum, check.NumVariables, tables, Array.ConvertAll(check.Factors, f => f.Shape.Variables), masks, check.Terms, _builder!.Masks!);
            foreach (E[]? secret in masks.Concat(tables))
            {
                Array.Clear(secret ?? []);
            }

            _builder.AddSumcheck(output.Proof);
            return (output.Point.ToArray(), output.Proof.FactorEvaluations.ToArray());
        }

        if (_cursor!.Masks is null || !_cursor.TryNextSumcheck(out SumcheckProof<E>? proof))
        {
            ProofVerdict.Throw(RejectionReason.Format, _relation);
            return default;
        }

        SumcheckVerification<E> result = SumcheckVerifier.Verify(_transcript, sum, check.NumVariables, check.Masked, check.Terms, proof, _cursor.Masks);
        ProofVerdict.Require(result, RejectionReason.Relation, _relation);
        return (result.Point.ToArray(), result.FactorEvaluations.ToArray());
    }

    /// <summary>A factor's own table: <c>eq</c> of a range of <c>z</c>, a witness or snapshot segment, the gather selector, or a dataset region.</summary>
    private E[] OwnTable(StepFactor factor, E[] z) => factor.Source switch
    {
        StepSource.Eq => EqPolynomial.Table<E>(z.AsSpan(factor.ZStart, factor.ZLength)),
        StepSource.Witness => Lift(MaskedSegments![factor.Index][..(1 << factor.OwnVariables)]),
        StepSource.Before => Lift(_witness!.Before[factor.Index]),
        StepSource.After => Lift(_witness!.After[factor.Index]),
        StepSource.Selector => _hidden!.Polynomial.Selection(z.AsSpan(factor.ZStart, factor.ZLength), _hidden.Indices),
        _ => _hidden!.Polynomial.RegionTable(_hidden.Table!, factor.Index, factor.OwnVariables - _hidden.Polynomial.SampleVariables),
    };
}
