using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;
using Thestage.Proofs;
using Thestage.Models;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Training;
using Thestage.Server.Cluster;
using Thestage.Server.Tests.Load;

namespace Thestage.Server.Tests.Cluster;

/// <summary>
/// A training run proven across an Orleans cluster (TestingHost, two silos in this process, one proof at a time each):
/// the gathered proofs verify exactly as the single-machine ones under the verifier's own policy, both silos prove, a silo
/// killed while proving loses no piece; a batch of inference proofs proven across the silos gives the single machine's
/// statements, accepted by the verifier. Tampered proofs: <c>Attacks/ClusterProvingAttackTests</c>.
/// </summary>
[Collection(LoadCollection.Name)]
public sealed class ClusterProvingTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await ProvingCluster.DeployAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task TrainingRun_ProvenAcrossTwoSilos_VerifiesAsOnOneMachine_AndBothSilosProved()
    {
        (TrainingRun run, TrainingDataset data) = ProvingCluster.Run.Value;
        var reports = new List<(int Completed, int Total)>();
        (TrainingProofs gathered, IReadOnlyDictionary<string, int> bySilo, int failed) =
            await ClusterProving.ProveAsync(_cluster.Client, run, data, null, default, null, new SynchronousProgress(reports), CancellationToken.None);
        TrainingProofs single = TrainingProver.ProveEveryStep(run, data);

        var policy = new VerifierPolicy();   // the verifier's own: the default soundness and sample size, zero seed
        Assert.True(TrainingVerifier.Verify(run.Transcript, single, policy));
        Assert.True(TrainingVerifier.Verify(run.Transcript, gathered, policy));
        Assert.True(TrainingVerifier.Verify(run.Transcript, TrainingProofsSerializer.Deserialize(TrainingProofsSerializer.Serialize(gathered)), policy));
        Assert.Equal(single.Steps.Select(s => s.Step), gathered.Steps.Select(s => s.Step));
        Assert.Equal(single.Ranges.Select(r => r.Snapshot), gathered.Ranges.Select(r => r.Snapshot));

        Assert.Equal(2, bySilo.Count);   // round-robin placement: pieces alternate between the two silos
        int pieces = ProvingCluster.Pieces(gathered);
        Assert.Equal(pieces, bySilo.Values.Sum());
        Assert.Equal(0, failed);
        Assert.Equal(pieces + 1, reports.Count);   // each piece, then the initial-snapshot proof
        Assert.Equal((pieces + 1, pieces + 1), reports[^1]);
    }

    [Fact]
    public async Task InferenceBatch_ProvenAcrossTwoSilos_VerifiesAsOnOneMachine_AndBothSilosProved()
    {
        ProvingCluster.ModelOwner owner = ProvingCluster.Owner.Value;
        var reports = new List<(int Completed, int Total)>();
        (InferenceProofBundle[] gathered, IReadOnlyDictionary<string, int> bySilo, int failed) = await ClusterProving.ProveInferenceAsync(
            _cluster.Client, owner.Committed.Model, owner.Seed, owner.Commitment, owner.Inputs, 2, null, null, new SynchronousProgress(reports), CancellationToken.None);

        Assert.Equal(3, gathered.Length);   // six inputs, two per piece
        Assert.Equal(2, bySilo.Count);
        Assert.Equal(3, bySilo.Values.Sum());
        Assert.Equal(0, failed);
        Assert.Equal((3, 3), reports[^1]);
        var policy = new VerifierPolicy();
        for (int i = 0; i < gathered.Length; i++)
        {
            // The same statement as the single machine's: the slice's inputs, the model's outputs, accepted by the verifier.
            int[][] slice = [.. owner.Inputs.Skip(2 * i).Take(2)];
            InferenceProofBundle single = InferenceProofBundle.Prove(owner.Committed, slice);
            int[][] outputs = [.. Enumerable.Range(0, gathered[i].Count).Select(s => gathered[i].GetOutput(s).ToArray())];
            Assert.Equal(slice, Enumerable.Range(0, gathered[i].Count).Select(s => gathered[i].GetInput(s).ToArray()));
            Assert.Equal(Enumerable.Range(0, single.Count).Select(s => single.GetOutput(s).ToArray()), outputs);
            Assert.Equal(slice.Select(x => IntegerEvaluator.Evaluate(owner.Committed.Model, x)), outputs);
            Assert.True(InferenceVerifier.VerifyBatch(owner.Commitment, slice, outputs, gathered[i].Proof, policy));
            Assert.True(InferenceProofBundleSerializer.Deserialize(InferenceProofBundleSerializer.Serialize(gathered[i])).Verify(owner.Commitment, policy));
            Assert.True(single.Verify(owner.Commitment, policy));
        }
    }

    [Fact]
    public async Task InferenceBatch_OfACommitmentMadeWithTheDefaults_IsRefusedBeforeAnyPieceIsSent()
    {
        // The default commitment has an opening budget: every silo would commit again from the seed and open with the same mask set.
        ProvingCluster.ModelOwner owner = ProvingCluster.Owner.Value;
        using ModelCommitmentSeed seed = ModelCommitmentSeed.Create();
        CommittedModel byDefault = CommittedModel.Commit(owner.Committed.Model, seed);
        Assert.Equal(CommittedModel.DefaultOpeningBudget, byDefault.Commitment.OpeningBudget);
        var reports = new List<(int Completed, int Total)>();

        ArgumentException error = await Assert.ThrowsAsync<ArgumentException>(() => ClusterProving.ProveInferenceBatchAsync(
            _cluster.Client, byDefault.Model, seed, byDefault.Commitment, owner.Inputs, 2, progress: new SynchronousProgress(reports)));

        Assert.Contains("LigeroParameters.Default", error.Message, StringComparison.Ordinal);
        Assert.Empty(reports);
        Assert.Equal(1, byDefault.OpeningsUsed);   // only the range proof: nothing was opened for the batch
    }

    [Fact]
    public async Task SampledSteps_ProvenAcrossTwoSilos_VerifyUnderTheVerifiersSeed_AndNoOther()
    {
        (TrainingRun run, TrainingDataset data) = ProvingCluster.Run.Value;
        Digest256 seed = Digest256.FromBytes([.. Enumerable.Range(7, 32).Select(i => (byte)i)]);
        TrainingProofs sampled = await ClusterProving.ProveSampledAsync(_cluster.Client, run, data, 2, seed);
        Assert.Equal(TrainingVerifier.SampledSteps(run.Transcript, 2, seed), sampled.Steps.Select(s => s.Step));
        Assert.True(TrainingVerifier.Verify(run.Transcript, sampled, new VerifierPolicy { MinimumSampleSize = 2, ChallengeSeed = seed }));
        Assert.False(TrainingVerifier.Verify(run.Transcript, sampled, new VerifierPolicy { MinimumSampleSize = 2 }));
    }

    [Fact]
    public async Task SiloKilledWhileProving_ItsPiecesAreProvenOnTheOther_AndTheRunsProofsVerify()
    {
        (TrainingRun run, TrainingDataset data) = ProvingCluster.SlowerRun.Value;
        SiloHandle victim = _cluster.SecondarySilos[0];

        // The silo is killed when the first piece is gathered, with pieces under way on both silos (six in flight,
        // alternating, each silo proving one at a time: the victim has two or three pieces of some 100 ms each running or
        // queued); they are lost with it and must be proven on the other.
        var reports = new List<(int Completed, int Total)>();
        var progress = new SynchronousProgress(reports, report =>
        {
            if (report.Item1 == 1)
            {
                _cluster.KillSiloAsync(victim).GetAwaiter().GetResult();
            }
        });
        (TrainingProofs proofs, IReadOnlyDictionary<string, int> bySilo, _) = await ClusterProving.ProveAsync(
            _cluster.Client, run, data, null, default, new ClusterProvingOptions { MaxPiecesInFlight = 6, RetryFor = TimeSpan.FromSeconds(90) }, progress, CancellationToken.None);

        // An in-process silo that is killed lets the calls it is running finish, so whether a piece is lost with it depends
        // on timing: LostSilo_… below makes the loss certain.
        Assert.True(TrainingVerifier.Verify(run.Transcript, proofs, new VerifierPolicy()));
        Assert.Equal(ProvingCluster.Pieces(proofs), bySilo.Values.Sum());
        Assert.Single(_cluster.GetActiveSilos());
    }

    [Fact]
    public async Task LostSilo_ItsPiecesAreSentAgainToTheNextSilo_AndTheRunsProofsVerify()
    {
        (TrainingRun run, TrainingDataset data) = ProvingCluster.Run.Value;
        int lost = 0;
        var losing = new InterceptingGrains(_cluster.Client, real => new LosingGrain(real, () => Interlocked.Increment(ref lost) <= 2));
        (TrainingProofs proofs, IReadOnlyDictionary<string, int> bySilo, int failed) =
            await ClusterProving.ProveAsync(losing, run, data, null, default, new ClusterProvingOptions { MaxPiecesInFlight = 2 }, null, CancellationToken.None);

        Assert.Equal(2, failed);
        Assert.Equal(ProvingCluster.Pieces(proofs), bySilo.Values.Sum());
        Assert.True(TrainingVerifier.Verify(run.Transcript, proofs, new VerifierPolicy()));
    }

    [Fact]
    public async Task Cancelled_StopsSendingPieces_AndEndsInOperationCanceled()
    {
        (TrainingRun run, TrainingDataset data) = ProvingCluster.Run.Value;
        using var cancel = new CancellationTokenSource();
        var reports = new List<(int Completed, int Total)>();
        var progress = new SynchronousProgress(reports, _ => cancel.Cancel());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            ClusterProving.ProveEveryStepAsync(_cluster.Client, run, data, new ClusterProvingOptions { MaxPiecesInFlight = 1 }, progress, cancel.Token));
        Assert.True(reports.Count < 9, $"{reports.Count} of the 9 pieces were proven although cancelled after the first");
    }

    /// <summary>A proving grain whose silo is lost while it proves (Orleans' SiloUnavailableException) when <c>lose</c> says so.</summary>
    private sealed class LosingGrain(IProvingGrain real, Func<bool> lose) : IProvingGrain
    {
        public Task<string> Silo() => real.Silo();

        public async Task<ProvingReply> Prove(byte[] piece, IStatementSource source, CancellationToken cancellationToken)
        {
            ProvingReply reply = await real.Prove(piece, source, cancellationToken);
            return lose() ? throw new Orleans.Runtime.SiloUnavailableException($"The silo {reply.Silo} was lost.") : reply;
        }
    }

    /// <summary>Progress reported on the reporting thread, in order (<see cref="Progress{T}"/> posts to the pool).</summary>
    private sealed class SynchronousProgress(List<(int Completed, int Total)> reports, Action<(int, int)>? then = null) : IProgress<(int Completed, int Total)>
    {
        public void Report((int Completed, int Total) value)
        {
            lock (reports)
            {
                reports.Add(value);
            }

            then?.Invoke(value);
        }
    }
}

