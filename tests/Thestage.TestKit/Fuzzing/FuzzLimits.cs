namespace Thestage.TestKit.Fuzzing;

/// <summary>
/// What one input under 1 MB may cost a parser (docs/security.md): at most 256 MB allocated and 1 s of CPU time.
/// CPU time rather than wall time, so a loaded machine does not turn into a failure; inputs of 1 MB or more are not
/// bounded by these limits (a valid Galois-key bundle is tens of megabytes).
/// </summary>
/// <param name="MaxAllocatedBytes">Managed bytes allocated while parsing one input (all threads).</param>
/// <param name="MaxCpuTime">CPU time spent while parsing one input (all threads of the process).</param>
/// <param name="BoundedInputBytes">Inputs shorter than this are held to the limits.</param>
public sealed record FuzzLimits(long MaxAllocatedBytes, TimeSpan MaxCpuTime, int BoundedInputBytes)
{
    /// <summary>The project's policy: 256 MiB and 1 s for every input under 1 MiB.</summary>
    public static FuzzLimits Default { get; } = new(256L << 20, TimeSpan.FromSeconds(1), 1 << 20);
}
