using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Tests.Inference;

namespace Thestage.Proofs.Tests.Attacks;

/// <summary>
/// A cheating prover of private-input inference: it commits to one input and proves another's output, commits to an input outside
/// the model's input range, or hides data in the padding of the committed tensor. Each proof is made by the real prover on a forged
/// witness or commitment, and each is refused where the protocol says.
/// </summary>
public sealed class PrivateInputAttackTests
{
    [Fact]
    public void ProofOfAnotherInputsOutput_AgainstTheCommittedInput_IsRefusedByTheInputOpening()
    {
        // The prover commits x (and publishes the commitment), then proves f(x') for an x' of its choice: every relation is run
        // honestly on x', so only the claims on the input tensor, which are about x', disagree with the committed polynomial.
        (CommittedModel model, List<int[]> inputs) = PrivateInputInferenceTests.Mlp(9200);
        int[] committed = inputs[0], substituted = inputs[1];
        int[] claimedOutput = IntegerEvaluator.Evaluate(model.Model, substituted);
        Assert.NotEqual(IntegerEvaluator.Evaluate(model.Model, committed), claimedOutput);
        CommittedInput input = PrivateInputInferenceTests.Commit(model, committed, 2, 9201);
        CircuitPlan plan = model.Commitment.Plan(1);
        InferenceWitness witness = InferenceWitness.Build(plan, model.Model, [substituted]);
        InferenceProof forged = InferenceProver.ProvePrivateInputWithWitness(model, input, plan, witness, new SeededSaltSource(9202));

        ProofVerdict verdict = InferenceVerifier.CheckPrivateInput(model.Commitment, input.Commitment, claimedOutput, forged, VerifierPolicy.Default);
        Assert.Equal((RejectionReason.Opening, "opening of input"), (verdict.Reason, verdict.Relation));

        // The same forgery against a commitment of x' itself is an honest proof: the refusal comes from the substitution alone.
        CommittedInput honest = PrivateInputInferenceTests.Commit(model, substituted, 2, 9201);
        InferenceProof proof = InferenceProver.ProvePrivateInputWithWitness(model, honest, plan, InferenceWitness.Build(plan, model.Model, [substituted]), new SeededSaltSource(9202));
        Assert.True(InferenceVerifier.VerifyPrivateInput(model.Commitment, honest.Commitment, claimedOutput, proof));
    }

    [Fact]
    public void InputOutsideTheModelsInputRange_CommittedByACheatingOwner_IsRefusedByTheLookup()
    {
        // The owner commits an entry of 200 to an int8 model, past the range check of CommittedInput.Commit, and the prover runs the
        // model on it under 16-bit input semantics (the layers' integer arithmetic is the same), so every relation holds.
        (CommittedModel model, List<int[]> inputs) = PrivateInputInferenceTests.Mlp(9210);
        int[] x = (int[])inputs[0].Clone();
        x[2] = 200;
        QuantizedModel wide = new(model.Model.InputShape, 16, model.Model.InputFractionBits, model.Model.OutputFractionBits, model.Model.Layers);
        int[] output = IntegerEvaluator.Evaluate(wide, x);
        CommittedInput input = CommittedInput.CommitUnchecked(
            model.Commitment, [x], LigeroParameters.DefaultHidingWithBudget(2), new SeededSaltSource(9211), new SeededSaltSource(9212), new SeededSaltSource(9213));
        CircuitPlan plan = model.Commitment.Plan(1);
        InferenceProof forged = InferenceProver.ProvePrivateInputWithWitness(model, input, plan, InferenceWitness.Build(plan, wide, [x]), new SeededSaltSource(9214));

        ProofVerdict verdict = InferenceVerifier.CheckPrivateInput(model.Commitment, input.Commitment, output, forged, VerifierPolicy.Default);
        Assert.Equal(RejectionReason.Lookup, verdict.Reason);

        // Within range, the same forgery path gives an accepted proof.
        x[2] = 127;
        CommittedInput inRange = CommittedInput.CommitUnchecked(
            model.Commitment, [x], LigeroParameters.DefaultHidingWithBudget(2), new SeededSaltSource(9211), new SeededSaltSource(9212), new SeededSaltSource(9213));
        InferenceProof proof = InferenceProver.ProvePrivateInputWithWitness(model, inRange, plan, InferenceWitness.Build(plan, wide, [x]), new SeededSaltSource(9214));
        Assert.True(InferenceVerifier.VerifyPrivateInput(model.Commitment, inRange.Commitment, IntegerEvaluator.Evaluate(model.Model, x), proof));
    }

    [Fact]
    public void DataHiddenInThePaddingOfTheCommittedInput_IsRefusedByThePaddingZeroCheck()
    {
        // The 12-entry input is padded to 16; the owner puts 5 into padding entry 13, in range, and the prover's witness carries it
        // too, so the lookup and every relation hold (the first layer's padding columns are zero): only the zero-check sees it.
        (CommittedModel model, List<int[]> inputs) = PrivateInputInferenceTests.Mlp(9220);
        LigeroParameters parameters = LigeroParameters.DefaultHidingWithBudget(2);
        InputLayout layout = InputLayout.Create(model.Commitment.InputShape, model.Commitment.InputBits, parameters.OpeningBudget);
        Assert.True(layout.HasPadding);
        Goldilocks[] tensor = layout.Scatter([inputs[0]]);
        tensor[13] = new Goldilocks(5);
        CommittedInput input = CommittedInput.CommitUnchecked(model.Commitment, [inputs[0]], parameters, new SeededSaltSource(9221), null, new SeededSaltSource(9222), tensor);
        CircuitPlan plan = model.Commitment.Plan(1);
        InferenceWitness witness = InferenceWitness.Build(plan, model.Model, [inputs[0]]);
        witness.FieldTensors[0][13] = new Goldilocks(5);
        InferenceProof forged = InferenceProver.ProvePrivateInputWithWitness(model, input, plan, witness, new SeededSaltSource(9223));

        ProofVerdict verdict = InferenceVerifier.CheckPrivateInput(model.Commitment, input.Commitment, witness.Outputs[0], forged, VerifierPolicy.Default);
        Assert.Equal((RejectionReason.Relation, "padding of the input"), (verdict.Reason, verdict.Relation));
    }
}
