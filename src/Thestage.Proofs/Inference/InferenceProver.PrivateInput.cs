using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Lookups;
using Thestage.Proofs.Sumcheck;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Inference;

/// <summary>Proofs for a private input: <c>y = f_W(x)</c> for the <c>x</c> of an <see cref="InputCommitment"/>, without revealing <c>x</c>.</summary>
public static partial class InferenceProver
{
    /// <summary>Runs the model on a committed input and proves the result against the input's commitment instead of the input itself.</summary>
    /// <param name="model">The committed model; its commitment must be hiding (the proof's sumchecks are then zero-knowledge).</param>
    /// <param name="input">The owner's committed input (one sample), of the model's input shape and width.</param>
    /// <param name="salts">The salt source of the witness commitment and of the sumcheck masks (zero-knowledge needs fresh ones for every proof); <see langword="null"/> uses <see cref="RandomSaltSource"/>.</param>
    /// <returns>The output and the proof (<c>TSIP</c> version <c>0x8003</c>, or <c>0x8002</c> for a <c>TSIC</c> v1 input or a model without zero-knowledge relations).</returns>
    /// <remarks>
    /// <para>
    /// The protocol of <see cref="ProveBatch"/> with these differences (docs/proofs.md, "Private input"): the transcript starts from the
    /// input commitment's fingerprint and root instead of the input, and absorbs the input's mask set; the zero-knowledge logUp also looks
    /// up the committed input tensor (<c>x + 2^(b−1) ∈ [0, 2^b)</c>, <c>InputLayout</c>), each input column through a masked extension of the
    /// set; the zero-check that reads the input (the first layer's, or a convolution's im2col gather) reads it through the set's relation mask;
    /// when the layout has padding, a masked zero-check shows it is zero; every claim on the input — each a masked claim, uniform — is batched
    /// (<c>ClaimBatcher</c>) into one hiding opening of the input commitment, which uses that mask set.
    /// </para>
    /// <para>
    /// Soundness: the public-input proof's terms plus the input opening's, the padding zero-check's <c>6v/|F|</c> and the input
    /// batching's <c>(k + 2v)/|F|</c> (<see cref="InferenceVerifier.CheckPrivateInput"/>). A claim on the input that the committed
    /// polynomial does not satisfy fails its batched opening except with the opening's soundness error, so the proven output is
    /// <c>f_W</c> of the committed input.
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentException">The model commitment is not hiding, the input's shape or width is not the model's, or the input commitment holds a batch (<see cref="ProvePrivateInputBatch"/>).</exception>
    /// <exception cref="OpeningBudgetExhaustedException">The model's or the input's opening budget is used up.</exception>
    public static (int[] Output, InferenceProof Proof) ProvePrivateInput(CommittedModel model, CommittedInput input, ISaltSource? salts = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Commitment.Batch != 1)
        {
            throw new ArgumentException($"The input commitment holds {input.Commitment.Batch} samples: prove them with ProvePrivateInputBatch.", nameof(input));
        }

