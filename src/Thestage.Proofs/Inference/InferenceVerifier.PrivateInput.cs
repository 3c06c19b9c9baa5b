using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Lookups;
using Thestage.Proofs.Sumcheck;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Inference;

/// <summary>Verification of proofs for a private input (<see cref="InferenceProver.ProvePrivateInput"/>).</summary>
public static partial class InferenceVerifier
{
    /// <summary>Verifies a proof that the model maps the committed input to <paramref name="output"/>, under <see cref="VerifierPolicy.Default"/>.</summary>
    /// <param name="commitment">The published model commitment (hiding).</param>
    /// <param name="input">The published input commitment.</param>
    /// <param name="output">The claimed output.</param>
    /// <param name="proof">The proof (may be null).</param>
    /// <returns><see langword="true"/> when the proof is accepted.</returns>
    public static bool VerifyPrivateInput(ModelCommitment commitment, InputCommitment input, ReadOnlySpan<int> output, InferenceProof? proof) =>
        CheckPrivateInput(commitment, input, output, proof, VerifierPolicy.Default).IsAccepted;

    /// <summary>Verifies a proof that the model maps the committed input to <paramref name="output"/>.</summary>
    /// <param name="commitment">The published model commitment (hiding).</param>
    /// <param name="input">The published input commitment.</param>
    /// <param name="output">The claimed output.</param>
    /// <param name="proof">The proof (may be null).</param>
    /// <param name="policy">The verifier's policy.</param>
    /// <returns><see langword="true"/> when the proof is accepted (<see cref="CheckPrivateInput"/> says why not).</returns>
    public static bool VerifyPrivateInput(ModelCommitment commitment, InputCommitment input, ReadOnlySpan<int> output, InferenceProof? proof, VerifierPolicy policy) =>
        CheckPrivateInput(commitment, input, output, proof, policy).IsAccepted;

