using System.Buffers.Binary;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Tests.Quantization;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Tests.Inference;

/// <summary>
/// A model committed with an opening budget (<see cref="ModelCommitment.OpeningBudget"/>): its weight range proof is the first
/// opening, each inference proof the next, each with its own mask set; the prover refuses beyond the budget, also after being
/// rebuilt from its seed with the persisted count; <c>TSMC</c> v6 carries the budget inside the digested architecture, and a
/// verifier refuses budgets above its policy.
/// </summary>
public sealed class ModelOpeningBudgetTests
{
    private const int Budget = 3;

    private static (QuantizedModel Model, List<int[]> Inputs) Model(int seed)
    {
        var random = new Random(seed);
        return TestModels.Quantized(TestModels.Mlp(random, [16, 8, 4]), random, 1);
    }

    [Fact]
    public void BudgetedModelProvesUntilItsBudgetAndThenRefuses()
    {
        (QuantizedModel quantized, List<int[]> inputs) = Model(9100);
        CommittedModel model = CommittedModel.Commit(quantized, LigeroParameters.DefaultHidingWithBudget(Budget), new SeededSaltSource(9101));
        Assert.Equal(Budget, model.Commitment.OpeningBudget);
        Assert.Equal(0, model.Commitment.Parameters.OpeningBudget);
        Assert.True(model.Commitment.VerifyWeightRanges());
        Assert.All(model.Commitment.RangeProof!.Openings, o => Assert.Equal(0, o.MaskIndex));
        Assert.Equal(1, model.OpeningsUsed);
        for (int proof = 1; proof < Budget; proof++)
        {
            Assert.Equal(Budget - proof, model.ProofsRemaining);
            (int[][] outputs, InferenceProof made) = InferenceTestKit.Prove(model, inputs, 9102 + proof);
            Assert.All(made.WeightOpenings, o => Assert.Equal(proof, o.MaskIndex));
            Assert.Null(made.AdviceOpening.MaskIndex);
            InferenceProof reread = InferenceProofSerializer.Deserialize(InferenceProofSerializer.Serialize(made));
            Assert.True(InferenceVerifier.VerifyBatch(model.Commitment, inputs, outputs, reread));
        }

        Assert.Equal(0, model.ProofsRemaining);
        OpeningBudgetExhaustedException refused = Assert.Throws<OpeningBudgetExhaustedException>(() => InferenceTestKit.Prove(model, inputs, 9110));
        Assert.Equal(Budget, refused.Budget);
    }

