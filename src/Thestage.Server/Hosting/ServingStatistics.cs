namespace Thestage.Server;

/// <summary>A server's counters at one moment.</summary>
/// <param name="Sessions">Open sessions.</param>
/// <param name="CachedKeys">Loaded key bundles held.</param>
/// <param name="CachedKeyBytes">Their memory (loaded sizes).</param>
/// <param name="ReservedUploadBytes">Memory reserved by uploads in progress.</param>
/// <param name="Evaluations">Evaluations completed since the start.</param>
/// <param name="Evictions">Key bundles evicted since the start (room needed, or idle).</param>
/// <param name="ManagedHeapBytes">The process's managed heap (<see cref="GC.GetTotalMemory(bool)"/>, without collecting).</param>
public sealed record ServingStatistics(
    int Sessions, int CachedKeys, long CachedKeyBytes, long ReservedUploadBytes, long Evaluations, long Evictions, long ManagedHeapBytes);
