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
    /// input commitment of another shape or width, of several samples, or without hiding and budget, a <c>TSIC</c> v1 commitment where the
    /// model's relations hide their claims, an output out of range), <see cref="RejectionReason.Format"/> (a missing proof, a proof for a
    /// public input, a <c>0x8002</c> proof where <c>0x8003</c> is required, missing or extra messages), <see cref="RejectionReason.SoundnessPolicy"/>
    /// (either commitment's budget above the policy's, or the whole proof — with the input opening — weaker than it),
    /// <see cref="RejectionReason.WeightRanges"/>, <see cref="RejectionReason.Lookup"/> (a limb, or an input entry, out of range),
    /// <see cref="RejectionReason.Relation"/> (a layer, or <c>"padding of the input"</c>) or <see cref="RejectionReason.Opening"/>
    /// (<c>"opening of witness"</c>, <c>"opening of weights"</c>, <c>"opening of input"</c>: e.g. claims about another input than the committed one).
    /// </summary>
    /// <param name="commitment">The published model commitment (hiding).</param>
    /// <param name="input">The published input commitment (one sample).</param>
    /// <param name="output">The claimed output.</param>
    /// <param name="proof">The proof (may be null).</param>
    /// <param name="policy">The verifier's policy.</param>
    /// <returns>The verdict; never throws for a malformed proof.</returns>
    public static ProofVerdict CheckPrivateInput(ModelCommitment commitment, InputCommitment input, ReadOnlySpan<int> output, InferenceProof? proof, VerifierPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Batch == 1 ? CheckPrivateInputBatch(commitment, input, [output.ToArray()], proof, policy) : ProofVerdict.Reject(RejectionReason.Statement);
    }

    /// <summary>Verifies a proof that the model maps every committed sample of <paramref name="input"/> to its output.</summary>
    /// <param name="commitment">The published model commitment (hiding).</param>
    /// <param name="input">The published input commitment.</param>
    /// <param name="outputs">The claimed outputs, one per committed sample.</param>
    /// <param name="proof">The proof (may be null).</param>
    /// <param name="policy">The verifier's policy.</param>
    /// <returns><see langword="true"/> when the proof is accepted (<see cref="CheckPrivateInputBatch"/> says why not).</returns>
    public static bool VerifyPrivateInputBatch(ModelCommitment commitment, InputCommitment input, IReadOnlyList<int[]> outputs, InferenceProof? proof, VerifierPolicy policy) =>
        CheckPrivateInputBatch(commitment, input, outputs, proof, policy).IsAccepted;

    /// <summary>
    /// Checks a private-input proof for a committed batch (<see cref="InferenceProver.ProvePrivateInputBatch"/>) as <see cref="CheckPrivateInput"/>
    /// does for one sample; <see cref="RejectionReason.Statement"/> also when the number of outputs is not the commitment's number of samples.
    /// </summary>
    /// <param name="commitment">The published model commitment (hiding).</param>
    /// <param name="input">The published input commitment.</param>
    /// <param name="outputs">The claimed outputs, one per committed sample.</param>
    /// <param name="proof">The proof (may be null).</param>
    /// <param name="policy">The verifier's policy.</param>
    /// <returns>The verdict; never throws for a malformed proof.</returns>
    public static ProofVerdict CheckPrivateInputBatch(ModelCommitment commitment, InputCommitment input, IReadOnlyList<int[]> outputs, InferenceProof? proof, VerifierPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(commitment);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(policy);
        if (outputs is null || outputs.Count != input.Batch || !commitment.Parameters.Hiding || !input.Parameters.Hiding || input.OpeningBudget == 0
            || !input.InputShape.Equals(commitment.InputShape) || input.InputBits != commitment.InputBits
            || !ValidStatement(commitment, UnsentInputs(commitment, outputs.Count), outputs))
        {
            return ProofVerdict.Reject(RejectionReason.Statement);
        }

        if (proof is null)
        {
            return ProofVerdict.Reject(RejectionReason.Format);
        }

        if (!TryPlan(commitment, input.Batch, out CircuitPlan plan))
        {
            return ProofVerdict.Reject(RejectionReason.Statement);
        }

        // Where the model's relations can hide their claims with a private input, a proof must (0x8003), and the input commitment must carry
        // the mask sets that lets it (TSIC v2); a v1 commitment, or a batch, without them has no proof that hides the claims on the input.
        InputLayout layout = input.Layout;
        ZeroKnowledgeLayout? zeroKnowledge = plan.PrivateInputZeroKnowledge;
        bool hidesClaims = zeroKnowledge is not null;
        if ((hidesClaims && !layout.Masked) || (!hidesClaims && input.Batch != 1))
        {
            return ProofVerdict.Reject(RejectionReason.Statement, "a TSIC v1 input commitment, whose proofs would reveal the claims on the input: commit the input again (v2)");
        }

        ProofVerdict shape = CheckProofAgainstPolicy(commitment, plan, proof, policy, input, hidesClaims, out int checkedSet);
        if (!shape.IsAccepted)
        {
            return shape;
        }

        int weightSet = checkedSet;

        LigeroOpeningProof<E> inputOpening = proof.InputOpening!;
        int inputSet = inputOpening.MaskIndex ?? -1;
        if (hidesClaims && (inputSet < 0 || inputSet >= input.OpeningBudget))
        {
            return ProofVerdict.Reject(RejectionReason.Format, "an input opening naming no mask set of the input commitment");
        }

        var publicTensors = new Goldilocks[plan.Layers.Length + 1][];
        int last = plan.Source[plan.Layers.Length];
        publicTensors[0] = [];
        publicTensors[last] = Pad(plan, last, outputs);
        return ProofVerdict.Of(() =>
        {
            var transcript = InferenceTranscript.BeginPrivateInput(commitment, input, outputs, proof.AdviceRoot);
            bool hiddenWeights = hidesClaims && commitment.WeightMasks is not null;
            if (hidesClaims)
            {
                transcript.AbsorbUInt64(InferenceTranscript.ZeroKnowledgeClaims, 3);
                if (hiddenWeights)
                {
                    transcript.AbsorbUInt64(InferenceTranscript.WeightMaskSet, (ulong)weightSet);
                }

                transcript.AbsorbUInt64(InferenceTranscript.InputMaskSet, (ulong)inputSet);
            }

            var cursor = new ProofCursor<E>(proof.Sumchecks, proof.ValueArray, new SumcheckMaskVerifier<E>(commitment.Parameters, proof.MaskChunks));
            LogUpClaims<E> lookup = hidesClaims
                ? LogUpArgument.Check(transcript, cursor, [.. InferenceProver.MaskedLookupSpecs(plan), .. layout.LookupSpecs(masked: true)], CircuitPlan.TableBits, committedMultiplicities: true, zeroKnowledge: true)
                : LogUpArgument.Check(transcript, cursor, InferenceProver.LookupSpecs(plan, layout), CircuitPlan.TableBits);
            List<SegmentClaim<E>> adviceClaims = InferenceProver.LookupClaims(plan, lookup, zeroKnowledge);
            List<SegmentClaim<E>> inputClaims = InferenceProver.InputLookupClaims(plan, lookup, hidesClaims ? layout : null, inputSet);
            var relations = LayerRelations.ForVerifier(plan, transcript, cursor, publicTensors, privateInput: true, zeroKnowledge: hidesClaims);
            relations.WeightMasks = hiddenWeights ? (commitment.WeightMasks!, weightSet, null) : null;
            relations.InputMasks = hidesClaims ? (layout, inputSet, null) : null;
            relations.Run();
            adviceClaims.AddRange(relations.AdviceClaims);
            inputClaims.AddRange(relations.InputClaims);
            if (layout.HasPadding)
            {
                (E[] point, E value) = PaddingZeroCheck.Verify(transcript, cursor, InferenceTranscript.InputPaddingPoint, layout.Tensor.LogSize, layout.Box, "padding of the input", masked: hidesClaims);
                inputClaims.Add(new(InputLayout.TensorSegment, point, value, hidesClaims ? layout.PaddingMask(inputSet) : -1));
            }

            SegmentLayout adviceLayout = zeroKnowledge?.Layout ?? plan.AdviceLayout;
            var adviceCommitment = new LigeroCommitment(proof.AdviceRoot, adviceLayout.NumVariables[0]);
            ClaimBatcher.Verify(transcript, cursor, adviceLayout, [adviceCommitment], commitment.Parameters, adviceClaims, [proof.AdviceOpening], "witness");
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
        CircuitPlan plan = commitment.Plan(input.Batch);
        return PlanSoundnessBits(commitment, plan, [new SumcheckMaskChunk(default, InferenceProver.MaskChunkLogSize(plan, input.Layout, commitment))], input);
    }

    /// <summary>
    /// The inputs <see cref="ValidStatement"/> checks for a private input: one shared zero sample repeated (the samples are committed, not
    /// sent), so that a hostile commitment's declared batch costs no allocation per sample of the model's input size.
    /// </summary>
    private static int[][] UnsentInputs(ModelCommitment commitment, int count)
    {
        int[] zero = new int[commitment.InputShape.Size];
        return count is > 0 and <= 1 << WeightMaskLayout.MaxLogBatch ? Enumerable.Repeat(zero, count).ToArray() : [];
    }
}
