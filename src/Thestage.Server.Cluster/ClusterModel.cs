using Thestage.Inference.Runtime;
using Thestage.Server.Sessions;

namespace Thestage.Server.Cluster;

/// <summary>What every silo holds once: the prepared model and the gate that bounds its evaluations (concurrency, queue, time).</summary>
internal sealed class ClusterModel(PreparedModel prepared, ServingLimits limits) : IDisposable
{
    public PreparedModel Prepared { get; } = prepared;

    public EvaluationGate Gate { get; } = new(limits.MaxConcurrentEvaluations, limits.MaxQueuedEvaluations, limits.MaxEvaluationTime);

    public void Dispose() => Gate.Dispose();
}
