using Thestage.Proofs.Commitments;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Tests.Quantization;
using Thestage.Proofs.Tests.Training;
using Thestage.Proofs.Training;

namespace Thestage.Proofs.Tests.Attacks;

/// <summary>
/// A prover hands a verifier that requires zero-knowledge (<see cref="VerifierPolicy.RequireZeroKnowledge"/>) a valid proof made
/// in the non-hiding mode (<see cref="LigeroParameters.NonHidingForBenchmarks"/>), which reveals round messages and opened columns
/// of the weights or snapshots: every proof kind — inference (single, batch, bundle), the model commitment's weight range proof,
/// the training run and each of its proofs (initial snapshot, step, snapshot range), the model link with either side plain — is
/// refused as <see cref="RejectionReason.NotZeroKnowledge"/>, while the same proof passes the default policy (so the test sees
/// the proof is valid and only its mode is refused) and the hiding proofs of the defaults pass the strict policy.
/// </summary>
public sealed class PlainProofUnderZeroKnowledgePolicyAttackTests
{
    private static readonly VerifierPolicy Strict = new() { RequireZeroKnowledge = true };

    private static readonly TrainingConfig Config =
        new([6, 5, 3], batchSize: 4, learningRateShift: 2, fractionalBits: 12, weightBits: 20, valueBits: 24, seed: 81);

    [Fact]
    public void PlainInferenceProofsAndWeightRanges_PresentedToAVerifierRequiringZeroKnowledge_AreRefused()
    {
        var random = new Random(9701);
        (QuantizedModel model, List<int[]> inputs) = TestModels.Quantized(TestModels.Mlp(random, [9, 5, 3]), random, 2);
        CommittedModel plain = CommittedModel.Commit(model, LigeroParameters.NonHidingForBenchmarks, new SeededSaltSource(9702));
        (int[][] outputs, InferenceProof proof) = InferenceProver.ProveBatch(plain, inputs, new SeededSaltSource(9703));
        InferenceProofBundle bundle = InferenceProofBundle.Prove(plain, inputs, new SeededSaltSource(9704));

        Assert.True(InferenceVerifier.CheckBatch(plain.Commitment, inputs, outputs, proof, VerifierPolicy.Default).IsAccepted);
        Assert.Equal(RejectionReason.NotZeroKnowledge, InferenceVerifier.CheckBatch(plain.Commitment, inputs, outputs, proof, Strict).Reason);
        Assert.False(InferenceVerifier.VerifyBatch(plain.Commitment, inputs, outputs, proof, Strict));
        (int[] output, InferenceProof single) = InferenceProver.Prove(plain, inputs[0], new SeededSaltSource(9705));
        Assert.Equal(RejectionReason.NotZeroKnowledge, InferenceVerifier.Check(plain.Commitment, inputs[0], output, single, Strict).Reason);
        Assert.True(bundle.Check(plain.Commitment, VerifierPolicy.Default).IsAccepted);
        Assert.Equal(RejectionReason.NotZeroKnowledge, bundle.Check(plain.Commitment, Strict).Reason);
        Assert.True(plain.Commitment.CheckWeightRanges(VerifierPolicy.Default).IsAccepted);
        Assert.Equal(RejectionReason.NotZeroKnowledge, plain.Commitment.CheckWeightRanges(Strict).Reason);

        // After a byte round trip too: the mode is read from the commitment's own parameters, not from anything the prover says.
        ModelCommitment reread = ModelCommitmentSerializer.Deserialize(ModelCommitmentSerializer.Serialize(plain.Commitment));
        Assert.Equal(RejectionReason.NotZeroKnowledge, InferenceVerifier.CheckBatch(reread, inputs, outputs, proof, Strict).Reason);

        // The default commitment is hiding and passes the strict policy.
        CommittedModel hiding = CommittedModel.Commit(model, salts: new SeededSaltSource(9706));
        (int[][] hidingOutputs, InferenceProof hidingProof) = InferenceProver.ProveBatch(hiding, inputs, new SeededSaltSource(9707));
        Assert.True(InferenceVerifier.CheckBatch(hiding.Commitment, inputs, hidingOutputs, hidingProof, Strict).IsAccepted);
        Assert.True(hiding.Commitment.CheckWeightRanges(Strict).IsAccepted);
    }

    [Fact]
    public void PlainTrainingProofs_PresentedToAVerifierRequiringZeroKnowledge_AreRefused()
    {
        TrainingDataset data = SyntheticData.Blobs(Config, 32, 1, 0.4, 9711).Train;
        TrainingRun plain = TrainingRun.Record(Config, data, 2, LigeroParameters.NonHidingForBenchmarks, new SeededSaltSource(9712));
        TrainingProofs proofs = TrainingProver.ProveEveryStep(plain, data);

        Assert.True(TrainingVerifier.Check(plain.Transcript, proofs, VerifierPolicy.Default).IsAccepted);
        Assert.Equal(RejectionReason.NotZeroKnowledge, TrainingVerifier.Check(plain.Transcript, proofs, Strict).Reason);
        Assert.Equal(RejectionReason.NotZeroKnowledge, InitialSnapshotArgument.Check(plain.Transcript, proofs.Initial, Strict).Reason);
        Assert.Equal(RejectionReason.NotZeroKnowledge, TrainingStepVerifier.Check(plain.Transcript, proofs.Steps[0], Strict).Reason);
        Assert.Equal(RejectionReason.NotZeroKnowledge, SnapshotRangeArgument.Check(plain.Transcript, proofs.Ranges[0], Strict).Reason);
        Assert.True(TrainingStepVerifier.Check(plain.Transcript, proofs.Steps[0], VerifierPolicy.Default).IsAccepted);

        // The default run is hiding and passes the strict policy.
        TrainingRun hiding = TrainingRun.Record(Config, data, 2, salts: new SeededSaltSource(9713));
        Assert.True(TrainingVerifier.Check(hiding.Transcript, TrainingProver.ProveEveryStep(hiding, data), Strict).IsAccepted);
    }

    [Fact]
    public void ModelLinksWithAPlainSide_PresentedToAVerifierRequiringZeroKnowledge_AreRefused()
    {
        TrainingDataset data = SyntheticData.Blobs(Config, 32, 1, 0.4, 9721).Train;
        TrainingRun plainRun = TrainingRun.Record(Config, data, 2, LigeroParameters.NonHidingForBenchmarks, new SeededSaltSource(9722));
        TrainingRun hidingRun = TrainingRun.Record(Config, data, 2, salts: new SeededSaltSource(9723));
        foreach ((TrainingRun run, bool hidingModel) in new[] { (plainRun, false), (plainRun, true), (hidingRun, false), (hidingRun, true) })
        {
            QuantizedModel quantized = ModelLinkArgument.Quantize(run.Snapshots[^1], 12, 6);
            CommittedModel model = CommittedModel.Commit(quantized, hidingModel ? null : LigeroParameters.NonHidingForBenchmarks, new SeededSaltSource(9724));
            ModelLinkProof link = ModelLinkArgument.Prove(run, model, new SeededSaltSource(9726));
            Assert.True(ModelLinkArgument.Check(run.Transcript, model.Commitment, link, VerifierPolicy.Default).IsAccepted);
            ProofVerdict strict = ModelLinkArgument.Check(run.Transcript, model.Commitment, link, Strict);
            bool zeroKnowledge = run == hidingRun && hidingModel;
            Assert.Equal(zeroKnowledge ? RejectionReason.None : RejectionReason.NotZeroKnowledge, strict.Reason);
        }
    }
}
