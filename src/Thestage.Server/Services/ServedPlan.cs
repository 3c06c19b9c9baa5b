using Thestage.Inference.Planning;

namespace Thestage.Server.Services;

/// <summary>The plan a server serves, with its bytes (TSPL) and fingerprint, computed once.</summary>
internal sealed class ServedPlan(InferencePlan plan)
{
    public InferencePlan Plan { get; } = plan;

    public byte[] Bytes { get; } = plan.ToBytes();

    public byte[] Fingerprint { get; } = plan.Fingerprint.ToArray();
}