    [Fact]
    public void RebuiltFromItsSeedWithThePersistedCountTheModelResumesItsBudget()
    {
        (QuantizedModel quantized, List<int[]> inputs) = Model(9200);
        using ModelCommitmentSeed seed = ModelCommitmentSeed.Create();
        LigeroParameters parameters = LigeroParameters.DefaultHidingWithBudget(Budget);
        CommittedModel first = CommittedModel.Commit(quantized, seed, parameters);
        (int[][] outputs, InferenceProof proof) = InferenceTestKit.Prove(first, inputs, 9201);
        Assert.True(InferenceVerifier.VerifyBatch(first.Commitment, inputs, outputs, proof));
        int persisted = first.OpeningsUsed;
        Assert.Equal(2, persisted);

        // The same commitment (fingerprint) from the seed; the persisted count leaves one proof, which uses set 2.
        CommittedModel rebuilt = CommittedModel.Commit(quantized, seed, parameters, persisted);
        Assert.Equal(first.Commitment.Fingerprint, rebuilt.Commitment.Fingerprint);
        Assert.Equal(1, rebuilt.ProofsRemaining);
        (outputs, proof) = InferenceTestKit.Prove(rebuilt, inputs, 9202);
        Assert.All(proof.WeightOpenings, o => Assert.Equal(2, o.MaskIndex));
        Assert.True(InferenceVerifier.VerifyBatch(rebuilt.Commitment, inputs, outputs, proof));
        Assert.Throws<OpeningBudgetExhaustedException>(() => InferenceTestKit.Prove(rebuilt, inputs, 9203));

        // Another budget from the same seed is another commitment, sharing no salt or mask; counts outside [1, B] are refused.
        Assert.NotEqual(first.Commitment.Fingerprint, CommittedModel.Commit(quantized, seed, LigeroParameters.DefaultHidingWithBudget(Budget + 1)).Commitment.Fingerprint);
        Assert.Throws<ArgumentOutOfRangeException>(() => CommittedModel.Commit(quantized, seed, parameters, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => CommittedModel.Commit(quantized, seed, parameters, Budget + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => CommittedModel.Commit(quantized, seed, LigeroParameters.DefaultHiding, 1));
    }

    [Fact]
    public void BudgetRoundTripsInVersionSevenBoundByTheDigestAndCappedByTheVerifierPolicy()
    {
        (QuantizedModel quantized, List<int[]> inputs) = Model(9300);
        CommittedModel model = CommittedModel.Commit(quantized, LigeroParameters.DefaultHidingWithBudget(Budget), new SeededSaltSource(9301));
        byte[] bytes = ModelCommitmentSerializer.Serialize(model.Commitment);
        Assert.Equal(7, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
        ModelCommitment reread = ModelCommitmentSerializer.Deserialize(bytes);
        Assert.Equal(Budget, reread.OpeningBudget);
        Assert.Equal(bytes, ModelCommitmentSerializer.Serialize(reread));
        Assert.True(reread.VerifyWeightRanges());

        // The budget u32 follows the log blowup and the queries: 6 header + 24 input + 4 count + 32 per layer.
        int offset = 6 + 24 + 4 + (32 * reread.Layers.Length) + 8;
        Assert.Equal(Budget, (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset)));
        foreach (uint forged in new uint[] { 0, Budget + 1, LigeroParameters.MaxOpeningBudget + 1, uint.MaxValue })
        {
            byte[] changed = (byte[])bytes.Clone();
            BinaryPrimitives.WriteUInt32LittleEndian(changed.AsSpan(offset), forged);
            Assert.Throws<ProofFormatException>(() => ModelCommitmentSerializer.Deserialize(changed));
        }

        // Version 7 without the hiding bit, and a version-5 or version-6 header on its bytes: refused.
        byte[] version6 = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(version6.AsSpan(4), 6);
        Assert.Throws<ProofFormatException>(() => ModelCommitmentSerializer.Deserialize(version6));
        byte[] plainBit = (byte[])bytes.Clone();
        plainBit[offset - 8] = (byte)(bytes[offset - 8] & ~LigeroParameters.EncodedHidingFlag);
        Assert.Throws<ProofFormatException>(() => ModelCommitmentSerializer.Deserialize(plainBit));
        byte[] relabelled = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(relabelled.AsSpan(4), 5);
        Assert.Throws<ProofFormatException>(() => ModelCommitmentSerializer.Deserialize(relabelled));

        // A verifier accepting at most two openings refuses the statement, one accepting three verifies it.
        (int[][] outputs, InferenceProof proof) = InferenceTestKit.Prove(model, inputs, 9302);
        ProofVerdict capped = InferenceVerifier.CheckBatch(reread, inputs, outputs, proof, new VerifierPolicy { MaximumOpeningBudget = Budget - 1 });
        Assert.Equal(RejectionReason.SoundnessPolicy, capped.Reason);
        Assert.True(InferenceVerifier.CheckBatch(reread, inputs, outputs, proof, new VerifierPolicy { MaximumOpeningBudget = Budget }).IsAccepted);
        Assert.True(InferenceVerifier.SoundnessBits(reread, 1) >= VerifierPolicy.DefaultMinimumSoundnessBits);
        Assert.Throws<ArgumentOutOfRangeException>(() => new VerifierPolicy { MaximumOpeningBudget = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new VerifierPolicy { MaximumOpeningBudget = LigeroParameters.MaxOpeningBudget + 1 });

        // The weight openings checked under the commitment without its budget (a relabelled statement): refused.
        ModelCommitment unbudgeted = ModelCommitment.From(quantized, reread.WeightCommitmentArray, LigeroParameters.DefaultHiding, false).WithRangeProof(reread.RangeProof!);
        Assert.False(InferenceVerifier.VerifyBatch(unbudgeted, inputs, outputs, proof));
    }

    [Fact]
    public void ModelLinkProofsOpenTheWeightsWithinTheBudget()
    {
        // A link proof opens the model's weights like an inference proof: it takes the next mask set, verifies, and counts.
        var config = new Thestage.Proofs.Training.TrainingConfig([6, 5, 3], batchSize: 4, learningRateShift: 2, fractionalBits: 12, weightBits: 20, valueBits: 24, seed: 81);
        Thestage.Proofs.Training.TrainingDataset data = Training.SyntheticData.Blobs(config, 32, 1, 0.4, 9400).Train;
        Thestage.Proofs.Training.TrainingRun run = Thestage.Proofs.Training.TrainingRun.Record(config, data, 2, LigeroParameters.DefaultHiding, new SeededSaltSource(9401));
        CommittedModel model = CommittedModel.Commit(
            Thestage.Proofs.Training.ModelLinkArgument.Quantize(run.Snapshots[^1], 12, 6), LigeroParameters.DefaultHidingWithBudget(2), new SeededSaltSource(9402));
        Thestage.Proofs.Training.ModelLinkProof proof = Thestage.Proofs.Training.ModelLinkArgument.Prove(run, model, new SeededSaltSource(9403));
        Assert.All(proof.ModelOpeningArray, o => Assert.Equal(1, o.MaskIndex));
        Assert.True(Thestage.Proofs.Training.ModelLinkArgument.Verify(run.Transcript, model.Commitment, proof));
        Assert.Equal(RejectionReason.SoundnessPolicy, Thestage.Proofs.Training.ModelLinkArgument.Check(run.Transcript, model.Commitment, proof, new VerifierPolicy { MaximumOpeningBudget = 1 }).Reason);
        Assert.Equal(0, model.ProofsRemaining);
        Assert.Throws<OpeningBudgetExhaustedException>(() => Thestage.Proofs.Training.ModelLinkArgument.Prove(run, model, new SeededSaltSource(9404)));
    }

    [Fact]
    public void TrainingRunsGiveABudgetToTheirDatasetCommitmentOnly()
    {
        // A hiding run's dataset is opened once per step proof (h/zksamples): the budget is the dataset's; snapshots carry none.
        var config = new Thestage.Proofs.Training.TrainingConfig([1, 1, 1], batchSize: 1, learningRateShift: 0, fractionalBits: 2, weightBits: 8, valueBits: 8, seed: 1);
        var data = new Thestage.Proofs.Training.TrainingDataset(config, [[2]], [0]);
        Thestage.Proofs.Training.TrainingTranscript transcript = Thestage.Proofs.Training.TrainingRun.Record(config, data, 1, LigeroParameters.DefaultHidingWithBudget(2)).Transcript;
        Assert.Equal(0, transcript.Parameters.OpeningBudget);
        Assert.Equal(2, transcript.DatasetOpeningBudget);
    }
}
