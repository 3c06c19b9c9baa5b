using Thestage.Inference.Runtime;
using Thestage.Server.Sessions;

namespace Thestage.Server.Cluster;

/// <summary>
/// What every silo holds once: the prepared model, the limits, the gate that bounds its evaluations (concurrency, queue,
/// time), the loaded keys of the clients whose keys grains are active here — within the silo's key memory
/// (<see cref="ServingLimits.KeyCacheBytes"/>), least recently used first out, idle ones out after
/// <see cref="ServingLimits.KeyIdleTimeout"/> (swept on use and by a timer) — and the answer budget's flooding.
/// </summary>
internal sealed class ClusterModel : IDisposable
{
    private readonly ITimer _sweeper;

    public ClusterModel(PreparedModel prepared, ServingLimits limits, TimeProvider time)
    {
        Prepared = prepared;
        Limits = limits;
        Time = time;
        Gate = new EvaluationGate(limits.MaxConcurrentEvaluations, limits.MaxQueuedEvaluations, limits.MaxEvaluationTime);
        Keys = new KeyCache(limits.KeyCacheBytes, limits.KeyIdleTimeout, time);
        Answers = new AnswerBudget(prepared.Plan, limits.MaxAnswersPerKeys);
        TimeSpan period = TimeSpan.FromSeconds(Math.Clamp(limits.KeyIdleTimeout.TotalSeconds / 4, 1, 60));
        _sweeper = time.CreateTimer(_ => Keys.Sweep(), null, period, period);
    }

    public PreparedModel Prepared { get; }

    public ServingLimits Limits { get; }

    public TimeProvider Time { get; }

    public EvaluationGate Gate { get; }

    public KeyCache Keys { get; }

    /// <summary>The limit and the flooding of answers (the counts themselves are the keys grains' persistent state).</summary>
    public AnswerBudget Answers { get; }

    public void Dispose()
    {
        _sweeper.Dispose();
        Gate.Dispose();
    }
}
