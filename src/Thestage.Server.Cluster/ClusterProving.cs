using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Hosting;
using Orleans.Runtime;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Training;

namespace Thestage.Server.Cluster;

/// <summary>
/// Proves a recorded training run on an Orleans cluster: its step proofs and snapshot range proofs are independent, so each
/// is sent as a piece (its witness only, format <c>TSPW</c>) to a proving grain, placed round robin over the silos; the
/// proofs come back as <c>TSSP</c>/<c>TSSR</c> bytes, each is verified as it arrives, and the run's <see cref="TrainingProofs"/>
/// are assembled here. The result verifies exactly as <see cref="TrainingProver"/>'s on one machine
/// (<see cref="TrainingVerifier.Verify(TrainingTranscript, TrainingProofs?, Proofs.VerifierPolicy)"/>): the same statements, proven
/// by the same code, with fresh salts (so not the same bytes).
/// </summary>
/// <remarks>
/// <para>
/// Faults. A piece whose silo is lost (or that cannot be delivered) is sent again, to the next silo, for
/// <see cref="ClusterProvingOptions.RetryFor"/>; a piece whose proof does not verify — a silo that proves wrongly or returns
/// tampered bytes — is proven again on the next silo, and after <see cref="ClusterProvingOptions.MaxRejectedProofs"/>
/// refusals the run fails. A wrong proof is never gathered.
/// </para>
/// <para>
/// What travels: to each silo, once, the run's public transcript (fetched from this gatherer, an Orleans observer); per
/// piece the parameters before the step, two 32-byte salt seeds and the opened batch (a 784-64-10 step at B = 16: about
/// 250 KB). The seeds make the commitments hiding: send pieces only to silos trusted with the training data.
/// </para>
/// </remarks>
public static class ClusterProving
{
    /// <summary>Makes a silo prove pieces of training runs (<see cref="ProveEveryStepAsync"/>), at most <paramref name="concurrency"/> at once.</summary>
    /// <param name="silo">The silo.</param>
    /// <param name="concurrency">Proofs run at once on this silo: its processor count by default.</param>
    /// <returns>The silo builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="concurrency"/> is below 1.</exception>
    public static ISiloBuilder AddDistributedProving(this ISiloBuilder silo, int? concurrency = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        int slots = concurrency ?? Environment.ProcessorCount;
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1, nameof(concurrency));
        silo.Services.AddSingleton(_ => new SiloProver(slots));
        silo.Services.AddPlacementDirector<RoundRobinPlacement, RoundRobinPlacementDirector>();
        return silo;
    }

    /// <summary>
    /// Proves every step of the run on the cluster, as <see cref="TrainingProver.ProveEveryStep(TrainingRun, TrainingDataset, IProgress{ValueTuple{int, int}}?, CancellationToken)"/> does on one machine.
    /// </summary>
    /// <param name="grains">The cluster (an <c>IClusterClient</c>, or a silo's grain factory); its silos run <see cref="AddDistributedProving"/>.</param>
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
    /// <param name="grains">The cluster; its silos run <see cref="AddDistributedProving"/>.</param>
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
        options ??= new ClusterProvingOptions();
        options.Validate();
        string name = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var source = new TranscriptSource(TrainingTranscriptSerializer.Serialize(run.Transcript));
        ITranscriptSource reference = grains.CreateObjectReference<ITranscriptSource>(source);
        var bySilo = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        int done = 0, failed = 0;
        using var slots = new SemaphoreSlim(options.MaxPiecesInFlight, options.MaxPiecesInFlight);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pieces = new List<Task>(plan.Count);
        var watched = new ConcurrentDictionary<CancellationTokenSource, string>();
        Task watchdog = WatchSilosAsync(grains, watched, stop.Token);
        try
        {
            for (int i = 0; i < plan.Count && !stop.IsCancellationRequested; i++)
            {
                await slots.WaitAsync(stop.Token).ConfigureAwait(false);
                int index = i;
                pieces.Add(Task.Run(async () =>
                {
                    try
                    {
                        string silo = await ProvePieceAsync(index).ConfigureAwait(false);
                        bySilo.AddOrUpdate(silo, 1, (_, n) => n + 1);
                        progress?.Report((Interlocked.Increment(ref done), plan.Total));
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
                grains.DeleteObjectReference<ITranscriptSource>(reference);
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        TrainingProofs proofs = await Task.Run(() => plan.Finish(run), CancellationToken.None).ConfigureAwait(false);
        progress?.Report((plan.Total, plan.Total));
        return (proofs, bySilo, failed);

        async Task<string> ProvePieceAsync(int index)
        {
            byte[] piece = plan.Piece(index, run, dataset).Serialize();
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
                        throw new SiloUnavailableException($"Piece {index} of the run could not be proven for {options.RetryFor.TotalSeconds:N0} s: the cluster lost its silos ({e.Message}).");
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 100 << Math.Min(attempt, 5))), stop.Token).ConfigureAwait(false);
                    continue;
                }
                finally
                {
                    watched.TryRemove(lost, out _);
                }

                if (plan.TryAccept(index, reply.Proof))
                {
                    return reply.Silo;
                }

                Interlocked.Increment(ref failed);
                if (++rejected >= options.MaxRejectedProofs)
                {
                    throw new InvalidDataException($"The proof of piece {index} of the run was refused {rejected} times (last from silo {reply.Silo}): a silo proves wrongly or its answers are altered.");
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

    /// <summary>The gatherer's side of <see cref="ITranscriptSource"/>.</summary>
    private sealed class TranscriptSource(byte[] transcript) : ITranscriptSource
    {
        public Task<byte[]> Transcript() => Task.FromResult(transcript);
    }
}
