namespace Thestage.Privacy;

/// <summary>
/// Process-wide settings of how the library runs: today, how many threads its parallel loops may use.
/// </summary>
/// <remarks>
/// <para>The library spreads independent work over cores: the RNS limbs of a polynomial operation (above a size
/// threshold, see <c>Rings/Parallelism.cs</c>) and the ciphertexts of a tensor operation. Every such loop runs
/// through <see cref="MaxDegreeOfParallelism"/>, so one assignment limits the whole library, for example to
/// measure it single-threaded (<c>PrivacyRuntime.MaxDegreeOfParallelism = 1</c>, then every operation runs on
/// the calling thread) or to leave cores to a server's other requests.</para>
/// <para>The setting is read when a parallel loop starts; loops already running keep the value they started
/// with. Reading and writing it is thread-safe.</para>
/// </remarks>
public static class PrivacyRuntime
{
    private static ParallelOptions s_options = new();

    /// <summary>
    /// The largest number of threads one parallel loop of the library uses: −1 (the default) for no limit
    /// beyond the thread pool's, or a positive count; 1 runs everything on the calling thread.
    /// </summary>
    /// <remarks>Same meaning as <see cref="ParallelOptions.MaxDegreeOfParallelism"/>, which it is passed to.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is 0 or below −1.</exception>
    public static int MaxDegreeOfParallelism
    {
        get => Volatile.Read(ref s_options).MaxDegreeOfParallelism;
        set
        {
            if (value == 0 || value < -1)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "MaxDegreeOfParallelism is −1 (no limit) or a positive number of threads.");
            }

            Volatile.Write(ref s_options, new ParallelOptions { MaxDegreeOfParallelism = value });
        }
    }

    /// <summary>The options every parallel loop of the library passes to <see cref="Parallel"/> (never mutated once published).</summary>
    internal static ParallelOptions ParallelOptions => Volatile.Read(ref s_options);

    /// <summary>True when loops must run on the calling thread (<see cref="MaxDegreeOfParallelism"/> is 1).</summary>
    internal static bool IsSequential => ParallelOptions.MaxDegreeOfParallelism == 1;

    /// <summary>Runs <paramref name="body"/> for 0 … count − 1 side by side (<see cref="ParallelOptions"/>); the first exception is
    /// rethrown as itself, not wrapped in an <see cref="AggregateException"/>, so callers keep their documented exceptions.</summary>
    internal static void For(int count, Action<int> body)
    {
        try
        {
            Parallel.For(0, count, ParallelOptions, body);
        }
        catch (AggregateException e)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }
}
