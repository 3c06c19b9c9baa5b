using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Hosting;
using Orleans.Runtime;
using Thestage.Proofs;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Training;

namespace Thestage.Server.Cluster;

/// <summary>
/// Proves on an Orleans cluster what is made of independent proofs: a recorded training run (its step proofs and snapshot range
/// proofs) and a batch of inference proofs (slices of the inputs). Each proof is sent as a piece (its witness only: format
/// <c>TSPW</c> for training, <c>TSIW</c> for inference) to a proving grain, placed round robin over the silos; the proofs come
/// back as bytes (<c>TSSP</c>/<c>TSSR</c>, <c>TSPB</c>), each is verified here as it arrives, and the run's
/// <see cref="TrainingProofs"/> or the batch's <see cref="InferenceProofBundle"/>s are assembled here. The result verifies exactly
/// as <see cref="TrainingProver"/>'s or <see cref="InferenceProofBundle.Prove"/>'s on one machine: the same statements, proven by
/// the same code, with fresh salts (so not the same bytes).
/// </summary>
/// <remarks>
/// <para>
/// Faults. A piece whose silo is lost (or that cannot be delivered) is sent again, to the next silo, for
/// <see cref="ClusterProvingOptions.RetryFor"/>; a piece whose proof does not verify — a silo that proves wrongly or returns
/// tampered bytes — is proven again on the next silo, and after <see cref="ClusterProvingOptions.MaxRejectedProofs"/>
/// refusals the run fails. A wrong proof is never gathered.
/// </para>
/// <para>
/// What travels: to each silo, once, the public statement (the run's transcript, the model's commitment; fetched from this
/// gatherer, an Orleans observer); per piece, for training, the parameters before the step, two 32-byte salt seeds and the
/// opened batch (a 784-64-10 step at B = 16: about 250 KB); for inference, the model's weights (one byte each, biases four),
/// its commitment seed and the slice of inputs. The seeds and the weights are secrets: send pieces only to silos trusted with
/// the training data or the model.
/// </para>
/// </remarks>
public static class ClusterProving
{
    /// <summary>Makes a silo prove pieces of training runs (<see cref="ProveEveryStepAsync"/>) and of inference batches (<see cref="ProveInferenceBatchAsync"/>), at most <paramref name="concurrency"/> at once, within the default <see cref="ProvingLimits"/>.</summary>
    /// <param name="silo">The silo.</param>
    /// <param name="concurrency">Proofs run at once on this silo: its processor count by default.</param>
    /// <returns>The silo builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="concurrency"/> is below 1.</exception>
    public static ISiloBuilder AddDistributedProving(this ISiloBuilder silo, int? concurrency = null) =>
        AddDistributedProving(silo, new ProvingLimits { Concurrency = concurrency });

