using System.Diagnostics;

namespace Thestage.Cli.Bench;

/// <summary>One measured figure: the median and the minimum time of one call, over the timed iterations.</summary>
/// <param name="MedianMs">The median over the iterations of the time of one call, in milliseconds.</param>
/// <param name="MinMs">The smallest time of one call over the iterations, in milliseconds.</param>
/// <param name="Iterations">The timed iterations.</param>
/// <param name="CallsPerIteration">The calls each iteration made (its time divided by this is one call's time).</param>
internal sealed record Timing(double MedianMs, double MinMs, int Iterations, int CallsPerIteration);

/// <summary>
/// The harness of <c>thestage bench</c>, in process, so that it runs from the packed tool with nothing of the repository:
/// untimed calls, at least <paramref name="warmup"/> of them and (when <paramref name="warmup"/> is not 0) until
/// <paramref name="warmupTime"/> has passed, so that the JIT has replaced the first code of a fast call by its optimized
/// tier; then, when an iteration should last at least <paramref name="iterationTarget"/>, as many calls per iteration as
/// the last warm-up call says fill it (BenchmarkDotNet's pilot stage, simplified); then <paramref name="iterations"/>
/// timed iterations with <see cref="Stopwatch"/>, a full blocking garbage collection before each so that one iteration
/// does not pay for the garbage of the previous one. The figure is the median and the minimum of the per-call times of
/// the iterations.
/// </summary>
internal sealed class BenchClock(int warmup, TimeSpan warmupTime, int iterations, TimeSpan iterationTarget, CancellationToken cancellationToken)
{
    private const int MaxCallsPerIteration = 1 << 20;

    /// <summary>Gets the untimed calls before the timed iterations.</summary>
    public int Warmup { get; } = warmup;

    /// <summary>Gets the shortest warm-up (when <see cref="Warmup"/> is not 0): fast calls are repeated until it has passed.</summary>
    public TimeSpan WarmupTime { get; } = warmupTime;

    /// <summary>Gets the timed iterations of every figure.</summary>
    public int Iterations { get; } = iterations;

    /// <summary>Gets the shortest iteration wanted (zero: one call per iteration).</summary>
    public TimeSpan IterationTarget { get; } = iterationTarget;

    /// <summary>Measures <paramref name="call"/>.</summary>
    public Timing Measure(Action call)
    {
        ArgumentNullException.ThrowIfNull(call);
        TimeSpan last = TimeSpan.Zero;
        long warmupStart = Stopwatch.GetTimestamp();
        for (int i = 0; i < Warmup || (Warmup > 0 && Stopwatch.GetElapsedTime(warmupStart) < WarmupTime); i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long start = Stopwatch.GetTimestamp();
            call();
            last = Stopwatch.GetElapsedTime(start);
        }

        int calls = 1;
        if (Warmup > 0 && IterationTarget > TimeSpan.Zero && last < IterationTarget)
        {
            calls = (int)Math.Min(MaxCallsPerIteration, Math.Ceiling(IterationTarget.Ticks / (double)Math.Max(last.Ticks, 1)));
        }

        var perCall = new double[Iterations];
        for (int i = 0; i < Iterations; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            long start = Stopwatch.GetTimestamp();
            for (int c = 0; c < calls; c++)
            {
                call();
            }

            perCall[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds / calls;
        }

        return new Timing(Median(perCall), perCall.Min(), Iterations, calls);
    }

    /// <summary>The median of <paramref name="values"/> (the mean of the middle two for an even count).</summary>
    public static double Median(IEnumerable<double> values)
    {
        double[] v = values.Order().ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[(v.Length / 2) - 1] + v[v.Length / 2]) / 2;
    }
}
