using System.Globalization;
using System.Runtime.CompilerServices;
using Thestage.Privacy;

namespace Thestage.Benchmarks;

/// <summary>
/// Applies the environment variable <c>THESTAGE_MAX_PARALLELISM</c> to <see cref="PrivacyRuntime.MaxDegreeOfParallelism"/>
/// when this assembly loads, so that BenchmarkDotNet's benchmark processes (which inherit the environment, not the
/// host's static state) run the library with the thread limit the caller chose; <c>compare-seal.sh</c> sets it to 1
/// for its single-threaded table.
/// </summary>
internal static class BenchmarkThreads
{
    public const string Variable = "THESTAGE_MAX_PARALLELISM";

#pragma warning disable CA2255 // A module initializer is the one hook that runs in BenchmarkDotNet's child processes too.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Apply()
    {
        string? value = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrEmpty(value))
        {
            PrivacyRuntime.MaxDegreeOfParallelism = int.Parse(value, CultureInfo.InvariantCulture);
        }
    }
}
