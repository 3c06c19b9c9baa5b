using System.Buffers.Binary;
using Thestage.Models;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;

namespace Thestage.Proofs.Tests.Inference;

/// <summary>
/// <c>TSMC</c> v7: a hiding model commitment with an opening budget carries a weight mask set per opening (<see cref="WeightMaskLayout"/>),
/// and the <c>TSIP</c> v3 proof that opens set <c>b</c> reads only set <c>b</c>'s masks, so its weight and bias claims are masked.
/// </summary>
public sealed class HiddenWeightsInferenceTests
{
    public static TheoryData<string, int> ModelsAndBudgets()
    {
        var data = new TheoryData<string, int>();
        foreach (string name in ZeroKnowledgeClaimsInferenceTests.Models)
        {
            foreach (int budget in (int[])[2, 3, 5])
            {
                data.Add(name, budget);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ModelsAndBudgets))]
    public void HonestVersion3ProofsOverHiddenWeightsVerifyUntilTheBudgetEnds(string name, int budget)
    {
        // Budgets 2, 3, 5: one, two and four inference proofs after the range proof (opening 0).
        (CommittedModel model, List<int[]> inputs) = ZeroKnowledgeClaimsInferenceTests.Model(name, LigeroParameters.DefaultHidingWithBudget(budget));
        byte[] bytes = ModelCommitmentSerializer.Serialize(model.Commitment);
        Assert.Equal(7, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
        ModelCommitment reread = ModelCommitmentSerializer.Deserialize(bytes);
        Assert.Equal(bytes, ModelCommitmentSerializer.Serialize(reread));
        Assert.True(reread.VerifyWeightRanges());
        Assert.Equal(budget - 1, model.ProofsRemaining);
        CircuitPlan plan = reread.Plan(inputs.Count);
        for (int set = 1; set < budget; set++)
        {
            (int[][] outputs, InferenceProof proof) = InferenceTestKit.Prove(model, inputs, 8500 + set);
            Assert.True(proof.HidesClaims);
            Assert.All(proof.WeightOpenings, o => Assert.Equal(set, o.MaskIndex));
            InferenceProof again = InferenceProofSerializer.Deserialize(InferenceProofSerializer.Serialize(proof));
            VerdictAssert.Accepted(InferenceVerifier.CheckBatch(reread, inputs, outputs, again, VerifierPolicy.Default));

            // Each zero-check's weight and bias factors are masked: its round degree is that of DegreeWith(true).
            int first = proof.Sumchecks.Count - plan.ZeroKnowledge!.Checks.Length - 1 - proof.WeightOpenings.Count;
            for (int c = 0; c < plan.ZeroKnowledge.Checks.Length; c++)
            {
                Assert.Equal(plan.ZeroKnowledge.Checks[c].DegreeWith(true), proof.Sumchecks[first + c].GetRoundPolynomial(0).Length - 1);
            }

            int[][] wrong = outputs.Select(o => (int[])o.Clone()).ToArray();
            wrong[0][0] += 1;
            Assert.False(InferenceVerifier.VerifyBatch(reread, inputs, wrong, again));
        }

        Assert.Equal(0, model.ProofsRemaining);
        Assert.Throws<OpeningBudgetExhaustedException>(() => InferenceTestKit.Prove(model, inputs, 8599));
        Assert.True(InferenceVerifier.SoundnessBits(reread, inputs.Count) >= VerifierPolicy.Default.MinimumSoundnessBits);
    }

    [Fact]
    public void ABudgetOfOneIsTheRangeProofOnly()
    {
        (CommittedModel model, List<int[]> inputs) = ZeroKnowledgeClaimsInferenceTests.Model("mlp-16-8-4", LigeroParameters.DefaultHidingWithBudget(1));
        Assert.True(model.Commitment.HiddenWeights);
        Assert.True(model.Commitment.VerifyWeightRanges());
        Assert.Equal(0, model.ProofsRemaining);
        Assert.Throws<OpeningBudgetExhaustedException>(() => InferenceTestKit.Prove(model, inputs, 8600));
    }

    [Fact]
    public void AModelWithoutWeightsHasNoWeightMasksAndProvesOverABudgetedCommitment()
    {
        // Square → Square (remainders committed): v7, but no weight segment to mask; prover and verifier agree on no mask set.
        var model = new QuantizedModel(Shape.Vector(4), 6, 0, 0, [QuantizedLayer.Square(3), QuantizedLayer.Square(4)]);
        CommittedModel committed = CommittedModel.Commit(model, LigeroParameters.DefaultHidingWithBudget(2), new SeededSaltSource(8620));
        Assert.True(committed.Commitment.HiddenWeights);
        Assert.Null(committed.Commitment.WeightMasks);
        List<int[]> inputs = [[5, -7, 12, 0]];
        Assert.NotNull(committed.Commitment.Plan(1).ZeroKnowledge);
        (int[][] outputs, InferenceProof proof) = InferenceTestKit.Prove(committed, inputs, 8621);
        Assert.True(proof.HidesClaims);
        Assert.True(InferenceVerifier.VerifyBatch(ModelCommitmentSerializer.Deserialize(ModelCommitmentSerializer.Serialize(committed.Commitment)), inputs, outputs, proof));
    }

    [Fact]
    public void WithoutABudgetAHidingCommitmentKeepsItsWeightClaimsPlain()
    {
        // DefaultHiding hides the weights for one opening, the range proof's: no mask sets, TSMC v5, and the weight factors stay plain.
        (CommittedModel model, List<int[]> inputs) = ZeroKnowledgeClaimsInferenceTests.Model("mlp-16-8-4");
        Assert.False(model.Commitment.HiddenWeights);
        Assert.Equal(5, BinaryPrimitives.ReadUInt16LittleEndian(ModelCommitmentSerializer.Serialize(model.Commitment).AsSpan(4)));
        (int[][] outputs, InferenceProof proof) = InferenceTestKit.Prove(model, inputs, 8601);
        Assert.All(proof.WeightOpenings, o => Assert.Null(o.MaskIndex));
        Assert.True(InferenceVerifier.VerifyBatch(model.Commitment, inputs, outputs, proof));
    }

    [Fact]
    public void SeededCommitmentsDeriveTheWeightMasksFromTheSeedAndResumeTheBudget()
    {
        LigeroParameters parameters = LigeroParameters.DefaultHidingWithBudget(3);
        (CommittedModel plain, List<int[]> inputs) = ZeroKnowledgeClaimsInferenceTests.Model("mlp-10-6-4-batch-3");
        QuantizedModel quantized = plain.Model;
        using ModelCommitmentSeed seed = ModelCommitmentSeed.Create(), other = ModelCommitmentSeed.Create();
        CommittedModel first = CommittedModel.Commit(quantized, seed, parameters);
        Assert.True(first.Commitment.HiddenWeights);
        Assert.Equal(first.Commitment.Fingerprint, CommittedModel.Commit(quantized, seed, parameters).Commitment.Fingerprint);
        CommittedModel foreign = CommittedModel.Commit(quantized, other, parameters);
        Assert.NotEqual(first.Commitment.WeightCommitments[0].Root, foreign.Commitment.WeightCommitments[0].Root);

        // The masks are derived under their own label: the committed weight polynomials hold uniform masks beside equal weights.
        WeightMaskLayout masks = first.Commitment.WeightMasks!;
        int mask = masks.MaskOf(1, 0);
        AssertSegmentsDiffer(first.Polynomials, foreign.Polynomials, masks.Layout, mask);

        (int[][] outputs, InferenceProof proof) = InferenceTestKit.Prove(first, inputs, 8610);
        Assert.True(InferenceVerifier.VerifyBatch(first.Commitment, inputs, outputs, proof));
        CommittedModel resumed = CommittedModel.Commit(quantized, seed, parameters, first.OpeningsUsed);
        (int[][] again, InferenceProof second) = InferenceTestKit.Prove(resumed, inputs, 8611);
        Assert.All(second.WeightOpenings, o => Assert.Equal(2, o.MaskIndex));
        Assert.True(InferenceVerifier.VerifyBatch(first.Commitment, inputs, again, second));
        Assert.Throws<OpeningBudgetExhaustedException>(() => InferenceTestKit.Prove(resumed, inputs, 8612));
    }

    private static void AssertSegmentsDiffer(Goldilocks[][] a, Goldilocks[][] b, SegmentLayout layout, int segment)
    {
        int polynomial = layout.PolynomialOf(segment), offset = layout.OffsetOf(segment), size = 1 << layout.LogSizeOf(segment);
        Assert.False(a[polynomial].AsSpan(offset, size).SequenceEqual(b[polynomial].AsSpan(offset, size)));
        Assert.Contains(a[polynomial].AsSpan(offset, size).ToArray(), x => !x.IsZero);
    }
}
