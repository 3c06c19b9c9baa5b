using Thestage.Models;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Lookups;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Tests.Inference;

namespace Thestage.Proofs.Tests.Attacks;

/// <summary>
/// Issue 13: an honest LeNet-5 proof (max pooling, as zkCNN proves it) presented with a changed output, against a changed
/// weight commitment, or made by a prover that computes with other weights than it committed to; and cheating provers of the hiding
/// (<c>TSIP</c> v3) LeNet-5 proofs, whose convolutions, poolings and gathers are zero-checks over masked witness segments.
/// </summary>
public sealed class LeNet5TamperAttackTests
{
    [Fact]
    public void LeNet5OutputChanged_AfterProving_IsRejected()
    {
        LeNet5Proof lenet = LeNet5Proof.MaxPooling.Value;
        Assert.True(InferenceVerifier.Verify(lenet.Model.Commitment, lenet.Input, lenet.Output, lenet.Proof));
        for (int i = 0; i < lenet.Output.Length; i++)
        {
            foreach (int delta in (int[])[1, -1])
            {
                int[] wrong = (int[])lenet.Output.Clone();
                wrong[i] += delta;
                VerdictAssert.Rejected(InferenceVerifier.Check(lenet.Model.Commitment, lenet.Input, wrong, lenet.Proof, VerifierPolicy.Default), RejectionReason.Lookup);
            }
        }
    }

    [Fact]
    public void LeNet5WeightCommitmentRootChanged_IsRejected()
    {
        // A verifier handed a commitment whose weight root differs in one bit: either the reader refuses it or the proof fails.
        LeNet5Proof lenet = LeNet5Proof.MaxPooling.Value;
        byte[] bytes = ModelCommitmentSerializer.Serialize(lenet.Model.Commitment);
        byte[] root = lenet.Model.Commitment.WeightCommitments[0].Root.ToArray();
        int at = bytes.AsSpan().IndexOf(root);
        Assert.True(at > 0);
        for (int bit = 0; bit < 8 * Digest256.Length; bit += 37)
        {
            byte[] tampered = (byte[])bytes.Clone();
            tampered[at + (bit / 8)] ^= (byte)(1 << (bit % 8));
            ModelCommitment commitment;
            try
            {
                commitment = ModelCommitmentSerializer.Deserialize(tampered);
            }
            catch (ProofFormatException)
            {
                continue;
            }

            // The range proof's transcript binds the root, so its first check, the logUp, fails.
            VerdictAssert.Rejected(commitment.CheckWeightRanges(), RejectionReason.Lookup);
            Assert.False(commitment.VerifyWeightRanges());
            VerdictAssert.Rejected(InferenceVerifier.Check(commitment, lenet.Input, lenet.Output, lenet.Proof, VerifierPolicy.Default), RejectionReason.WeightRanges, "weight range proof");
        }
    }

