using Orleans;
using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace Thestage.Server.Cluster;

/// <summary>
/// Places a grain whose key ends in <c>/piece/attempt</c> on silo <c>(piece + attempt) mod n</c> of the <c>n</c> compatible
/// silos in address order: the pieces of a proof spread evenly, and each retry of a piece moves to the next silo (away from
/// one that failed, or whose proof was refused).
/// </summary>
[GenerateSerializer]
[Immutable]
internal sealed class RoundRobinPlacement : PlacementStrategy
{
    /// <summary>The strategy's one instance.</summary>
    public static RoundRobinPlacement Instance { get; } = new();
}

/// <summary>Marks a grain class as placed by <see cref="RoundRobinPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
internal sealed class RoundRobinPlacementAttribute() : PlacementAttribute(RoundRobinPlacement.Instance);

/// <summary>The director of <see cref="RoundRobinPlacement"/>.</summary>
internal sealed class RoundRobinPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        SiloAddress[] silos = [.. context.GetCompatibleSilos(target).OrderBy(s => s.ToParsableString(), StringComparer.Ordinal)];
        if (silos.Length == 0)
        {
            throw new SiloUnavailableException("No silo can host the proving grain.");
        }

        string[] parts = target.GrainIdentity.Key.ToString()!.Split('/');
        long slot = parts.Length >= 2 && int.TryParse(parts[^2], out int piece) && int.TryParse(parts[^1], out int attempt) ? (long)piece + attempt : 0;
        return Task.FromResult(silos[slot % silos.Length]);
    }
}