/// <summary>The proving cluster of the tests, and a small recorded run (5-6-3 MLP, 4 steps of batch 4: nine pieces).</summary>
internal static class ProvingCluster
{
    public static readonly Lazy<(TrainingRun Run, TrainingDataset Data)> Run = new(() =>
    {
        var config = new TrainingConfig([5, 6, 3], batchSize: 4, learningRateShift: 2, fractionalBits: 12, weightBits: 20, valueBits: 24, seed: 71);
        var random = new Random(72);
        int[][] features = [.. Enumerable.Range(0, 40).Select(_ => Enumerable.Range(0, 5).Select(_ => random.Next(-4096, 4097)).ToArray())];
        int[] labels = [.. Enumerable.Range(0, 40).Select(_ => random.Next(3))];
        var data = new TrainingDataset(config, features, labels);
        return (TrainingRun.Record(config, data, 4, LigeroParameters.NonHidingForBenchmarks), data); // plain: hiding runs' steps are proven where the run is (their pieces would carry neither the dataset nor its mask sets)
    });

    /// <summary>A run whose pieces take long enough to be under way when a silo is killed (64-32-10, B = 16, 4 steps: nine pieces).</summary>
    public static readonly Lazy<(TrainingRun Run, TrainingDataset Data)> SlowerRun = new(() =>
    {
        var config = new TrainingConfig([64, 32, 10], batchSize: 16, learningRateShift: 2, fractionalBits: 12, weightBits: 20, valueBits: 24, seed: 73);
        var random = new Random(74);
        int[][] features = [.. Enumerable.Range(0, 64).Select(_ => Enumerable.Range(0, 64).Select(_ => random.Next(-4096, 4097)).ToArray())];
        var data = new TrainingDataset(config, features, [.. Enumerable.Range(0, 64).Select(_ => random.Next(10))]);
        return (TrainingRun.Record(config, data, 4, LigeroParameters.NonHidingForBenchmarks), data);
    });

