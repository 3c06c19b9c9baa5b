using Thestage.Proofs;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Training;
using Thestage.Server.Cluster;
using Thestage.Server.Tests.Cluster;

namespace Thestage.Server.Tests.Attacks;

/// <summary>
/// A gatherer (or whoever reaches a silo's proving grains) sends pieces beyond the silo's <see cref="ProvingLimits"/>, or a
/// statement other than the one its pieces name: the silo refuses them with the format exception before it commits or proves
/// anything.
/// </summary>
public sealed class ProvingPieceAttackTests
{
    [Fact]
    public async Task InferencePieceWithMoreSamplesThanTheSilosLimit_IsRefused()
    {
        ProvingCluster.ModelOwner owner = ProvingCluster.Owner.Value;
        byte[] piece = new InferenceProofPlan(owner.Commitment, owner.Inputs, 3).Piece(0, owner.Committed.Model, owner.Seed).Serialize();
        using var silo = new SiloProver(new ProvingLimits { Concurrency = 1, MaxSamplesPerPiece = 2 });

        await Assert.ThrowsAsync<ProofFormatException>(() => silo.ProveAsync(piece, Commitment(owner), CancellationToken.None));
        using var larger = new SiloProver(new ProvingLimits { Concurrency = 1, MaxSamplesPerPiece = 3 });
        Assert.True(InferenceProofBundleSerializer.Deserialize(await larger.ProveAsync(piece, Commitment(owner), CancellationToken.None)).Verify(owner.Commitment));
    }

    [Fact]
    public async Task InferencePieceOfALargerModelThanTheSilosLimit_IsRefused()
    {
        ProvingCluster.ModelOwner owner = ProvingCluster.Owner.Value;   // 9·5 + 5 + 5·3 + 3 = 68 parameters
        byte[] piece = new InferenceProofPlan(owner.Commitment, owner.Inputs, 1).Piece(0, owner.Committed.Model, owner.Seed).Serialize();
        using var silo = new SiloProver(new ProvingLimits { Concurrency = 1, MaxParameters = 67 });

        ProofFormatException refused = await Assert.ThrowsAsync<ProofFormatException>(() => silo.ProveAsync(piece, Commitment(owner), CancellationToken.None));
        Assert.Contains("68 parameters", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrainingRunWithLargerBatchesOrModelThanTheSilosLimit_IsRefused()
    {
        (TrainingRun run, TrainingDataset data) = ProvingCluster.Run.Value;   // batches of 4, 5·6 + 6 + 6·3 + 3 = 57 parameters
        TrainingProofPlan plan = TrainingProofPlan.EveryStep(run.Transcript);
        byte[] piece = plan.Piece(Enumerable.Range(0, plan.Count).First(i => !plan[i].IsRange), run, data).Serialize();
        Func<Task<byte[]>> transcript = () => Task.FromResult(TrainingTranscriptSerializer.Serialize(run.Transcript));

        using var fewerSamples = new SiloProver(new ProvingLimits { Concurrency = 1, MaxSamplesPerPiece = 2 });
        await Assert.ThrowsAsync<ProofFormatException>(() => fewerSamples.ProveAsync(piece, transcript, CancellationToken.None));
        using var smallerModels = new SiloProver(new ProvingLimits { Concurrency = 1, MaxParameters = 56 });
        await Assert.ThrowsAsync<ProofFormatException>(() => smallerModels.ProveAsync(piece, transcript, CancellationToken.None));
        using var enough = new SiloProver(new ProvingLimits { Concurrency = 1, MaxSamplesPerPiece = 4, MaxParameters = 57 });
        Assert.NotEmpty(await enough.ProveAsync(piece, transcript, CancellationToken.None));
    }

    [Fact]
    public async Task GathererServingAnotherCommitmentThanItsPiecesName_IsRefused()
    {
        ProvingCluster.ModelOwner owner = ProvingCluster.Owner.Value;
        byte[] piece = new InferenceProofPlan(owner.Commitment, owner.Inputs, 1).Piece(0, owner.Committed.Model, owner.Seed).Serialize();
        using var seed = ModelCommitmentSeed.Create();
        ModelCommitment other = CommittedModel.Commit(owner.Committed.Model, seed).Commitment;   // the same model, another seed
        using var silo = new SiloProver(new ProvingLimits { Concurrency = 1 });

        await Assert.ThrowsAsync<ProofFormatException>(() => silo.ProveAsync(piece, () => Task.FromResult(ModelCommitmentSerializer.Serialize(other)), CancellationToken.None));
    }

    private static Func<Task<byte[]>> Commitment(ProvingCluster.ModelOwner owner) => () => Task.FromResult(ModelCommitmentSerializer.Serialize(owner.Commitment));
}
