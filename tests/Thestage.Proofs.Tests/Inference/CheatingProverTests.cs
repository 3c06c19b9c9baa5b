using Thestage.Proofs.Fields;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Lookups;
using Thestage.Proofs.Sumcheck;

namespace Thestage.Proofs.Tests.Inference;

/// <summary>A prover that runs the real protocol on a tampered witness (the strongest attacks the tests can play).</summary>
public sealed class CheatingProverTests
{
    /// <summary>The model over a plain commitment (<c>TSIP</c> v1) or a hiding one (<c>TSIP</c> v3: zero-checks with hidden claims).</summary>
    private static (CommittedModel Model, List<int[]> Inputs, CircuitPlan Plan, InferenceWitness Witness) Setup(int seed, int batch, bool hiding)
    {
        (CommittedModel model, List<int[]> inputs) = InferenceTestKit.Mlp(Thestage.Proofs.Commitments.LigeroParameters.NonHidingForBenchmarks, seed, batch, 10, 6, 4);
        if (hiding)
        {
            model = CommittedModel.Commit(model.Model, Thestage.Proofs.Commitments.LigeroParameters.DefaultHiding, new SeededSaltSource(seed));
        }

        CircuitPlan plan = CircuitPlan.Create(model.Commitment.InputShape, model.Commitment.Layers, batch);
        return (model, inputs, plan, InferenceWitness.Build(plan, model.Model, inputs));
    }

    private static ProofVerdict Run(CommittedModel model, List<int[]> inputs, CircuitPlan plan, InferenceWitness witness)
    {
        InferenceProof proof = InferenceProver.ProveWithWitness(model, plan, inputs, witness, new SeededSaltSource(9));
        ProofVerdict verdict = InferenceVerifier.CheckBatch(model.Commitment, inputs, witness.Outputs, proof, VerifierPolicy.Default);
        Assert.Equal(verdict.IsAccepted, InferenceVerifier.VerifyBatch(model.Commitment, inputs, witness.Outputs, proof));
        return verdict;
    }

    private static void RecountMultiplicities(CircuitPlan plan, InferenceWitness witness)
    {
        var columns = plan.LookupColumns.Select(c => (witness.Advice[c.Segment], c.Scale)).ToList();
        witness.Advice[plan.MultiplicitySegment] = LogUpArgument.Multiplicities(columns, CircuitPlan.TableBits);
    }