    /// <summary>
    /// A model owner: a 9-5-3 MLP of random int8 weights committed from a seed with <see cref="LigeroParameters.Default"/> (hiding,
    /// without the opening budget of <see cref="CommittedModel.Commit(QuantizedModel, ModelCommitmentSeed, LigeroParameters?)"/>'s
    /// default, which the cluster refuses), and six inputs.
    /// </summary>
    public static readonly Lazy<ModelOwner> Owner = new(() =>
    {
        var random = new Random(75);
        QuantizedLayer Dense(int inputs, int outputs) => QuantizedLayer.Dense(
            inputs, outputs, [.. Enumerable.Range(0, inputs * outputs).Select(_ => random.Next(-128, 128))], [.. Enumerable.Range(0, outputs).Select(_ => random.Next(-512, 513))], 6);
        var model = new QuantizedModel(Shape.Vector(9), 8, 4, 4, [Dense(9, 5), QuantizedLayer.ReLU(), Dense(5, 3)]);
        ModelCommitmentSeed seed = ModelCommitmentSeed.Create();
        CommittedModel committed = CommittedModel.Commit(model, seed, LigeroParameters.Default);
        return new ModelOwner(committed, seed, [.. Enumerable.Range(0, 6).Select(_ => Enumerable.Range(0, 9).Select(_ => random.Next(-128, 128)).ToArray())]);
    });

    /// <summary>The pieces of a run's proofs: its step proofs and range proofs.</summary>
    public static int Pieces(TrainingProofs proofs) => proofs.Steps.Count + proofs.Ranges.Count;

    public static async Task<TestCluster> DeployAsync()
    {
        var builder = new TestClusterBuilder(2);
        builder.AddSiloBuilderConfigurator<Silo>();
        TestCluster cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    /// <summary>A committed model, its seed (secret) and the inputs to prove.</summary>
    internal sealed record ModelOwner(CommittedModel Committed, ModelCommitmentSeed Seed, int[][] Inputs)
    {
        public ModelCommitment Commitment => Committed.Commitment;
    }

    private sealed class Silo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo) =>
            silo.AddDistributedProving(concurrency: 1)
                .Configure<ClusterMembershipOptions>(membership =>
                {
                    // A lost silo is declared dead within seconds here (production keeps Orleans' defaults).
                    membership.ProbeTimeout = TimeSpan.FromSeconds(1);
                    membership.NumMissedProbesLimit = 2;
                    membership.NumVotesForDeathDeclaration = 1;
                });
    }
}
