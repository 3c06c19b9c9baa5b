using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Tests.Inference;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Tests.Attacks;

/// <summary>
/// A cheating prover of private-input proofs on the zero-knowledge relations (<c>TSIP</c> 0x8003): it sends the revealing form (0x8002)
/// where the hiding one is due, changes the input's masked claim, proves another batch's outputs, reads another mask set than its opening
/// takes, or hides a sample in the padding of a committed batch. Each forgery is made by the real prover's code and refused.
/// </summary>
public sealed class PrivateInputZeroKnowledgeAttackTests
{
    [Fact]
    public void RevealingProofOfAPrivateInput_WhereTheClaimsCanBeHidden_IsRefusedAsADowngrade()
    {
        // The 0x8002 form is a complete proof (sound: its relations are v2's), but it reveals the claims on the input; where the model's
        // relations and the input commitment can hide them, the verifier requires 0x8003.
        (CommittedModel model, List<int[]> inputs) = PrivateInputInferenceTests.Mlp(8900);
        CommittedInput input = PrivateInputInferenceTests.Commit(model, inputs[0], 2, 8901);
        CircuitPlan plan = model.Commitment.Plan(1);
        InferenceWitness witness = InferenceWitness.Build(plan, model.Model, [inputs[0]]);
        InferenceProof revealing = InferenceProver.ProvePrivateInputWithWitness(model, input, plan, witness, new SeededSaltSource(8902), revealClaims: true);
        Assert.False(revealing.HidesClaims);
        ProofVerdict verdict = InferenceVerifier.CheckPrivateInput(model.Commitment, input.Commitment, witness.Outputs[0], revealing, VerifierPolicy.Default);
        Assert.Equal(RejectionReason.Format, verdict.Reason);
        Assert.Contains("0x8003 is required", verdict.Relation);

        // Read back from its bytes (0x8002) it is refused the same way; relabelled as 0x8003 it is read as one and fails its relations.
        byte[] bytes = InferenceProofSerializer.Serialize(revealing);
        Assert.Equal(0x8002, BitConverter.ToUInt16(bytes, 4));
        Assert.Equal(RejectionReason.Format, InferenceVerifier.CheckPrivateInput(model.Commitment, input.Commitment, witness.Outputs[0], InferenceProofSerializer.Deserialize(bytes), VerifierPolicy.Default).Reason);
        bytes[4] = 3;
        Assert.False(InferenceVerifier.VerifyPrivateInput(model.Commitment, input.Commitment, witness.Outputs[0], InferenceProofSerializer.Deserialize(bytes)));

        // The honest proof of the same statement is accepted.
        (int[] y, InferenceProof honest) = InferenceProver.ProvePrivateInput(model, input, new SeededSaltSource(8903));
        Assert.True(InferenceVerifier.VerifyPrivateInput(model.Commitment, input.Commitment, y, honest));
    }

    [Fact]
    public void ChangedMaskedInputClaim_InTheZeroCheckThatReadsTheInput_IsRefused()
    {
        // The input's claim is one factor evaluation of the zero-check that reads it; a prover that changes it (to move the batched
        // opening onto another input) breaks that zero-check's final identity, and if it also shifts g(r) by the difference, the claim no
        // longer matches the committed input at the opening.
        (CommittedModel model, List<int[]> inputs) = PrivateInputInferenceTests.Mlp(8910);
        CommittedInput input = PrivateInputInferenceTests.Commit(model, inputs[0], 2, 8911);
        (int[] y, InferenceProof proof) = InferenceProver.ProvePrivateInput(model, input, new SeededSaltSource(8912));
        ZeroKnowledgeLayout layout = model.Commitment.Plan(1).PrivateInputZeroKnowledge!;
        int check = Array.FindIndex(layout.Checks, c => c.Factors.Any(f => f.Source == ZeroCheckSource.Input));
        int factor = Array.FindIndex(layout.Checks[check].Factors, f => f.Source == ZeroCheckSource.Input);
        bool padding = input.Commitment.Layout.HasPadding;
        int index = proof.Sumchecks.Count - layout.Checks.Length - (padding ? 1 : 0) - 1 - proof.WeightOpenings.Count - 1 + check;
        SumcheckProof<E> original = proof.Sumchecks[index];
        E[] evaluations = original.FactorEvaluations.ToArray();
        evaluations[factor] += E.One;
        var forged = new SumcheckProof<E>(
            [.. Enumerable.Range(0, original.RoundCount).Select(r => original.GetRoundPolynomial(r).ToArray())], evaluations, original.MaskSum, original.MaskValue);
        SumcheckProof<E>[] sumchecks = [.. proof.Sumchecks];
        sumchecks[index] = forged;
        var changed = new InferenceProof(proof.AdviceRoot, sumchecks, proof.Values, proof.AdviceOpening, proof.WeightOpenings, proof.InputOpening!, proof.MaskChunks, proof.MaskOpenings, hidesClaims: true);
        ProofVerdict verdict = InferenceVerifier.CheckPrivateInput(model.Commitment, input.Commitment, y, changed, VerifierPolicy.Default);
        Assert.Equal(RejectionReason.Relation, verdict.Reason);
        Assert.True(InferenceVerifier.VerifyPrivateInput(model.Commitment, input.Commitment, y, proof));
    }