    private static void BumpOutput(CircuitPlan plan, InferenceWitness witness, int sample, int index, int delta)
    {
        int last = plan.Source[plan.Layers.Length];
        int position = (plan.Layouts[last].Feature(index) << plan.LogBatch) + sample;
        witness.Outputs[sample][index] += delta;
        witness.Tensors[last][position] += delta;
        witness.FieldTensors[last][position] = CircuitPlan.Field(witness.Tensors[last][position]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void HonestWitnessVerifies(bool hiding)
    {
        (CommittedModel model, List<int[]> inputs, CircuitPlan plan, InferenceWitness witness) = Setup(900, 2, hiding);
        VerdictAssert.Accepted(Run(model, inputs, plan, witness));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WrongOutputWithUnchangedRemainderIsRejected(bool hiding)
    {
        (CommittedModel model, List<int[]> inputs, CircuitPlan plan, InferenceWitness witness) = Setup(901, 2, hiding);
        BumpOutput(plan, witness, 1, 2, 1);
        // The claimed sum of the output layer's sumcheck is wrong: its first round fails.
        VerdictAssert.Rejected(Run(model, inputs, plan, witness), RejectionReason.Relation, "layer 2 (Dense)", SumcheckFailure.RoundSumMismatch, 0);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WrongOutputWithCompensatingNegativeRemainderFailsTheRangeCheck(bool hiding)
    {
        (CommittedModel model, List<int[]> inputs, CircuitPlan plan, InferenceWitness witness) = Setup(902, 1, hiding);
        int lastLayer = plan.Layers.Length - 1;
        int shift = plan.Layers[lastLayer].Shift;
        Assert.True(shift > 0);
        BumpOutput(plan, witness, 0, 0, 1);

        // acc + h = (q + 1)·2^s + (r − 2^s): the identity holds in the field, but the remainder is negative.
        int position = plan.Layouts[plan.Layers.Length].Feature(0) << plan.LogBatch;
        int lowLimb = plan.Remainders[lastLayer][0];
        witness.Advice[lowLimb][position] -= new Goldilocks(1UL << shift);
        RecountMultiplicities(plan, witness);
        VerdictAssert.Rejected(Run(model, inputs, plan, witness), RejectionReason.Lookup);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ForgedSignLimbFailsTheRangeCheck(bool hiding)
    {
        (CommittedModel model, List<int[]> inputs, CircuitPlan plan, InferenceWitness witness) = Setup(903, 1, hiding);
        (_, int l1, int e) = plan.Limbs[1];
        int position = Array.FindIndex(witness.Advice[e], v => v == Goldilocks.One);
        Assert.True(position >= 0);

        // x + 2^15 = l0 + 2^8·(l1 + 128) + 2^15·(e − 1): same value, sign bit cleared, l1 out of [0, 128).
        witness.Advice[e][position] = Goldilocks.Zero;
        witness.Advice[l1][position] += new Goldilocks(128);
        RecountMultiplicities(plan, witness);
        VerdictAssert.Rejected(Run(model, inputs, plan, witness), RejectionReason.Lookup);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LowLimbOf256WithTheSameValueFailsTheRangeCheck(bool hiding)
    {
        (CommittedModel model, List<int[]> inputs, CircuitPlan plan, InferenceWitness witness) = Setup(906, 1, hiding);
        (int l0, int l1, _) = plan.Limbs[1];
        int position = Array.FindIndex(witness.Advice[l1], v => v != Goldilocks.Zero);
        Assert.True(position >= 0);

        // x + 2^15 = (l0 + 256) + 2^8·(l1 − 1): the same value, every relation holds, the low limb is at least 256.
        witness.Advice[l0][position] += new Goldilocks(256);
        witness.Advice[l1][position] -= Goldilocks.One;
        RecountMultiplicities(plan, witness);
        VerdictAssert.Rejected(Run(model, inputs, plan, witness), RejectionReason.Lookup);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RemainderOfAtLeastTwoToTheShiftFailsTheRangeCheck(bool hiding)
    {
        (CommittedModel model, List<int[]> inputs, CircuitPlan plan, InferenceWitness witness) = Setup(907, 1, hiding);
        int lastLayer = plan.Layers.Length - 1;
        int shift = plan.Layers[lastLayer].Shift;
        int[] limbs = plan.Remainders[lastLayer];
        Assert.True(shift > 0);
        int index = Array.FindIndex(witness.Outputs[0], v => v > -32768);
        BumpOutput(plan, witness, 0, index, -1);

        // acc + h = (q − 1)·2^s + (r + 2^s): the identity holds in the field, the remainder is 2^s or more (its top limb past its bits).
        int position = plan.Layouts[plan.Layers.Length].Feature(index) << plan.LogBatch;
        witness.Advice[limbs[^1]][position] += new Goldilocks(1UL << (shift - (8 * (limbs.Length - 1))));
        RecountMultiplicities(plan, witness);
        VerdictAssert.Rejected(Run(model, inputs, plan, witness), RejectionReason.Lookup);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WrongMultiplicitiesAreRejected(bool hiding)
    {
        (CommittedModel model, List<int[]> inputs, CircuitPlan plan, InferenceWitness witness) = Setup(904, 1, hiding);
        witness.Advice[plan.MultiplicitySegment][3] += Goldilocks.One;
        VerdictAssert.Rejected(Run(model, inputs, plan, witness), RejectionReason.Lookup);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WrongIntermediateActivationIsRejected(bool hiding)
    {
        (CommittedModel model, List<int[]> inputs, CircuitPlan plan, InferenceWitness witness) = Setup(905, 1, hiding);
        (int l0, _, _) = plan.Limbs[1];
        int position = Array.FindIndex(witness.Advice[l0], v => v.Value < 255);
        witness.Advice[l0][position] += Goldilocks.One;
        witness.Tensors[1][position] += 1;
        witness.FieldTensors[1][position] += Goldilocks.One;
        RecountMultiplicities(plan, witness);
        VerdictAssert.Rejected(Run(model, inputs, plan, witness), RejectionReason.Relation, "layer ");
    }
}