    [Fact]
    public void LeNet5ProvenWithOneWeightChanged_AgainstTheOriginalCommitment_IsRejected()
    {
        LeNet5Proof lenet = LeNet5Proof.MaxPooling.Value;
        QuantizedModel original = lenet.Model.Model;
        int dense = original.Layers.Select((l, i) => (l, i)).Last(p => p.l.Kind == Models.LayerKind.Dense).i;
        QuantizedLayer layer = original.Layers[dense];
        int[] weights = layer.Weights.ToArray();
        // The weight of the largest product with the last hidden activation, so the output changes.
        int[] hidden = IntegerEvaluator.Trace(original, lenet.Input).Tensors[dense];
        int column = Array.IndexOf(hidden, hidden.Max());
        weights[column] = weights[column] == QuantizedLayer.MaxWeight ? weights[column] - 64 : Math.Min(weights[column] + 64, QuantizedLayer.MaxWeight);
        var layers = original.Layers.ToList();
        layers[dense] = QuantizedLayer.Dense(layer.InFeatures, layer.OutFeatures, weights, layer.Bias, layer.Shift);
        var tampered = new QuantizedModel(original.InputShape, original.InputBits, original.InputFractionBits, original.OutputFractionBits, layers);
        Assert.NotEqual(lenet.Output, IntegerEvaluator.Evaluate(tampered, lenet.Input));

        // The prover computes with the changed weight but can only open the weights it committed to.
        (int[] output, InferenceProof proof) = InferenceProver.Prove(lenet.Model.WithSubstitutedModel(tampered), lenet.Input, new SeededSaltSource(1310));
        Assert.Equal(IntegerEvaluator.Evaluate(tampered, lenet.Input), output);
        VerdictAssert.Rejected(InferenceVerifier.Check(lenet.Model.Commitment, lenet.Input, output, proof, VerifierPolicy.Default), RejectionReason.Opening, "opening of weights");

        // The honest proof does not verify against a commitment to the changed weights either.
        CommittedModel other = CommittedModel.Commit(tampered, salts: new SeededSaltSource(1311));
        VerdictAssert.Rejected(InferenceVerifier.Check(other.Commitment, lenet.Input, lenet.Output, lenet.Proof, VerifierPolicy.Default), RejectionReason.Lookup);
    }

    [Fact]
    public void LeNet5MaxPoolOutputBelowItsMaximum_OnTheHidingPath_IsRejected()
    {
        // The first max pooling's output at its first window with distinct inputs set to the second largest input, with its limbs, its
        // window differences (the negative one as 16-bit limbs, 2^16 − k) and the multiplicities recomputed as a cheating prover would.
        LeNet5Proof lenet = LeNet5Proof.MaxPooling.Value;
        (CircuitPlan plan, InferenceWitness witness) = Witness(lenet);
        int pool = Array.FindIndex(plan.Layers, l => l.Kind == LayerKind.MaxPool2d);
        (int[] rows, int[] taps, _) = plan.Taps[pool];
        int window = plan.Layers[pool].Window;
        long Input(int tap) => witness.Tensors[pool][taps[tap] << plan.LogBatch];
        int o = Enumerable.Range(0, rows.Length / window).First(w => Enumerable.Range(0, window).Select(j => Input((w * window) + j)).Distinct().Count() > 1);
        long second = Enumerable.Range(0, window).Select(j => Input((o * window) + j)).OrderDescending().Distinct().ElementAt(1);
        int position = rows[o * window] << plan.LogBatch;
        SetCommitted(plan, witness, pool + 1, position, second);
        for (int j = 0; j < window; j++)
        {
            long d = second - Input((o * window) + j);
            (int l0, int l1) = plan.Differences[pool][j];
            witness.Advice[l0][position] = new Goldilocks((ulong)(d & 255));
            witness.Advice[l1][position] = new Goldilocks((ulong)((d >> 8) & 255));
        }

        Assert.False(ProveAndVerify(lenet, plan, witness));
    }

    [Fact]
    public void LeNet5ConvolutionOutputOffByOne_OnTheHidingPath_IsRejected()
    {
        foreach (LeNet5Proof lenet in new[] { LeNet5Proof.MaxPooling.Value, LeNet5Proof.AveragePooling.Value })
        {
            (CircuitPlan plan, InferenceWitness witness) = Witness(lenet);
            int conv = Array.FindLastIndex(plan.Layers, l => l.Kind == LayerKind.Conv2d);
            int position = plan.Layouts[conv + 1].Feature(7) << plan.LogBatch;
            SetCommitted(plan, witness, conv + 1, position, witness.Tensors[conv + 1][position] + 1);
            Assert.False(ProveAndVerify(lenet, plan, witness));
        }
    }

