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
    /// <param name="input">The owner's committed input, of the model's input shape and width.</param>
    /// <param name="salts">The salt source of the witness commitment and of the sumcheck masks (zero-knowledge needs fresh ones for every proof); <see langword="null"/> uses <see cref="RandomSaltSource"/>.</param>
    /// <returns>The output and the proof (<c>TSIP</c> version <c>0x8002</c>).</returns>
    /// <remarks>
    /// <para>
    /// The protocol of <see cref="ProveBatch"/> for one sample, with these differences (docs/proofs.md, "Private input"): the transcript
    /// starts from the input commitment's fingerprint and root instead of the input; the logUp also looks up the committed input
    /// tensor (<c>x + 2^(b−1) ∈ [0, 2^b)</c>, <c>InputLayout</c>); every claim the layer relations leave on the input tensor, the
    /// lookup's claims on it and, when the shape has padding, the claim of its padding zero-check are batched (<c>ClaimBatcher</c>)
    /// into one hiding opening of the input commitment, which uses one of its mask sets.
    /// </para>
    /// <para>
    /// Soundness: the public-input proof's terms plus the input opening's, the padding zero-check's <c>4v/|F|</c> and the input
    /// batching's <c>(k + 2v)/|F|</c> (<see cref="InferenceVerifier.CheckPrivateInput"/>). A claim on the input that the committed
    /// polynomial does not satisfy fails its batched opening except with the opening's soundness error, so the proven output is
    /// <c>f_W</c> of the committed input.
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentException">The model commitment is not hiding, or the input's shape or width is not the model's.</exception>
    /// <exception cref="OpeningBudgetExhaustedException">The model's or the input's opening budget is used up.</exception>
    public static (int[] Output, InferenceProof Proof) ProvePrivateInput(CommittedModel model, CommittedInput input, ISaltSource? salts = null)
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

        CircuitPlan plan = commitment.Plan(1);
        InferenceWitness witness = InferenceWitness.Build(plan, model.Model, [input.Input.ToArray()]);
        return (witness.Outputs[0], ProvePrivateInputWithWitness(model, input, plan, witness, salts));
    }

    /// <summary>
    /// Runs the private-input protocol on a prepared witness (tests pass the witness of another input than the committed one to play a
    /// cheating prover). The witness's multiplicities are recounted with the input's lookup columns.
    /// </summary>
    internal static InferenceProof ProvePrivateInputWithWitness(CommittedModel model, CommittedInput input, CircuitPlan plan, InferenceWitness witness, ISaltSource? salts)
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
        var transcript = InferenceTranscript.BeginPrivateInput(commitment, input.Commitment, witness.Outputs[0], adviceState.Commitment.Root);
        var builder = new ProofBuilder<E>(new SumcheckMaskPool<E>(commitment.Parameters, MaskChunkLogSize(plan, layout, commitment), salts));
        LogUpClaims<E> lookup = LogUpArgument.Prove(transcript, builder, columns, witness.Advice[plan.MultiplicitySegment], CircuitPlan.TableBits, offsets);
        List<SegmentClaim<E>> adviceClaims = LookupClaims(plan, lookup);
        List<SegmentClaim<E>> inputClaims = InputLookupClaims(plan, lookup);

        Goldilocks[][] weightSegments = plan.WeightLogSizes.Count == 0 ? [[Goldilocks.Zero]] : plan.BuildWeightSegments(model.Model);
        var relations = LayerRelations.ForProver(plan, transcript, builder, witness, weightSegments, privateInput: true);
        relations.Run();
        adviceClaims.AddRange(relations.AdviceClaims);
        inputClaims.AddRange(relations.InputClaims.Select(c => new SegmentClaim<E>(InputLayout.TensorSegment, c.Point, c.Value)));
        if (layout.HasPadding)
        {
            inputClaims.Add(InputPaddingCheck.Prove(transcript, builder, layout, tensor));
        }

        LigeroOpeningProof<E>[] adviceOpening = ClaimBatcher.Prove(transcript, builder, plan.AdviceLayout, advice, [adviceState], adviceClaims);
        LigeroOpeningProof<E>[] weightOpenings = ClaimBatcher.Prove(transcript, builder, commitment.WeightLayout, model.Polynomials, model.States, relations.WeightClaims);
        LigeroOpeningProof<E>[] inputOpening = ClaimBatcher.Prove(transcript, builder, layout.Segments, [input.Polynomial], [input.State], inputClaims);
        LigeroOpeningProof<E>[] maskOpenings = builder.Masks!.Open(transcript);
        return new InferenceProof(adviceState.Commitment.Root, builder.Sumchecks, builder.Values.ToArray(), adviceOpening[0], weightOpenings, inputOpening[0], builder.Masks.Chunks, maskOpenings);
    }

    /// <summary>The lookup's claims on the input tensor: the columns after the plan's.</summary>
    internal static List<SegmentClaim<E>> InputLookupClaims(CircuitPlan plan, LogUpClaims<E> lookup)
    {
        var claims = new List<SegmentClaim<E>>();
        for (int j = plan.LookupColumns.Count; j < lookup.ColumnPoints.Length; j++)
        {
            claims.Add(new(InputLayout.TensorSegment, lookup.ColumnPoints[j], lookup.ColumnValues[j]));
        }

        return claims;
    }
}