    [Fact]
    public void ProofOfAnotherBatchsOutputs_AgainstTheCommittedBatch_IsRefusedByTheInputOpening()
    {
        // The prover commits a batch (x1, x2) and proves the outputs of (x2, x1) with an honest run on the swapped batch.
        (CommittedModel model, List<int[]> inputs) = InferenceTestKit.Mlp(LigeroParameters.DefaultHiding, 8920, 2, 12, 8, 4);
        int[][] swapped = [inputs[1], inputs[0]];
        int[][] claimed = [.. swapped.Select(x => IntegerEvaluator.Evaluate(model.Model, x))];
        Assert.False(claimed[0].SequenceEqual(claimed[1]));
        CommittedInput input = PrivateInputZeroKnowledgeTests.Commit(model, inputs, 2, 8921);
        CircuitPlan plan = model.Commitment.Plan(2);
        InferenceProof forged = InferenceProver.ProvePrivateInputWithWitness(model, input, plan, InferenceWitness.Build(plan, model.Model, swapped), new SeededSaltSource(8922));
        ProofVerdict verdict = InferenceVerifier.CheckPrivateInputBatch(model.Commitment, input.Commitment, claimed, forged, VerifierPolicy.Default);
        Assert.Equal((RejectionReason.Opening, "opening of input"), (verdict.Reason, verdict.Relation));
    }

    [Fact]
    public void DataHiddenInAPaddingSampleOfACommittedBatch_IsRefusedByTheRelations()
    {
        // A batch of 3 is padded to 4 samples; the owner puts data into the padding sample and the prover's witness is the honest one of
        // the 3 samples. The first layer's zero-check runs over every padded sample, whose committed output is zero: refused there (the
        // masked padding zero-check would refuse it as well; feature padding, which the weights' zero columns hide from the relations, is
        // the case the zero-check alone catches: PrivateInputAttackTests).
        (CommittedModel model, List<int[]> inputs) = InferenceTestKit.Mlp(LigeroParameters.DefaultHiding, 8930, 3, 16, 8, 4);
        var parameters = LigeroParameters.DefaultHidingWithBudget(2);
        InputLayout layout = InputLayout.Create(model.Commitment.InputShape, model.Commitment.InputBits, parameters.OpeningBudget, 3);
        Assert.True(layout.HasPadding);
        Goldilocks[] tensor = layout.Scatter(inputs);
        tensor[3] = new Goldilocks(5); // feature 0 of padding sample 3
        CommittedInput input = CommittedInput.CommitUnchecked(model.Commitment, inputs, parameters, new SeededSaltSource(8931), null, new SeededSaltSource(8932), tensor);
        CircuitPlan plan = model.Commitment.Plan(3);
        InferenceWitness witness = InferenceWitness.Build(plan, model.Model, inputs);
        InferenceProof forged = InferenceProver.ProvePrivateInputWithWitness(model, input, plan, witness, new SeededSaltSource(8933));
        ProofVerdict verdict = InferenceVerifier.CheckPrivateInputBatch(model.Commitment, input.Commitment, witness.Outputs, forged, VerifierPolicy.Default);
        Assert.Equal(RejectionReason.Relation, verdict.Reason);

        // The honest commitment of the same batch is accepted: the refusal comes from the padding alone.
        CommittedInput honest = CommittedInput.CommitUnchecked(model.Commitment, inputs, parameters, new SeededSaltSource(8931), null, new SeededSaltSource(8932));
        InferenceProof proof = InferenceProver.ProvePrivateInputWithWitness(model, honest, plan, InferenceWitness.Build(plan, model.Model, inputs), new SeededSaltSource(8933));
        Assert.True(InferenceVerifier.VerifyPrivateInputBatch(model.Commitment, honest.Commitment, witness.Outputs, proof, VerifierPolicy.Default));
    }

    [Fact]
    public void InputOpeningRenamedToAnotherMaskSet_ThanTheProofRead_IsRefused()
    {
        // The proof read set 0's masks; an opening naming set 1 changes the transcript (the set is absorbed before every challenge) and
        // the masked claims' functionals, so the proof is refused; a set beyond the budget is refused before the transcript.
        (CommittedModel model, List<int[]> inputs) = PrivateInputInferenceTests.Mlp(8940);
        CommittedInput input = PrivateInputInferenceTests.Commit(model, inputs[0], 2, 8941);
        (int[] y, InferenceProof proof) = InferenceProver.ProvePrivateInput(model, input, new SeededSaltSource(8942));
        LigeroOpeningProof<E> opening = proof.InputOpening!;
        foreach (int set in new[] { 1, 2 })
        {
            var renamed = new LigeroOpeningProof<E>(opening.ProximityRow, opening.EvaluationRow, opening.RowCount, opening.Columns, opening.Salts, opening.MerkleProof, set);
            Assert.False(InferenceVerifier.VerifyPrivateInput(model.Commitment, input.Commitment, y, PrivateInputInferenceTests.WithInputOpening(proof, renamed)), $"set {set}");
        }
    }
}