    [Fact]
    public void LeNet5GatheredEntrySwapped_OnTheHidingPath_IsRejected()
    {
        // The committed im2col matrix of the second convolution with two entries of different value swapped; then a value smuggled into a
        // padded kernel column (k ≥ 150), which the convolution's zero-check cannot see (its weights there are zero): only the gather's
        // zero-check, against the verifier's selector, refuses it.
        LeNet5Proof lenet = LeNet5Proof.AveragePooling.Value;
        (CircuitPlan plan, InferenceWitness witness) = Witness(lenet);
        ZeroKnowledgeLayout layout = plan.ZeroKnowledge!;
        int conv = Array.FindLastIndex(plan.Layers, l => l.Kind == LayerKind.Conv2d);
        int table = layout.Gathered[conv] - layout.AdviceSegments;
        Assert.True(ProveAndVerify(lenet, plan, witness, _ => { }));
        int logSpatial = plan.Layouts[conv + 1].LogSpatial + plan.LogBatch;
        void Swap(Goldilocks[][] derived)
        {
            Goldilocks[] g = derived[table];
            int a = 0, b = Enumerable.Range(1, g.Length - 1).First(i => g[i] != g[0] && i >> logSpatial != 0);
            (g[a], g[b]) = (g[b], g[a]);
        }

        void Smuggle(Goldilocks[][] derived) => derived[table][(150 << logSpatial) + 3] = new Goldilocks(5);
        foreach (Action<Goldilocks[][]> cheat in new Action<Goldilocks[][]>[] { Swap, Smuggle })
        {
            InferenceProof proof = InferenceProver.ProveWithWitness(lenet.Model, plan, [lenet.Input], witness, new SeededSaltSource(1320), alterDerived: cheat);
            Assert.True(proof.HidesClaims);
            VerdictAssert.Rejected(InferenceVerifier.Check(lenet.Model.Commitment, lenet.Input, witness.Outputs[0], proof, VerifierPolicy.Default), RejectionReason.Relation, $"layer {conv} (Conv2d)");
        }
    }

    private static (CircuitPlan Plan, InferenceWitness Witness) Witness(LeNet5Proof lenet)
    {
        CircuitPlan plan = lenet.Model.Commitment.Plan(1);
        return (plan, InferenceWitness.Build(plan, lenet.Model.Model, [lenet.Input]));
    }

    private static bool ProveAndVerify(LeNet5Proof lenet, CircuitPlan plan, InferenceWitness witness, Action<Goldilocks[][]>? alterDerived = null)
    {
        InferenceProof proof = InferenceProver.ProveWithWitness(lenet.Model, plan, [lenet.Input], witness, new SeededSaltSource(1321), alterDerived: alterDerived);
        Assert.True(proof.HidesClaims);
        return InferenceVerifier.Verify(lenet.Model.Commitment, lenet.Input, witness.Outputs[0], proof);
    }

    /// <summary>Sets an entry of a committed tensor with its limbs (<c>x = l0 + 2^8·l1 (+ 2^15·e) − 2^15</c>) and recounts the multiplicities.</summary>
    private static void SetCommitted(CircuitPlan plan, InferenceWitness witness, int tensor, int position, long value)
    {
        witness.Tensors[tensor][position] = value;
        witness.FieldTensors[tensor][position] = CircuitPlan.Field(value);
        (int l0, int l1, int e) = plan.Limbs[tensor];
        long sign = e >= 0 && value >= 0 ? 1 : 0;
        long unsigned = value + (32768 * (1 - sign));
        witness.Advice[l0][position] = new Goldilocks((ulong)(unsigned & 255));
        witness.Advice[l1][position] = new Goldilocks((ulong)(unsigned >> 8));
        if (e >= 0)
        {
            witness.Advice[e][position] = new Goldilocks((ulong)sign);
        }

        var columns = plan.LookupColumns.Select(c => (witness.Advice[c.Segment], c.Scale)).ToList();
        witness.Advice[plan.MultiplicitySegment] = LogUpArgument.Multiplicities(columns, CircuitPlan.TableBits);
    }
}
