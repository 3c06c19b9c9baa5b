using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Thestage.TestKit.Fuzzing;

/// <summary>
/// Runs structured mutations of a format's valid inputs through its parser and holds every input to
/// <see cref="FuzzLimits"/>: it must parse, or throw the format's documented exception, within the allocation and
/// CPU-time limits. Deterministic for a given seed.
/// </summary>
/// <remarks>
/// <para>Allocation and CPU time are read process-wide (<see cref="GC.GetTotalAllocatedBytes"/>,
/// <see cref="Environment.CpuUsage"/>), so work a parser hands to other threads is counted too. Campaigns therefore
/// run in the non-parallel xunit collection <see cref="CollectionName"/> (each test project declares it with
/// <c>DisableParallelization = true</c>), so no other test's work is charged to the parser.</para>
/// <para>Size: CI runs a few thousand cases per format. The large campaign sets the environment variable
/// <c>THESTAGE_FUZZ_CASES</c> (e.g. 100000) and, to collect the figures of docs/security.md,
/// <c>THESTAGE_FUZZ_REPORT</c> to a file that every campaign appends one tab-separated line to;
/// <c>THESTAGE_FUZZ_SEED</c> varies the seed, and <c>THESTAGE_FUZZ_FAILURES</c> names a folder that receives every failing input.</para>
/// </remarks>
public static class FuzzCampaign
{
    /// <summary>The xunit collection every fuzz campaign runs in, alone.</summary>
    public const string CollectionName = "Fuzz campaigns (run alone: they measure process-wide allocation and CPU time)";

    private const int MaxReportedFailures = 10;

    /// <summary>The number of cases per format: <c>THESTAGE_FUZZ_CASES</c> when set, otherwise <paramref name="ciDefault"/>.</summary>
    public static int Cases(int ciDefault) =>
        int.TryParse(Environment.GetEnvironmentVariable("THESTAGE_FUZZ_CASES"), NumberStyles.None, CultureInfo.InvariantCulture, out int cases) && cases > 0
            ? cases
            : ciDefault;

    /// <summary>Runs <paramref name="cases"/> mutated inputs (plus every sample and hostile input as it is) through the target.</summary>
    /// <param name="target">The parser and its inputs.</param>
    /// <param name="cases">How many mutated inputs.</param>
    /// <param name="limits">The per-input limits; <see cref="FuzzLimits.Default"/> when null.</param>
    /// <returns>The figures and every failure (up to 10; the campaign stops there).</returns>
    public static FuzzReport Run(FuzzTarget target, int cases, FuzzLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentOutOfRangeException.ThrowIfLessThan(target.Samples.Count, 1, nameof(target));
        limits ??= FuzzLimits.Default;
        int seed = StableHash(target.Name) ^ SeedFromEnvironment();
        var random = new Random(seed);
        var mutator = new StructuredMutator(random);
        IReadOnlyList<byte[]> hostile = target.Hostile ?? [];
        byte[][] sources = [.. target.Samples, .. hostile];
        var report = new FuzzReport(target.Name, seed, limits);

        foreach (byte[] sample in target.Samples)
        {
            // Valid samples must parse: a harness whose samples are refused fuzzes nothing but the first check.
            // Running them first also leaves JIT compilation out of the measured cases.
            object? parsed = target.Parse(sample);
            (parsed as IDisposable)?.Dispose();
        }

        foreach (byte[] input in hostile)
        {
            RunOne(target, input, "hostile", limits, report);
        }

        for (int i = 0; i < cases && report.Failures.Count < MaxReportedFailures; i++)
        {
            byte[] source = sources[random.Next(sources.Length)];
            byte[] other = sources[random.Next(sources.Length)];
            MutationKind kind = StructuredMutator.KindOf(i);
            if (target.Reframe is not null && random.Next(4) == 0)
            {
                byte[] sample = target.Samples[random.Next(target.Samples.Count)];
                byte[] reframed = target.Reframe(sample, payload => mutator.Mutate(payload, payload, kind));
                RunOne(target, reframed, $"reframed {kind}", limits, report);
            }
            else
            {
                RunOne(target, mutator.Mutate(source, other, kind), kind.ToString(), limits, report);
            }
        }

        report.AppendToEnvironmentReport();
        return report;
    }

    private static void RunOne(FuzzTarget target, byte[] input, string what, FuzzLimits limits, FuzzReport report)
    {
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        TimeSpan cpuBefore = Environment.CpuUsage.TotalTime;
        long start = Stopwatch.GetTimestamp();
        string? failure = null;
        bool accepted = false;
        try
        {
            object? parsed = target.Parse(input);
            (parsed as IDisposable)?.Dispose();
            accepted = true;
        }
        catch (Exception e) when (target.IsDocumented(e))
        {
        }
        catch (Exception e)
        {
            failure = $"{e.GetType().Name}: {FirstLine(e.Message)}";
        }

        TimeSpan wall = Stopwatch.GetElapsedTime(start);
        TimeSpan cpu = Environment.CpuUsage.TotalTime - cpuBefore;
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        if (input.Length < limits.BoundedInputBytes)
        {
            if (allocated > limits.MaxAllocatedBytes)
            {
                failure ??= $"allocated {allocated:N0} bytes (limit {limits.MaxAllocatedBytes:N0})";
            }

            if (cpu > limits.MaxCpuTime)
            {
                failure ??= $"took {cpu.TotalMilliseconds:N0} ms of CPU (limit {limits.MaxCpuTime.TotalMilliseconds:N0} ms)";
            }
        }

        report.Record(input, what, accepted, failure, allocated, cpu, wall);
    }

    private static string FirstLine(string message)
    {
        int newline = message.IndexOf('\n', StringComparison.Ordinal);
        return newline < 0 ? message : message[..newline];
    }

    private static int SeedFromEnvironment() =>
        int.TryParse(Environment.GetEnvironmentVariable("THESTAGE_FUZZ_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int seed) ? seed : 20261207;

    private static int StableHash(string text)
    {
        // FNV-1a: string.GetHashCode is randomized per process, and the campaign must be reproducible.
        uint hash = 2166136261;
        foreach (byte b in Encoding.UTF8.GetBytes(text))
        {
            hash = (hash ^ b) * 16777619;
        }

        return (int)hash;
    }
}
