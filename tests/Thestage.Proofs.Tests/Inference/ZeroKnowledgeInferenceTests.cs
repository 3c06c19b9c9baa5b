using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Tests.Quantization;
using Thestage.Proofs.Tests.Statistics;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Tests.Inference;

/// <summary>
/// Inference proofs over hiding commitments have zero-knowledge sumchecks (<c>TSIP</c> v2): complete, their masks bound
/// (tampered or missing pools refused), and the round messages of two weight sets with one public statement
/// indistinguishable, while plain proofs' messages tell the weight sets apart.
/// </summary>
public sealed class ZeroKnowledgeInferenceTests
{
    /// <summary>
    /// Two weight sets giving the same outputs on inputs whose first feature is 0: the second differs from the first in
    /// the first dense layer's column 0 only, which multiplies that zero feature.
    /// </summary>
    private static (QuantizedModel First, QuantizedModel Second, List<int[]> Inputs) TwoWeightSetsWithOneStatement(int seed)
    {
        var random = new Random(seed);
        (QuantizedModel first, List<int[]> inputs) = TestModels.Quantized(TestModels.Mlp(random, [16, 8, 4]), random, 2);
        foreach (int[] input in inputs)
        {
            input[0] = 0;
        }

        QuantizedLayer dense = first.Layers[0];
        int[] weights = dense.Weights.ToArray();
        for (int o = 0; o < dense.OutFeatures; o++)
        {
            weights[o * dense.InFeatures] = weights[o * dense.InFeatures] == 5 ? -7 : 5;
        }

        var layers = first.Layers.ToList();
        layers[0] = QuantizedLayer.Dense(dense.InFeatures, dense.OutFeatures, weights, dense.Bias, dense.Shift);
        var second = new QuantizedModel(first.InputShape, first.InputBits, first.InputFractionBits, first.OutputFractionBits, layers);
        return (first, second, inputs);
    }

    [Fact]
    public void HidingCommitmentsGiveZeroKnowledgeProofsWhoseMasksAreBound()
    {
        (QuantizedModel quantized, _, List<int[]> inputs) = TwoWeightSetsWithOneStatement(8100);
        CommittedModel model = CommittedModel.Commit(quantized, LigeroParameters.DefaultHiding, new SeededSaltSource(8101));
        (int[][] outputs, InferenceProof proof) = InferenceTestKit.Prove(model, inputs, 8102);
        Assert.True(proof.IsMasked);
        Assert.All(proof.Sumchecks, s => Assert.True(s.IsMasked));
        InferenceProof reread = InferenceProofSerializer.Deserialize(InferenceProofSerializer.Serialize(proof));
        Assert.True(InferenceVerifier.VerifyBatch(model.Commitment, inputs, outputs, reread));

        // Without its pool (read as a plain proof), with a changed chunk opening, or with a chunk dropped: refused.
        var stripped = new InferenceProof(proof.AdviceRoot, proof.Sumchecks, proof.Values, proof.AdviceOpening, proof.WeightOpenings);
        Assert.False(InferenceVerifier.VerifyBatch(model.Commitment, inputs, outputs, stripped));
        LigeroOpeningProof<E> opening = proof.MaskOpenings[0];
        E[] evaluation = opening.EvaluationRow.ToArray();
        evaluation[^1] += E.One;
        var changed = new LigeroOpeningProof<E>(opening.ProximityRow, evaluation, opening.RowCount, opening.Columns, opening.Salts, opening.MerkleProof);
        Assert.False(InferenceVerifier.VerifyBatch(model.Commitment, inputs, outputs, WithPool(proof, proof.MaskChunks, [changed, .. proof.MaskOpenings.Skip(1)])));
        Assert.False(InferenceVerifier.VerifyBatch(model.Commitment, inputs, outputs, WithPool(proof, [.. proof.MaskChunks, proof.MaskChunks[0]], [.. proof.MaskOpenings, opening])));

        // A chunk larger than the prover chooses for the plan is refused before any work on it.
        int planned = InferenceProver.MaskChunkLogSize(model.Commitment.Plan(inputs.Count));
        Assert.True(planned < SumcheckMaskChunk.MaxLogSize);
        Assert.Equal(planned, proof.MaskChunks[0].LogSize);
        Assert.False(InferenceVerifier.VerifyBatch(model.Commitment, inputs, outputs, WithPool(proof, [proof.MaskChunks[0] with { LogSize = planned + 1 }], proof.MaskOpenings)));
    }

