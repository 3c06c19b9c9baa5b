using Thestage.Models;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Lookups;
using Thestage.Proofs.Quantization;

namespace Thestage.Proofs.Tests.Attacks;

/// <summary>
/// Attacks on a model that is not total (<see cref="QuantizedModel.IsTotal"/>): for an input the evaluator refuses (an
/// activation of 127,000), a cheating prover commits the activation wrapped into int16, or its true value with a limb
/// beyond the 8-bit table; both are rejected, since every activation is range-checked and q·2^s + r is unique far below p.
/// </summary>
public sealed class NonTotalModelAttackTests
{
    private static QuantizedModel Model() => new(
        new Shape(1), 16, 0, 0,
        [QuantizedLayer.Dense(1, 1, [127], [0], 0), QuantizedLayer.Dense(1, 1, [1], [0], 3)]);

    private static void SetTensor(CircuitPlan plan, InferenceWitness w, int t, long value)
    {
        int pos = plan.Layouts[t].Feature(0) << plan.LogBatch;
        w.Tensors[t][pos] = value;
        w.FieldTensors[t][pos] = CircuitPlan.Field(value);
    }

    private static void SetLimbs(CircuitPlan plan, InferenceWitness w, int t, ulong l0, ulong l1)
    {
        int pos = plan.Layouts[t].Feature(0) << plan.LogBatch;
        (int a, int b, _) = plan.Limbs[t];
        w.Advice[a][pos] = new Goldilocks(l0);
        w.Advice[b][pos] = new Goldilocks(l1);
    }

    private static void SetRemainder(CircuitPlan plan, InferenceWitness w, int layer, long r)
    {
        int pos = plan.Layouts[layer + 1].Feature(0) << plan.LogBatch;
        int[] limbs = plan.Remainders[layer];
        for (int i = 0; i < limbs.Length; i++)
        {
            w.Advice[limbs[i]][pos] = new Goldilocks((ulong)((r >> (8 * i)) & 255));
        }
    }

    private static bool Attack(long middle, ulong l0, ulong l1, int input)
    {
        QuantizedModel model = Model();
        Assert.False(model.IsTotal);
        CommittedModel committed = CommittedModel.Commit(model, salts: new SeededSaltSource(5));
        CircuitPlan plan = CircuitPlan.Create(committed.Commitment.InputShape, committed.Commitment.Layers, 1);
        InferenceWitness w = InferenceWitness.Build(plan, model, [[0]]);
        SetTensor(plan, w, 0, input);
        SetTensor(plan, w, 1, middle);
        SetLimbs(plan, w, 1, l0, l1);
        long q = FixedPoint.Requantize(middle, 3);
        SetTensor(plan, w, 2, q);
        SetRemainder(plan, w, 1, FixedPoint.Remainder(middle, 3));
        w.Outputs[0][0] = (int)q;
        var columns = plan.LookupColumns.Select(c => (w.Advice[c.Segment], c.Scale)).ToList();
        w.Advice[plan.MultiplicitySegment] = LogUpArgument.Multiplicities(columns, CircuitPlan.TableBits);
        List<int[]> inputs = [[input]];
        InferenceProof proof = InferenceProver.ProveWithWitness(committed, plan, inputs, w, new SeededSaltSource(9));
        return InferenceVerifier.VerifyBatch(committed.Commitment, inputs, w.Outputs, proof);
    }

    [Fact]
    public void HonestWitnessThroughTheTamperingHarness_Verifies_AndTheOverflowingInputIsRefused()
    {
        QuantizedModel model = Model();
        Assert.False(model.IsTotal);
        Assert.Equal(32768, model.BoundAt(1));
        Assert.Throws<ArgumentException>(() => IntegerEvaluator.Evaluate(model, [1000]));
        CommittedModel committed = CommittedModel.Commit(model, salts: new SeededSaltSource(5));
        (int[][] outputs, InferenceProof proof) = InferenceProver.ProveBatch(committed, [[100]], new SeededSaltSource(7));
        Assert.Equal(FixedPoint.Requantize(12700, 3), outputs[0][0]);
        Assert.True(InferenceVerifier.VerifyBatch(committed.Commitment, [[100]], outputs, proof));
        // Self-check of the tampering harness: honest values through Attack verify.
        long v = 12700 + 32768;
        Assert.True(Attack(12700, (ulong)(v & 255), (ulong)(v >> 8), 100));
    }

    [Fact]
    public void ActivationWrappedIntoInt16_ForAnInputTheModelRefuses_IsRejected()
    {
        long wrapped = 127000 - 131072; // -4072
        long v = wrapped + 32768;
        Assert.False(Attack(wrapped, (ulong)(v & 255), (ulong)(v >> 8), 1000));
    }

    [Fact]
    public void ActivationBeyondInt16WithALimbOutsideTheTable_IsRejected()
    {
        long v = 127000 + 32768;
        Assert.False(Attack(127000, (ulong)(v & 255), (ulong)(v >> 8), 1000));
    }
}