    /// <summary>Makes a silo prove pieces of training runs and of inference batches within <paramref name="limits"/>.</summary>
    /// <param name="silo">The silo.</param>
    /// <param name="limits">The proofs run at once and the largest pieces accepted.</param>
    /// <returns>The silo builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A limit is below 1.</exception>
    public static ISiloBuilder AddDistributedProving(this ISiloBuilder silo, ProvingLimits limits)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(limits);
        limits.Validate();
        silo.Services.AddSingleton(_ => new SiloProver(limits));
        silo.Services.AddPlacementDirector<RoundRobinPlacement, RoundRobinPlacementDirector>();
        return silo;
    }

    /// <summary>
    /// Proves every step of the run on the cluster, as <see cref="TrainingProver.ProveEveryStep(TrainingRun, TrainingDataset, IProgress{ValueTuple{int, int}}?, CancellationToken)"/> does on one machine.
    /// </summary>
    /// <param name="grains">The cluster (an <c>IClusterClient</c>, or a silo's grain factory); its silos run <see cref="AddDistributedProving(ISiloBuilder, ProvingLimits)"/>.</param>
    /// <param name="run">The recorded run.</param>
    /// <param name="dataset">The training set the run committed to.</param>
    /// <param name="options">Pieces in flight and retries; defaults when null.</param>
    /// <param name="progress">Told (proofs made, proofs to make) after each piece is gathered and after the initial-snapshot proof; null for no reports.</param>
    /// <param name="cancellationToken">Stops sending pieces and cancels those not started; the run then ends in <see cref="OperationCanceledException"/>.</param>
    /// <returns>The proofs.</returns>
    /// <exception cref="ArgumentException">The dataset is not the one the run was trained on.</exception>
    /// <exception cref="InvalidDataException">A piece's proof was refused <see cref="ClusterProvingOptions.MaxRejectedProofs"/> times.</exception>
    /// <exception cref="SiloUnavailableException">A piece could not be proven within <see cref="ClusterProvingOptions.RetryFor"/>.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static async Task<TrainingProofs> ProveEveryStepAsync(
        IGrainFactory grains, TrainingRun run, TrainingDataset dataset, ClusterProvingOptions? options = null,
        IProgress<(int Completed, int Total)>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        return (await ProveAsync(grains, run, dataset, null, default, options, progress, cancellationToken).ConfigureAwait(false)).Proofs;
    }

    /// <summary>
    /// Proves the <paramref name="k"/> sampled steps on the cluster, as
    /// <see cref="TrainingProver.ProveSampled(TrainingRun, TrainingDataset, int, Digest256?, IProgress{ValueTuple{int, int}}?, CancellationToken)"/> does on one machine.
    /// </summary>
    /// <param name="grains">The cluster; its silos run <see cref="AddDistributedProving(ISiloBuilder, ProvingLimits)"/>.</param>
    /// <param name="run">The recorded run.</param>
    /// <param name="dataset">The training set the run committed to.</param>
    /// <param name="k">The number of steps to prove, in <c>[1, T]</c>.</param>
    /// <param name="challengeSeed">The verifier's seed, or null (zero) for the sample of the transcript alone.</param>
    /// <param name="options">Pieces in flight and retries; defaults when null.</param>
    /// <param name="progress">Told (proofs made, proofs to make) after each piece is gathered; null for no reports.</param>
    /// <param name="cancellationToken">Stops sending pieces and cancels those not started.</param>
    /// <returns>The proofs.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is out of range.</exception>
    /// <exception cref="ArgumentException">The dataset is not the one the run was trained on.</exception>
    /// <exception cref="InvalidDataException">A piece's proof was refused <see cref="ClusterProvingOptions.MaxRejectedProofs"/> times.</exception>
    /// <exception cref="SiloUnavailableException">A piece could not be proven within <see cref="ClusterProvingOptions.RetryFor"/>.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static async Task<TrainingProofs> ProveSampledAsync(
        IGrainFactory grains, TrainingRun run, TrainingDataset dataset, int k, Digest256? challengeSeed = null, ClusterProvingOptions? options = null,
        IProgress<(int Completed, int Total)>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, run.Transcript.StepCount);
        return (await ProveAsync(grains, run, dataset, k, challengeSeed ?? default, options, progress, cancellationToken).ConfigureAwait(false)).Proofs;
    }

    /// <summary>
    /// Proves every step (<paramref name="k"/> null) or the sample of <paramref name="k"/> steps on the cluster and gathers the
    /// pieces; also tells which silo proved how many pieces, and how many attempts failed (lost or refused).
    /// </summary>
    internal static async Task<(TrainingProofs Proofs, IReadOnlyDictionary<string, int> PiecesBySilo, int FailedAttempts)> ProveAsync(
        IGrainFactory grains, TrainingRun run, TrainingDataset dataset, int? k, Digest256 seed, ClusterProvingOptions? options,
        IProgress<(int Completed, int Total)>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(dataset);
        TrainingProofPlan plan = k is int sample ? TrainingProofPlan.Sampled(run.Transcript, sample, seed) : TrainingProofPlan.EveryStep(run.Transcript);
        (IReadOnlyDictionary<string, int> bySilo, int failed) = await ProvePiecesAsync(
            grains, TrainingTranscriptSerializer.Serialize(run.Transcript), plan.Count, plan.Total, i => plan.Piece(i, run, dataset).Serialize(),
            (i, proof) => plan.TryAccept(i, proof), "run", options, progress, cancellationToken).ConfigureAwait(false);
        TrainingProofs proofs = await Task.Run(() => plan.Finish(run), CancellationToken.None).ConfigureAwait(false);
        progress?.Report((plan.Total, plan.Total));
        return (proofs, bySilo, failed);
    }

    /// <summary>
    /// Proves a batch of inferences on the cluster, as <see cref="InferenceProofBundle.Prove"/> does on one machine for each slice
    /// of <paramref name="samplesPerPiece"/> inputs: each slice is sent as a piece (the model's weights, its commitment seed and
    /// the slice, format <c>TSIW</c>) to a proving grain placed round robin over the silos, which commits the model again from
    /// the seed, refuses the piece unless the result is <paramref name="commitment"/>, and proves the slice; every bundle that
    /// comes back is verified here against <paramref name="commitment"/> and the slice under <paramref name="policy"/> before it
    /// is gathered (a refused one is proven again on the next silo).
    /// </summary>
    /// <param name="grains">The cluster; its silos run <see cref="AddDistributedProving(ISiloBuilder, int?)"/>.</param>
    /// <param name="model">The committed model.</param>
    /// <param name="seed">The seed <paramref name="commitment"/> was made from (<see cref="CommittedModel.Commit(QuantizedModel, ModelCommitmentSeed, Proofs.Commitments.LigeroParameters?)"/>): secret, it travels to the silos with the weights — send pieces only to silos trusted with the model.</param>
    /// <param name="commitment">The published commitment.</param>
    /// <param name="inputs">The integer inputs (<see cref="QuantizedModel.QuantizeInput"/>).</param>
    /// <param name="samplesPerPiece">The most inputs proven in one piece, in <c>[1, 4096]</c>: one proof per piece.</param>
    /// <param name="policy">The policy each gathered bundle must be accepted under; <see cref="VerifierPolicy.Default"/> when null.</param>
    /// <param name="options">Pieces in flight and retries; defaults when null.</param>
    /// <param name="progress">Told (pieces gathered, pieces) after each piece is gathered; null for no reports.</param>
    /// <param name="cancellationToken">Stops sending pieces and cancels those not started.</param>
    /// <returns>The bundles, one per piece, in input order: together they prove every input.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="samplesPerPiece"/> is out of range.</exception>
    /// <exception cref="ArgumentException">The model's architecture is not the commitment's, or an input does not fit it.</exception>
    /// <exception cref="ProofFormatException">A silo refused a piece: the seed or the weights do not commit to <paramref name="commitment"/>, or an input is refused by the model.</exception>
    /// <exception cref="InvalidDataException">A piece's proof was refused <see cref="ClusterProvingOptions.MaxRejectedProofs"/> times.</exception>
    /// <exception cref="SiloUnavailableException">A piece could not be proven within <see cref="ClusterProvingOptions.RetryFor"/>.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static async Task<IReadOnlyList<InferenceProofBundle>> ProveInferenceBatchAsync(
        IGrainFactory grains, QuantizedModel model, ModelCommitmentSeed seed, ModelCommitment commitment, IReadOnlyList<int[]> inputs, int samplesPerPiece,
        VerifierPolicy? policy = null, ClusterProvingOptions? options = null, IProgress<(int Completed, int Total)>? progress = null, CancellationToken cancellationToken = default) =>
        (await ProveInferenceAsync(grains, model, seed, commitment, inputs, samplesPerPiece, policy, options, progress, cancellationToken).ConfigureAwait(false)).Bundles;

    /// <summary>As <see cref="ProveInferenceBatchAsync"/>; also tells which silo proved how many pieces, and how many attempts failed.</summary>
    internal static async Task<(InferenceProofBundle[] Bundles, IReadOnlyDictionary<string, int> PiecesBySilo, int FailedAttempts)> ProveInferenceAsync(
        IGrainFactory grains, QuantizedModel model, ModelCommitmentSeed seed, ModelCommitment commitment, IReadOnlyList<int[]> inputs, int samplesPerPiece,
        VerifierPolicy? policy, ClusterProvingOptions? options, IProgress<(int Completed, int Total)>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(seed);
        policy ??= VerifierPolicy.Default;
        var plan = new InferenceProofPlan(commitment, inputs, samplesPerPiece);
        plan.Piece(0, model, seed).Clear();   // the model's architecture checked before anything is sent
        (IReadOnlyDictionary<string, int> bySilo, int failed) = await ProvePiecesAsync(
            grains, ModelCommitmentSerializer.Serialize(commitment), plan.Count, plan.Count, i =>
            {
                InferenceProofPiece piece = plan.Piece(i, model, seed);
                byte[] bytes = piece.Serialize();
                piece.Clear();
                return bytes;
            },
            (i, proof) => plan.TryAccept(i, proof, policy), "batch", options, progress, cancellationToken).ConfigureAwait(false);
        return (plan.Finish(), bySilo, failed);
    }

    /// <summary>
    /// Sends <paramref name="count"/> pieces to proving grains (at most <see cref="ClusterProvingOptions.MaxPiecesInFlight"/> at
    /// once), serving <paramref name="statement"/> to the silos that ask, and keeps each proof that <paramref name="accept"/>
    /// takes; a lost piece is sent again to the next silo for <see cref="ClusterProvingOptions.RetryFor"/>, a refused one
    /// <see cref="ClusterProvingOptions.MaxRejectedProofs"/> times. Tells which silo proved how many pieces, and how many
    /// attempts failed.
    /// </summary>
    private static async Task<(IReadOnlyDictionary<string, int> PiecesBySilo, int FailedAttempts)> ProvePiecesAsync(
        IGrainFactory grains, byte[] statement, int count, int total, Func<int, byte[]> pieceBytes, Func<int, byte[], bool> accept, string what,
        ClusterProvingOptions? options, IProgress<(int Completed, int Total)>? progress, CancellationToken cancellationToken)
    {
        options ??= new ClusterProvingOptions();
        options.Validate();
        string name = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var source = new StatementSource(statement);
        IStatementSource reference = grains.CreateObjectReference<IStatementSource>(source);
        var bySilo = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        int done = 0, failed = 0;
        using var slots = new SemaphoreSlim(options.MaxPiecesInFlight, options.MaxPiecesInFlight);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pieces = new List<Task>(count);
        var watched = new ConcurrentDictionary<CancellationTokenSource, string>();
        Task watchdog = WatchSilosAsync(grains, watched, stop.Token);
        try
        {
            for (int i = 0; i < count && !stop.IsCancellationRequested; i++)
            {
                await slots.WaitAsync(stop.Token).ConfigureAwait(false);
                int index = i;
                pieces.Add(Task.Run(async () =>
                {
                    try
                    {
                        string silo = await ProvePieceAsync(index).ConfigureAwait(false);
                        bySilo.AddOrUpdate(silo, 1, (_, n) => n + 1);
                        progress?.Report((Interlocked.Increment(ref done), total));
                    }
                    catch
                    {
                        await stop.CancelAsync().ConfigureAwait(false);   // the first failure ends the run: no new piece is sent
                        throw;
                    }
                    finally
                    {
                        slots.Release();
                    }
                }, CancellationToken.None));
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // A piece failed or the caller cancelled: the pieces under way are awaited below, and their first failure thrown.
        }
        finally
        {
            try
            {
                await Task.WhenAll(pieces).ConfigureAwait(false);
            }
            finally
            {
                await stop.CancelAsync().ConfigureAwait(false);
                await watchdog.ConfigureAwait(false);
                grains.DeleteObjectReference<IStatementSource>(reference);
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        return (bySilo, failed);

        async Task<string> ProvePieceAsync(int index)
        {
            byte[] piece = pieceBytes(index);
            try
            {
                return await SendPieceAsync(index, piece).ConfigureAwait(false);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(piece);   // its seeds (and, for inference, the weights) are secrets
            }
        }

        async Task<string> SendPieceAsync(int index, byte[] piece)
        {
            DateTime? lostSince = null;
            int rejected = 0;
            for (int attempt = 0; ; attempt++)
            {
                stop.Token.ThrowIfCancellationRequested();
                ProvingReply reply;
                using var lost = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
                try
                {
                    IProvingGrain grain = grains.GetGrain<IProvingGrain>($"{name}/{index}/{attempt}");
                    watched[lost] = await grain.Silo().WaitAsync(stop.Token).ConfigureAwait(false);
                    reply = await grain.Prove(piece, reference, lost.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is OrleansException or TimeoutException or OperationCanceledException && !stop.IsCancellationRequested)
                {
                    Interlocked.Increment(ref failed);
                    lostSince ??= DateTime.UtcNow;
                    if (DateTime.UtcNow - lostSince > options.RetryFor)
                    {
                        throw new SiloUnavailableException($"Piece {index} of the {what} could not be proven for {options.RetryFor.TotalSeconds:N0} s: the cluster lost its silos ({e.Message}).");
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 100 << Math.Min(attempt, 5))), stop.Token).ConfigureAwait(false);
                    continue;
                }
                finally
                {
                    watched.TryRemove(lost, out _);
                }

                if (accept(index, reply.Proof))
                {
                    return reply.Silo;
                }

                Interlocked.Increment(ref failed);
                if (++rejected >= options.MaxRejectedProofs)
                {
                    throw new InvalidDataException($"The proof of piece {index} of the {what} was refused {rejected} times (last from silo {reply.Silo}): a silo proves wrongly or its answers are altered.");
                }
            }
        }
    }

    /// <summary>
    /// Cancels the pieces under way on silos that the cluster no longer lists as active (checked every second): a call to a
    /// lost silo would otherwise wait for its response timeout (an hour, long enough for any proof) before it is retried.
    /// </summary>
    private static async Task WatchSilosAsync(IGrainFactory grains, ConcurrentDictionary<CancellationTokenSource, string> watched, CancellationToken cancellationToken)
    {
        IManagementGrain management = grains.GetGrain<IManagementGrain>(0);
        using var tick = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await tick.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                if (watched.IsEmpty)
                {
                    continue;
                }

                HashSet<string> active;
                try
                {
                    active = [.. (await management.GetHosts(onlyActive: true).WaitAsync(cancellationToken).ConfigureAwait(false)).Keys.Select(s => s.ToParsableString())];
                }
                catch (Exception e) when (e is OrleansException or TimeoutException)
                {
                    continue;   // the membership could not be read now (its silo is being lost): next second
                }

                foreach ((CancellationTokenSource attempt, string silo) in watched)
                {
                    if (!active.Contains(silo))
                    {
                        try
                        {
                            attempt.Cancel();
                        }
                        catch (ObjectDisposedException)
                        {
                            // The attempt ended meanwhile.
                        }
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The run ended.
        }
    }

    /// <summary>The gatherer's side of <see cref="IStatementSource"/>.</summary>
    private sealed class StatementSource(byte[] statement) : IStatementSource
    {
        public Task<byte[]> Statement() => Task.FromResult(statement);
    }
}
