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
            await ClusterProving.ProveAsync(hostile, run, data, null, default, new ClusterProvingOptions { MaxPiecesInFlight = 1 }, null, CancellationToken.None);

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
            ClusterProving.ProveEveryStepAsync(hostile, run, data, new ClusterProvingOptions { MaxPiecesInFlight = 1, MaxRejectedProofs = 2 }));
        Assert.Contains("refused 2 times", refused.Message, StringComparison.Ordinal);
        Assert.Equal(2, hostile.Tampered);
    }

    /// <summary>The cluster, with the answers of its proving grains altered: the first <c>tamperFirst</c> step proofs get one byte flipped in their body.</summary>
    private sealed class TamperingGrains(IGrainFactory inner, int tamperFirst) : IGrainFactory
    {
        private readonly int _tamperFirst = tamperFirst;
        private int _tampered;

        public int Tampered => Volatile.Read(ref _tampered);

        public TGrainInterface GetGrain<TGrainInterface>(string primaryKey, string? grainClassNamePrefix = null)
            where TGrainInterface : IGrainWithStringKey
        {
            TGrainInterface grain = inner.GetGrain<TGrainInterface>(primaryKey, grainClassNamePrefix);
            return grain is IProvingGrain proving ? (TGrainInterface)(object)new TamperingGrain(proving, this) : grain;
        }

        public TGrainInterface GetGrain<TGrainInterface>(Guid primaryKey, string? grainClassNamePrefix = null)
            where TGrainInterface : IGrainWithGuidKey => inner.GetGrain<TGrainInterface>(primaryKey, grainClassNamePrefix);

        public TGrainInterface GetGrain<TGrainInterface>(long primaryKey, string? grainClassNamePrefix = null)
            where TGrainInterface : IGrainWithIntegerKey => inner.GetGrain<TGrainInterface>(primaryKey, grainClassNamePrefix);

        public TGrainInterface GetGrain<TGrainInterface>(Guid primaryKey, string keyExtension, string? grainClassNamePrefix = null)
            where TGrainInterface : IGrainWithGuidCompoundKey => inner.GetGrain<TGrainInterface>(primaryKey, keyExtension, grainClassNamePrefix);

        public TGrainInterface GetGrain<TGrainInterface>(long primaryKey, string keyExtension, string? grainClassNamePrefix = null)
            where TGrainInterface : IGrainWithIntegerCompoundKey => inner.GetGrain<TGrainInterface>(primaryKey, keyExtension, grainClassNamePrefix);

        public TGrainObserverInterface CreateObjectReference<TGrainObserverInterface>(IGrainObserver obj)
            where TGrainObserverInterface : IGrainObserver => inner.CreateObjectReference<TGrainObserverInterface>(obj);

        public void DeleteObjectReference<TGrainObserverInterface>(IGrainObserver obj)
            where TGrainObserverInterface : IGrainObserver => inner.DeleteObjectReference<TGrainObserverInterface>(obj);

        public IGrain GetGrain(Type grainInterfaceType, Guid grainPrimaryKey) => inner.GetGrain(grainInterfaceType, grainPrimaryKey);

        public IGrain GetGrain(Type grainInterfaceType, long grainPrimaryKey) => inner.GetGrain(grainInterfaceType, grainPrimaryKey);

        public IGrain GetGrain(Type grainInterfaceType, string grainPrimaryKey) => inner.GetGrain(grainInterfaceType, grainPrimaryKey);

        public IGrain GetGrain(Type grainInterfaceType, Guid grainPrimaryKey, string keyExtension) => inner.GetGrain(grainInterfaceType, grainPrimaryKey, keyExtension);

        public IGrain GetGrain(Type grainInterfaceType, long grainPrimaryKey, string keyExtension) => inner.GetGrain(grainInterfaceType, grainPrimaryKey, keyExtension);

        public TGrainInterface GetGrain<TGrainInterface>(GrainId grainId)
            where TGrainInterface : IAddressable => inner.GetGrain<TGrainInterface>(grainId);

        public IAddressable GetGrain(GrainId grainId) => inner.GetGrain(grainId);

        public IAddressable GetGrain(GrainId grainId, GrainInterfaceType interfaceType) => inner.GetGrain(grainId, interfaceType);

        public IAddressable GetGrain(Type interfaceType, IdSpan grainKey) => inner.GetGrain(interfaceType, grainKey);

        public IAddressable GetGrain(Type interfaceType, IdSpan grainKey, string grainClassNamePrefix) => inner.GetGrain(interfaceType, grainKey, grainClassNamePrefix);

        private sealed class TamperingGrain(IProvingGrain real, TamperingGrains owner) : IProvingGrain
        {
            public Task<string> Silo() => real.Silo();

            public async Task<ProvingReply> Prove(byte[] piece, ITranscriptSource source, CancellationToken cancellationToken)
            {
                ProvingReply reply = await real.Prove(piece, source, cancellationToken);
                bool isStep = reply.Proof.AsSpan(0, 4).SequenceEqual("TSSP"u8);
                if (!isStep || Interlocked.Increment(ref owner._tampered) > owner._tamperFirst)
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
