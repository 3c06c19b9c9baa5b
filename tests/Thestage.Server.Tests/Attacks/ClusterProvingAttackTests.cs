using Orleans;
using Orleans.Runtime;
using Orleans.TestingHost;
using Thestage.Proofs;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Training;
using Thestage.Server.Cluster;
using Thestage.Server.Tests.Cluster;
using Thestage.Server.Tests.Load;

namespace Thestage.Server.Tests.Attacks;

/// <summary>
/// A worker of the proving cluster returns tampered proofs (a compromised silo, or its answers altered on the way): the
/// gatherer verifies every piece as it arrives, proves a refused piece again on the next silo, and never gathers a wrong
/// proof; a worker that always tampers fails the run. The same for batches of inference proofs: a piece altered on its way to a
/// silo (proven honestly, but for other inputs) and a silo that claims other outputs are refused by the gatherer.
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

    [Fact]
    public async Task InferencePieceAlteredInTransit_AndSiloClaimingOtherOutputs_AreRefusedByTheGatherer_AndTheBatchVerifies()
    {
        ProvingCluster.ModelOwner owner = ProvingCluster.Owner.Value;
        int calls = 0;
        var hostile = new InterceptingGrains(_cluster.Client, real => new AlteringGrain(real, piece =>
        {
            switch (Interlocked.Increment(ref calls))
            {
                case 1:
                    // On the way to the silo, the last input of the piece changes (its i16 is the piece's last two bytes): the
                    // silo proves it honestly — a valid proof of another statement than the gatherer's slice.
                    byte[] altered = (byte[])piece.Clone();
                    altered[^2] ^= 1;
                    return (altered, null);
                case 2:
                    // The silo lies: it answers the honest proof with another output for the first sample.
                    return (piece, bundle =>
                    {
                        InferenceProofBundle honest = InferenceProofBundleSerializer.Deserialize(bundle);
                        int[][] outputs = [.. Enumerable.Range(0, honest.Count).Select(i => honest.GetOutput(i).ToArray())];
                        outputs[0][0] += 1;
                        int[][] inputs = [.. Enumerable.Range(0, honest.Count).Select(i => honest.GetInput(i).ToArray())];
                        return InferenceProofBundleSerializer.Serialize(new InferenceProofBundle(honest.CommitmentFingerprint, inputs, outputs, honest.Proof));
                    });
                default:
                    return (piece, null);
            }
        }));
        (InferenceProofBundle[] bundles, IReadOnlyDictionary<string, int> _, int failed) = await ClusterProving.ProveInferenceAsync(
            hostile, owner.Committed.Model, owner.Seed, owner.Commitment, owner.Inputs, 3, null, new ClusterProvingOptions { MaxPiecesInFlight = 1 }, null, CancellationToken.None);

        Assert.Equal(2, failed);   // both refused by the gatherer, and proven again on the next silo
        Assert.Equal(owner.Inputs, bundles.SelectMany(b => Enumerable.Range(0, b.Count).Select(i => b.GetInput(i).ToArray())));
        Assert.Equal(owner.Inputs.Select(x => IntegerEvaluator.Evaluate(owner.Committed.Model, x)), bundles.SelectMany(b => Enumerable.Range(0, b.Count).Select(i => b.GetOutput(i).ToArray())));
        Assert.All(bundles, b => Assert.True(b.Verify(owner.Commitment, new VerifierPolicy())));
    }

    [Fact]
    public async Task SiloThatAlwaysReturnsATamperedProof_FailsTheBatch_WithoutGatheringAWrongBundle()
    {
        ProvingCluster.ModelOwner owner = ProvingCluster.Owner.Value;
        int lies = 0;
        var hostile = new InterceptingGrains(_cluster.Client, real => new AlteringGrain(real, piece => (piece, bundle =>
        {
            Interlocked.Increment(ref lies);
            byte[] altered = (byte[])bundle.Clone();
            altered[^1] ^= 0x01;   // the last byte of the proof (last in the bundle)
            return altered;
        })));
        InvalidDataException refused = await Assert.ThrowsAsync<InvalidDataException>(() => ClusterProving.ProveInferenceBatchAsync(
            hostile, owner.Committed.Model, owner.Seed, owner.Commitment, owner.Inputs, 6, options: new ClusterProvingOptions { MaxPiecesInFlight = 1, MaxRejectedProofs = 2 }));
        Assert.Contains("refused 2 times", refused.Message, StringComparison.Ordinal);
        Assert.Equal(2, lies);
    }

    /// <summary>A proving grain whose piece (on the way to the silo) and reply (on the way back) <c>alter</c> may change.</summary>
    private sealed class AlteringGrain(IProvingGrain real, Func<byte[], (byte[] Piece, Func<byte[], byte[]>? Reply)> alter) : IProvingGrain
    {
        public Task<string> Silo() => real.Silo();

        public async Task<ProvingReply> Prove(byte[] piece, IStatementSource source, CancellationToken cancellationToken)
        {
            (byte[] sent, Func<byte[], byte[]>? reply) = alter(piece);
            ProvingReply answer = await real.Prove(sent, source, cancellationToken);
            return reply is null ? answer : answer with { Proof = reply(answer.Proof) };
        }
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

            public async Task<ProvingReply> Prove(byte[] piece, IStatementSource source, CancellationToken cancellationToken)
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