    /// <summary>
    /// Checks a private-input proof, saying why it is rejected: <see cref="RejectionReason.Statement"/> (a plain model commitment, an
    /// input commitment of another shape or width or without hiding and budget, an output out of range), <see cref="RejectionReason.Format"/>
    /// (a missing proof, a proof for a public input, missing or extra messages), <see cref="RejectionReason.SoundnessPolicy"/> (either
    /// commitment's budget above the policy's, or the whole proof — with the input opening — weaker than it),
    /// <see cref="RejectionReason.WeightRanges"/>, <see cref="RejectionReason.Lookup"/> (a limb, or an input entry, out of range),
    /// <see cref="RejectionReason.Relation"/> (a layer, or <c>"padding of the input"</c>) or <see cref="RejectionReason.Opening"/>
    /// (<c>"opening of witness"</c>, <c>"opening of weights"</c>, <c>"opening of input"</c>: e.g. claims about another input than the committed one).
    /// </summary>
    /// <param name="commitment">The published model commitment (hiding).</param>
    /// <param name="input">The published input commitment.</param>
    /// <param name="output">The claimed output.</param>
    /// <param name="proof">The proof (may be null).</param>
    /// <param name="policy">The verifier's policy.</param>
    /// <returns>The verdict; never throws for a malformed proof.</returns>
    public static ProofVerdict CheckPrivateInput(ModelCommitment commitment, InputCommitment input, ReadOnlySpan<int> output, InferenceProof? proof, VerifierPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(commitment);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(policy);
        int[] y = output.ToArray();
        if (!commitment.Parameters.Hiding || !input.Parameters.Hiding || input.OpeningBudget == 0
            || !input.InputShape.Equals(commitment.InputShape) || input.InputBits != commitment.InputBits
            || !ValidStatement(commitment, [new int[commitment.InputShape.Size]], [y]))
        {
            return ProofVerdict.Reject(RejectionReason.Statement);
        }

        if (proof is null)
        {
            return ProofVerdict.Reject(RejectionReason.Format);
        }

        CircuitPlan plan;
        try
        {
            plan = commitment.Plan(1);
        }
        catch (ArgumentException)
        {
            return ProofVerdict.Reject(RejectionReason.Statement);
        }

        InputLayout layout = input.Layout;
        if (!proof.IsMasked || proof.InputOpening is not LigeroOpeningProof<E> inputOpening || proof.MaskChunks.Any(c => c.LogSize > InferenceProver.MaskChunkLogSize(plan, layout, commitment)))
        {
            return ProofVerdict.Reject(RejectionReason.Format);
        }

        if (commitment.OpeningBudget > policy.MaximumOpeningBudget || input.OpeningBudget > policy.MaximumOpeningBudget
            || PlanSoundnessBits(commitment, plan, proof.MaskChunks, input) < policy.MinimumSoundnessBits)
        {
            return ProofVerdict.Reject(RejectionReason.SoundnessPolicy);
        }

        ProofVerdict ranges = commitment.CheckWeightRanges(policy);
        if (!ranges.IsAccepted)
        {
            return ranges.Within("weight range proof", RejectionReason.WeightRanges);
        }

        var publicTensors = new Goldilocks[plan.Layers.Length + 1][];
        int last = plan.Source[plan.Layers.Length];
        publicTensors[0] = [];
        publicTensors[last] = Pad(plan, last, [y]);
        return ProofVerdict.Of(() =>
        {
            var transcript = InferenceTranscript.BeginPrivateInput(commitment, input, y, proof.AdviceRoot);
            var cursor = new ProofCursor<E>(proof.Sumchecks, proof.ValueArray, new SumcheckMaskVerifier<E>(commitment.Parameters, proof.MaskChunks));
            LogUpClaims<E> lookup = LogUpArgument.Check(transcript, cursor, InferenceProver.LookupSpecs(plan, layout), CircuitPlan.TableBits);
            List<SegmentClaim<E>> adviceClaims = InferenceProver.LookupClaims(plan, lookup);
            List<SegmentClaim<E>> inputClaims = InferenceProver.InputLookupClaims(plan, lookup);
            var relations = LayerRelations.ForVerifier(plan, transcript, cursor, publicTensors, privateInput: true);
            relations.Run();
            adviceClaims.AddRange(relations.AdviceClaims);
            inputClaims.AddRange(relations.InputClaims.Select(c => new SegmentClaim<E>(InputLayout.TensorSegment, c.Point, c.Value)));
            if (layout.HasPadding)
            {
                inputClaims.Add(InputPaddingCheck.Verify(transcript, cursor, layout));
            }

            var adviceCommitment = new LigeroCommitment(proof.AdviceRoot, plan.AdviceLayout.NumVariables[0]);
            ClaimBatcher.Verify(transcript, cursor, plan.AdviceLayout, [adviceCommitment], commitment.Parameters, adviceClaims, [proof.AdviceOpening], "witness");
            ClaimBatcher.Verify(transcript, cursor, commitment.WeightLayout, commitment.WeightCommitmentArray, commitment.WeightParameters, relations.WeightClaims, proof.WeightOpenings, "weights");
            ClaimBatcher.Verify(transcript, cursor, layout.Segments, [input.Ligero], input.Parameters, inputClaims, [inputOpening], "input");
            ProofVerdict.Require(cursor.IsExhausted, RejectionReason.Format, "messages after the openings");
            ProofVerdict.Require(cursor.Masks!.Finish(transcript, proof.MaskOpenings), RejectionReason.Opening, "opening of the sumcheck masks");
        });
    }

    /// <summary>
    /// Computes the soundness of accepting a private-input proof for this model and input commitment, as <see cref="SoundnessBits"/> does
    /// for a public input, with the input opening, its lookups, its padding zero-check and its batching.
    /// </summary>
    /// <param name="commitment">The model commitment (hiding).</param>
    /// <param name="input">The input commitment.</param>
    /// <returns>The security level in bits.</returns>
    /// <exception cref="ArgumentException">The architecture is not provable.</exception>
    public static double PrivateInputSoundnessBits(ModelCommitment commitment, InputCommitment input)
    {
        ArgumentNullException.ThrowIfNull(commitment);
        ArgumentNullException.ThrowIfNull(input);
        CircuitPlan plan = commitment.Plan(1);
        return PlanSoundnessBits(commitment, plan, [new SumcheckMaskChunk(default, InferenceProver.MaskChunkLogSize(plan, input.Layout, commitment))], input);
    }
}
