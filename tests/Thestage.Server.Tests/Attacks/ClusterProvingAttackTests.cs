using Orleans;
using Orleans.Runtime;
using Orleans.TestingHost;
using Thestage.Proofs;
using Thestage.Proofs.Training;
using Thestage.Server.Cluster;
using Thestage.Server.Tests.Cluster;
using Thestage.Server.Tests.Load;

namespace Thestage.Server.Tests.Attacks;

/// <summary>
/// A worker of the proving cluster returns tampered proofs (a compromised silo, or its answers altered on the way): the
/// gatherer verifies every piece as it arrives, proves a refused piece again on the next silo, and never gathers a wrong
/// proof; a worker that always tampers fails the run.
/// </summary>
[Collection(LoadCollection.Name)]
public sealed class ClusterProvingAttackTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await ProvingCluster.DeployAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task TamperedStepProofsFromAWorker_AreRefusedByTheGatherer_AndProvenAgainElsewhere()
    {
        (TrainingRun run, TrainingDataset data) = ProvingCluster.Run.Value;
        var hostile = new TamperingGrains(_cluster.Client, tamperFirst: 2);
        (TrainingProofs proofs, IReadOnlyDictionary<string, int> _, int failed) =
            await ClusterProving.ProveAsync(hostile.Grains, run, data, null, default, new ClusterProvingOptions { MaxPiecesInFlight = 1 }, null, CancellationToken.None);

        Assert.Equal(2, hostile.Tampered);
        Assert.Equal(2, failed);
        Assert.True(TrainingVerifier.Verify(run.Transcript, proofs, new VerifierPolicy()));
    }

    [Fact]
    public async Task WorkerThatAlwaysTampers_FailsTheRun_WithoutGatheringAWrongProof()
    {
        (TrainingRun run, TrainingDataset data) = ProvingCluster.Run.Value;
        var hostile = new TamperingGrains(_cluster.Client, tamperFirst: int.MaxValue);
        InvalidDataException refused = await Assert.ThrowsAsync<InvalidDataException>(() =>
            ClusterProving.ProveEveryStepAsync(hostile.Grains, run, data, new ClusterProvingOptions { MaxPiecesInFlight = 1, MaxRejectedProofs = 2 }));
        Assert.Contains("refused 2 times", refused.Message, StringComparison.Ordinal);
        Assert.Equal(2, hostile.Tampered);
    }

    /// <summary>The answers of the proving grains altered: the first <c>tamperFirst</c> step proofs get one byte flipped in their body.</summary>
    private sealed class TamperingGrains(IGrainFactory inner, int tamperFirst)
    {
        private int _tampered;

        public InterceptingGrains Grains => new(inner, real => new TamperingGrain(real, this, tamperFirst));

        public int Tampered => Volatile.Read(ref _tampered);

        private sealed class TamperingGrain(IProvingGrain real, TamperingGrains owner, int tamperFirst) : IProvingGrain
        {
            public Task<string> Silo() => real.Silo();

            public async Task<ProvingReply> Prove(byte[] piece, ITranscriptSource source, CancellationToken cancellationToken)
            {
                ProvingReply reply = await real.Prove(piece, source, cancellationToken);
                bool isStep = reply.Proof.AsSpan(0, 4).SequenceEqual("TSSP"u8);
                if (!isStep || Interlocked.Increment(ref owner._tampered) > tamperFirst)
                {
                    if (isStep)
                    {
                        Interlocked.Decrement(ref owner._tampered);
                    }

                    return reply;
                }

                byte[] tampered = (byte[])reply.Proof.Clone();
                tampered[tampered.Length / 2] ^= 0x01;
                return reply with { Proof = tampered };
            }
        }
    }
}