        (int[][] outputs, InferenceProof proof) = ProvePrivateInputBatch(model, input, salts);
        return (outputs[0], proof);
    }

    /// <summary>Runs the model on every sample of a committed batch and proves all results with one proof against the input commitment.</summary>
    /// <param name="model">The committed model; its commitment must be hiding.</param>
    /// <param name="input">The owner's committed batch (<see cref="CommittedInput.CommitBatch(ModelCommitment, IReadOnlyList{int[]}, LigeroParameters, ISaltSource?)"/>).</param>
    /// <param name="salts">The salt source of the witness commitment and of the sumcheck masks; <see langword="null"/> uses <see cref="RandomSaltSource"/>.</param>
    /// <returns>The outputs, one per committed sample, and the proof (<c>TSIP</c> <c>0x8003</c>).</returns>
    /// <remarks>As <see cref="ProvePrivateInput"/>; a batch needs the zero-knowledge relations (a <c>TSIC</c> v2 commitment and a model they cover).</remarks>
    /// <exception cref="ArgumentException">As <see cref="ProvePrivateInput"/>, or a batch of more than one sample without zero-knowledge relations.</exception>
    /// <exception cref="OpeningBudgetExhaustedException">The model's or the input's opening budget is used up.</exception>
    public static (int[][] Outputs, InferenceProof Proof) ProvePrivateInputBatch(CommittedModel model, CommittedInput input, ISaltSource? salts = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(input);
        ModelCommitment commitment = model.Commitment;
        if (!commitment.Parameters.Hiding)
        {
            throw new ArgumentException("A proof for a private input needs a hiding model commitment: its sumchecks must be zero-knowledge.", nameof(model));
        }

        if (!input.Commitment.InputShape.Equals(commitment.InputShape) || input.Commitment.InputBits != commitment.InputBits)
        {
            throw new ArgumentException(
                $"The input was committed as {input.Commitment.InputShape} of {input.Commitment.InputBits}-bit integers; the model takes {commitment.InputShape} of {commitment.InputBits}-bit integers.",
                nameof(input));
        }

        if (model.ProofsRemaining <= 0)
        {
            throw new OpeningBudgetExhaustedException(commitment.OpeningBudget);
        }

        if (input.ProofsRemaining <= 0)
        {
            throw new OpeningBudgetExhaustedException(input.Commitment.OpeningBudget);
        }

        CircuitPlan plan = commitment.Plan(input.Commitment.Batch);
        if (input.Commitment.Batch > 1 && (!input.Commitment.Layout.Masked || plan.PrivateInputZeroKnowledge is null))
        {
            throw new ArgumentException("A batch of private inputs is proven only with the zero-knowledge relations (TSIP 0x8003), which this model or commitment does not have.", nameof(input));
        }

        InferenceWitness witness = InferenceWitness.Build(plan, model.Model, input.Inputs);
        return (witness.Outputs, ProvePrivateInputWithWitness(model, input, plan, witness, salts));
    }

    /// <summary>
    /// Runs the private-input protocol on a prepared witness (tests pass the witness of another input than the committed one to play a
    /// cheating prover). The multiplicities are recounted with the input's lookup columns. <paramref name="revealClaims"/> makes the
    /// <c>TSIP</c> 0x8002 proof (the relations of v2, revealed claims) where 0x8003 is due: the downgrade a verifier must refuse, in tests only.
    /// </summary>
    internal static InferenceProof ProvePrivateInputWithWitness(
        CommittedModel model, CommittedInput input, CircuitPlan plan, InferenceWitness witness, ISaltSource? salts, bool revealClaims = false)
    {
        ZeroKnowledgeLayout? zeroKnowledge = revealClaims || !input.Commitment.Layout.Masked ? null : plan.PrivateInputZeroKnowledge;
        if (zeroKnowledge is null)
        {
            return ProveRevealingPrivateInput(model, input, plan, witness, salts);
        }

        // One proof at a time per committed input (its mask set is the one its opening takes), and per model with hidden weights.
        lock (input.State)
        {
            if (!model.Commitment.HiddenWeights)
            {
                return ProveZeroKnowledgePrivateInput(model, input, plan, zeroKnowledge, witness, salts, null);
            }

            lock (model.States)
            {
                return ProveZeroKnowledgePrivateInput(model, input, plan, zeroKnowledge, witness, salts, model.States[0].OpeningsUsed);
            }
        }
    }

    /// <summary>The <c>TSIP</c> 0x8003 protocol (see <see cref="ProvePrivateInput"/>): the zero-knowledge relations with the input read through set <c>b</c>'s masks.</summary>
    private static InferenceProof ProveZeroKnowledgePrivateInput(
        CommittedModel model, CommittedInput input, CircuitPlan plan, ZeroKnowledgeLayout zeroKnowledge, InferenceWitness witness, ISaltSource? salts, int? weightSet)
    {
        ModelCommitment commitment = model.Commitment;
        InputLayout layout = input.Commitment.Layout;
        int inputSet = input.State.OpeningsUsed;
        Goldilocks[] polynomial = input.Polynomial;
        Goldilocks[] tensor = polynomial.AsSpan(layout.Segments.OffsetOf(InputLayout.TensorSegment), layout.Tensor.Size).ToArray();
        var columns = plan.LookupColumns.Select(c => (witness.Advice[c.Segment], c.Scale)).ToList();
        var offsets = columns.Select(_ => 0UL).ToList();
        foreach ((ulong scale, ulong offset) in layout.Columns)
        {
            columns.Add((tensor, scale));
            offsets.Add(offset);
        }

        Goldilocks[] multiplicities = LogUpArgument.Multiplicities(columns, CircuitPlan.TableBits, offsets);
        Goldilocks[][] derived = zeroKnowledge.DerivedTables(plan, witness.FieldTensors, witness.Advice);
        Goldilocks[][] segments = WithMasks(zeroKnowledge, [.. witness.Advice, .. derived], salts);
        segments[plan.MultiplicitySegment] = new Goldilocks[witness.Advice[plan.MultiplicitySegment].Length]; // committed in the pool
        Goldilocks[][] advice = zeroKnowledge.Layout.Assemble(segments);
        LigeroProverState adviceState = LigeroProver.Commit(advice[0], commitment.Parameters, salts);
        var transcript = InferenceTranscript.BeginPrivateInput(commitment, input.Commitment, witness.Outputs, adviceState.Commitment.Root);
        transcript.AbsorbUInt64(InferenceTranscript.ZeroKnowledgeClaims, 3);
        if (weightSet is int set)
        {
            transcript.AbsorbUInt64(InferenceTranscript.WeightMaskSet, (ulong)set);
        }

        transcript.AbsorbUInt64(InferenceTranscript.InputMaskSet, (ulong)inputSet);
        var builder = new ProofBuilder<E>(new SumcheckMaskPool<E>(commitment.Parameters, MaskChunkLogSize(plan, layout, commitment), salts));
        Goldilocks[][] columnMasks =
        [
            .. LookupColumnMasks(plan, zeroKnowledge, segments),
            .. layout.Columns.Select((_, j) => InputMask(layout, polynomial, layout.LookupMask(inputSet, j), layout.Tensor.LogSize)),
        ];
        LogUpClaims<E> lookup = LogUpArgument.Prove(transcript, builder, columns, multiplicities, CircuitPlan.TableBits, offsets, commitMultiplicities: true, columnMasks: columnMasks, zeroKnowledge: true);
        foreach (Goldilocks[] secret in columnMasks.Append(multiplicities))
        {
            Array.Clear(secret);
        }

        List<SegmentClaim<E>> adviceClaims = LookupClaims(plan, lookup, zeroKnowledge);
        List<SegmentClaim<E>> inputClaims = InputLookupClaims(plan, lookup, layout, inputSet);
        Goldilocks[][] weightSegments = plan.WeightLogSizes.Count == 0 ? [[Goldilocks.Zero]] : plan.BuildWeightSegments(model.Model);
        var relations = LayerRelations.ForProver(plan, transcript, builder, witness, weightSegments, privateInput: true, zeroKnowledgeSegments: segments);
        relations.WeightMasks = weightSet is int read ? (commitment.WeightMasks!, read, model.Polynomials) : null;
        relations.InputMasks = (layout, inputSet, polynomial);
        relations.Run();
        adviceClaims.AddRange(relations.AdviceClaims);
        inputClaims.AddRange(relations.InputClaims);
        if (layout.HasPadding)
        {
            E[] mask = MaskedExtension.Read<E>(InputMask(layout, polynomial, layout.PaddingMask(inputSet), layout.Tensor.LogSize), layout.Tensor.LogSize);
            (E[] point, E value) = PaddingZeroCheck.Prove(transcript, builder, InferenceTranscript.InputPaddingPoint, layout.Box, tensor, mask);
            Array.Clear(mask);
            inputClaims.Add(new(InputLayout.TensorSegment, point, value, layout.PaddingMask(inputSet)));
        }

        LigeroOpeningProof<E>[] adviceOpening = ClaimBatcher.Prove(transcript, builder, zeroKnowledge.Layout, advice, [adviceState], adviceClaims);
        LigeroOpeningProof<E>[] weightOpenings = ClaimBatcher.Prove(transcript, builder, commitment.WeightLayout, model.Polynomials, model.States, relations.WeightClaims);
        LigeroOpeningProof<E>[] inputOpening = ClaimBatcher.Prove(transcript, builder, layout.Segments, [polynomial], [input.State], inputClaims);
        if ((weightSet is not null && weightOpenings.Any(o => o.MaskIndex != weightSet)) || inputOpening[0].MaskIndex != inputSet)
        {
            throw new InvalidOperationException("An opening took another mask set than the one the proof read.");
        }

        foreach (Goldilocks[] secret in segments.Skip(zeroKnowledge.AdviceSegments).Append(advice[0]).Append(tensor))
        {
            Array.Clear(secret);
        }

        LigeroOpeningProof<E>[] maskOpenings = builder.Masks!.Open(transcript);
        return new InferenceProof(adviceState.Commitment.Root, builder.Sumchecks, builder.Values.ToArray(), adviceOpening[0], weightOpenings, inputOpening[0], builder.Masks.Chunks, maskOpenings, hidesClaims: true);
    }

    /// <summary>
    /// The <c>TSIP</c> 0x8002 protocol (one sample): the relations of v2, whose claims — on the input too — are revealed; made for a
    /// <c>TSIC</c> v1 input or a model without zero-knowledge relations, and refused wherever 0x8003 is possible.
    /// </summary>
    private static InferenceProof ProveRevealingPrivateInput(CommittedModel model, CommittedInput input, CircuitPlan plan, InferenceWitness witness, ISaltSource? salts)
    {
        ModelCommitment commitment = model.Commitment;
        InputLayout layout = input.Commitment.Layout;
        Goldilocks[] tensor = input.Polynomial.AsSpan(layout.Segments.OffsetOf(InputLayout.TensorSegment), layout.Tensor.Size).ToArray();
        var columns = plan.LookupColumns.Select(c => (witness.Advice[c.Segment], c.Scale)).ToList();
        var offsets = columns.Select(_ => 0UL).ToList();
        foreach ((ulong scale, ulong offset) in layout.Columns)
        {
            columns.Add((tensor, scale));
            offsets.Add(offset);
        }

        witness.Advice[plan.MultiplicitySegment] = LogUpArgument.Multiplicities(columns, CircuitPlan.TableBits, offsets);
        Goldilocks[][] advice = plan.AdviceLayout.Assemble(witness.Advice);
        LigeroProverState adviceState = LigeroProver.Commit(advice[0], commitment.Parameters, salts);
        var transcript = InferenceTranscript.BeginPrivateInput(commitment, input.Commitment, witness.Outputs, adviceState.Commitment.Root);
        var builder = new ProofBuilder<E>(new SumcheckMaskPool<E>(commitment.Parameters, MaskChunkLogSize(plan, layout, commitment, revealing: true), salts));
        LogUpClaims<E> lookup = LogUpArgument.Prove(transcript, builder, columns, witness.Advice[plan.MultiplicitySegment], CircuitPlan.TableBits, offsets);
        List<SegmentClaim<E>> adviceClaims = LookupClaims(plan, lookup);
        List<SegmentClaim<E>> inputClaims = InputLookupClaims(plan, lookup);

        Goldilocks[][] weightSegments = plan.WeightLogSizes.Count == 0 ? [[Goldilocks.Zero]] : plan.BuildWeightSegments(model.Model);
        var relations = LayerRelations.ForProver(plan, transcript, builder, witness, weightSegments, privateInput: true);
        relations.Run();
        adviceClaims.AddRange(relations.AdviceClaims);
        inputClaims.AddRange(relations.InputClaims);
        if (layout.HasPadding)
        {
            (E[] point, E value) = PaddingZeroCheck.Prove(transcript, builder, InferenceTranscript.InputPaddingPoint, layout.Box, tensor);
            inputClaims.Add(new(InputLayout.TensorSegment, point, value));
        }

        LigeroOpeningProof<E>[] adviceOpening = ClaimBatcher.Prove(transcript, builder, plan.AdviceLayout, advice, [adviceState], adviceClaims);
        LigeroOpeningProof<E>[] weightOpenings = ClaimBatcher.Prove(transcript, builder, commitment.WeightLayout, model.Polynomials, model.States, relations.WeightClaims);
        LigeroOpeningProof<E>[] inputOpening = ClaimBatcher.Prove(transcript, builder, layout.Segments, [input.Polynomial], [input.State], inputClaims);
        LigeroOpeningProof<E>[] maskOpenings = builder.Masks!.Open(transcript);
        return new InferenceProof(adviceState.Commitment.Root, builder.Sumchecks, builder.Values.ToArray(), adviceOpening[0], weightOpenings, inputOpening[0], builder.Masks.Chunks, maskOpenings);
    }

    /// <summary>
    /// The lookup's claims on the input tensor (the columns after the plan's): plain (0x8002), or with <paramref name="masked"/> each on its
    /// column's mask of set <paramref name="set"/> at the GKR's mask point (0x8003).
    /// </summary>
    internal static List<SegmentClaim<E>> InputLookupClaims(CircuitPlan plan, LogUpClaims<E> lookup, InputLayout? masked = null, int set = 0)
    {
        var claims = new List<SegmentClaim<E>>();
        for (int j = plan.LookupColumns.Count; j < lookup.ColumnPoints.Length; j++)
        {
            claims.Add(masked is null
                ? new(InputLayout.TensorSegment, lookup.ColumnPoints[j], lookup.ColumnValues[j])
                : new(InputLayout.TensorSegment, lookup.ColumnPoints[j], lookup.ColumnValues[j], masked.LookupMask(set, j - plan.LookupColumns.Count), lookup.ColumnMaskPoints[j]!));
        }

        return claims;
    }

    /// <summary>The <see cref="MaskedExtension.Entries"/> base entries of a mask segment of the input polynomial for <paramref name="variables"/> variables (a copy the caller clears).</summary>
    private static Goldilocks[] InputMask(InputLayout layout, Goldilocks[] polynomial, int segment, int variables) =>
        polynomial.AsSpan(layout.Segments.OffsetOf(segment), MaskedExtension.Entries(variables)).ToArray();
}
