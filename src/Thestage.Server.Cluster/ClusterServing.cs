using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Hosting;
using Thestage.Inference.Planning;
using Thestage.Inference.Runtime;
using Thestage.Server.Sessions;

namespace Thestage.Server.Cluster;

/// <summary>
/// The serving cluster: silos that hold sessions and keys as grains (<see cref="AddPrivateInference"/>) and stateless gRPC
/// front ends that talk to them (<see cref="StartFrontEndAsync"/>). Sessions and keys are kept in the grain storage named
/// <see cref="StorageName"/>: configure it on every silo (memory for development, a database — ADO.NET, Redis, Azure
/// Storage — in production, so that state outlives a silo). docs/serving.md shows both.
/// </summary>
public static class ClusterServing
{
    /// <summary>The name of the grain storage provider that keeps sessions and evaluation keys.</summary>
    public const string StorageName = ClusterSessions.StorageName;

    /// <summary>
    /// Makes a silo serve <paramref name="model"/>: its session and key grains evaluate with it, within <paramref name="limits"/>'
    /// bounds on evaluations (concurrency, queue, time), on the silo's key memory (<see cref="ServingLimits.KeyCacheBytes"/>,
    /// LRU, <see cref="ServingLimits.KeyIdleTimeout"/>), on idle sessions and on the answers per keys. The clock is the
    /// container's <see cref="TimeProvider"/> when one is registered, the system's otherwise.
    /// </summary>
    /// <param name="silo">The silo.</param>
    /// <param name="model">The model, prepared once per silo.</param>
    /// <param name="limits">The limits (give the front ends the same); defaults when null.</param>
    /// <returns>The silo builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A limit is out of range, or the flooding for <see cref="ServingLimits.MaxAnswersPerKeys"/> answers does not fit the plan's outputs.</exception>
    public static ISiloBuilder AddPrivateInference(this ISiloBuilder silo, PreparedModel model, ServingLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(model);
        limits ??= new ServingLimits();
        limits.Validate();
        _ = new AnswerBudget(model.Plan, limits.MaxAnswersPerKeys);   // a limit whose flood does not fit the outputs is refused here, not on first use
        silo.Services.AddSingleton(services => new ClusterModel(model, limits, services.GetService<TimeProvider>() ?? TimeProvider.System));   // made by the container, so disposed with the silo
        return silo;
    }

    /// <summary>Starts a gRPC front end (the protocol of <see cref="InferenceServer"/>) whose sessions live in the cluster.</summary>
    /// <param name="grains">The cluster (an <c>IClusterClient</c>, or a silo's grain factory).</param>
    /// <param name="plan">The plan of the model the silos serve.</param>
    /// <param name="keys">The API keys accepted.</param>
    /// <param name="options">Address, TLS, limits (of messages and uploads here), logging; defaults when null.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running front end.</returns>
    /// <exception cref="ArgumentException">As <see cref="InferenceServer.StartAsync(PreparedModel, ApiKeyRing, ServerOptions?, CancellationToken)"/>.</exception>
    public static Task<InferenceServer> StartFrontEndAsync(IGrainFactory grains, InferencePlan plan, ApiKeyRing keys, ServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(plan);
        options ??= new ServerOptions();
        options.Limits.Validate();
        var uploads = new KeyCache(options.Limits.KeyCacheBytes, options.Limits.KeyIdleTimeout, options.Time);
        var gate = new EvaluationGate(options.Limits.MaxConcurrentEvaluations, options.Limits.MaxQueuedEvaluations, options.Limits.MaxEvaluationTime);
        return InferenceServer.StartAsync(plan, new ClusterSessions(grains, options.Limits, options.Time), null, uploads, gate, keys, options, cancellationToken);
    }
}