    [Fact]
    public void HidingCommitmentsRangeProofsHaveZeroKnowledgeSumchecksWhoseMasksAreBound()
    {
        (QuantizedModel quantized, _, _) = TwoWeightSetsWithOneStatement(8150);
        CommittedModel model = CommittedModel.Commit(quantized, LigeroParameters.DefaultHiding, new SeededSaltSource(8151));
        WeightRangeProof range = model.Commitment.RangeProof!;
        Assert.True(range.IsMasked);
        Assert.All(range.Sumchecks, s => Assert.True(s.IsMasked));
        Assert.True(ModelCommitmentSerializer.Deserialize(ModelCommitmentSerializer.Serialize(model.Commitment)).VerifyWeightRanges());
        Assert.True(InferenceVerifier.SoundnessBits(model.Commitment, 1) >= VerifierPolicy.Default.MinimumSoundnessBits);

        // Without its pool, or with a changed chunk opening, the range proof (and so every inference proof) is refused.
        var stripped = new WeightRangeProof(range.Multiplicities, range.Sumchecks, range.Values, range.Openings);
        Assert.False(model.Commitment.WithRangeProof(stripped).VerifyWeightRanges());
        LigeroOpeningProof<E> opening = range.MaskOpenings[0];
        E[] proximity = opening.ProximityRow.ToArray();
        proximity[2] += E.One;
        var changed = new LigeroOpeningProof<E>(proximity, opening.EvaluationRow, opening.RowCount, opening.Columns, opening.Salts, opening.MerkleProof);
        var tampered = new WeightRangeProof(range.Multiplicities, range.Sumchecks, range.Values, range.Openings, range.MaskChunks, [changed, .. range.MaskOpenings.Skip(1)]);
        Assert.False(model.Commitment.WithRangeProof(tampered).VerifyWeightRanges());
    }

    private static InferenceProof WithPool(InferenceProof proof, IReadOnlyList<SumcheckMaskChunk> chunks, IReadOnlyList<LigeroOpeningProof<E>> openings) =>
        new(proof.AdviceRoot, proof.Sumchecks, proof.Values, proof.AdviceOpening, proof.WeightOpenings, chunks, openings);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void RoundMessagesOfTwoWeightSetsWithOneStatementAreIndistinguishableOnlyWhenHiding(bool hiding)
    {
        // The commitments' and the witness's salts are fixed (the challenges are then a function of the weights alone); only
        // the prover's masking randomness changes from proof to proof, which is all a plain proof lacks.
        const int Proofs = 20;
        (QuantizedModel first, QuantizedModel second, List<int[]> inputs) = TwoWeightSetsWithOneStatement(8200);
        LigeroParameters parameters = hiding ? LigeroParameters.DefaultHiding : LigeroParameters.NonHidingForBenchmarks;
        var test = new TwoSampleChiSquare();
        foreach ((QuantizedModel quantized, bool isFirst) in new[] { (first, true), (second, false) })
        {
            CommittedModel model = CommittedModel.Commit(quantized, parameters, new SeededSaltSource(8201));
            CircuitPlan plan = model.Commitment.Plan(inputs.Count);
            InferenceWitness witness = InferenceWitness.Build(plan, model.Model, inputs);
            for (int s = 0; s < Proofs; s++)
            {
                InferenceProof proof = InferenceProver.ProveWithWitness(model, plan, inputs, witness, new SeededSaltSource(8202), new SeededSaltSource(8300 + (2 * s) + (isFirst ? 0 : 1)));
                test.AddRoundMessages(isFirst, proof.Sumchecks);
            }
        }

        Assert.True(hiding != test.Distinguishes, $"χ² = {test.Statistic():F1} over {test.Counts} values");
    }
}
