using System.Reflection;
using System.Runtime.InteropServices;
using Thestage.Privacy;

namespace Thestage.Cli.Bench;

/// <summary>What a report records of where it was measured: the processor, the load, the software and the commit.</summary>
/// <param name="Cpu">The processor's model name, vendor, family and model (<c>/proc/cpuinfo</c> on Linux).</param>
/// <param name="LogicalCores">The logical processors this process may use.</param>
/// <param name="Simd">The vector instruction sets .NET uses here.</param>
/// <param name="VirtualMachine">Whether the processor flags say a hypervisor runs it (null where they cannot be read).</param>
/// <param name="Os">The operating system.</param>
/// <param name="Runtime">The .NET runtime.</param>
/// <param name="Version">The thestage version, with the commit it was built from.</param>
/// <param name="Threads">The <see cref="PrivacyRuntime.MaxDegreeOfParallelism"/> of the run.</param>
/// <param name="LoadBefore">The load average (1, 5, 15 minutes) before the run (null where the system has none).</param>
/// <param name="LoadAfter">The load average after the run.</param>
internal sealed record BenchMachine(string Cpu, int LogicalCores, string Simd, bool? VirtualMachine, string Os, string Runtime, string Version, int Threads, string? LoadBefore, string? LoadAfter)
{
    /// <summary>Reads this machine's description and its load average now.</summary>
    public static BenchMachine Describe()
    {
        Dictionary<string, string> cpu = CpuInfo();
        string name = cpu.GetValueOrDefault("model name") ?? RuntimeInformation.ProcessArchitecture.ToString();
        string cpuText = cpu.TryGetValue("cpu family", out string? family)
            ? $"{name} ({cpu.GetValueOrDefault("vendor_id")}, family {family}, model {cpu.GetValueOrDefault("model")})"
            : name;
        string[] flags = cpu.GetValueOrDefault("flags")?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        var simd = new List<string>();
        if (System.Runtime.Intrinsics.X86.Avx2.IsSupported)
        {
            simd.Add("AVX2");
        }

        if (System.Runtime.Intrinsics.X86.Avx512F.IsSupported)
        {
            simd.Add("AVX-512F");
        }

        if (System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported)
        {
            simd.Add("AdvSIMD");
        }

        string version = typeof(BenchMachine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        return new BenchMachine(
            cpuText,
            Environment.ProcessorCount,
            simd.Count == 0 ? "none" : string.Join(", ", simd),
            flags.Length == 0 ? null : flags.Contains("hypervisor"),
            RuntimeInformation.OSDescription,
            RuntimeInformation.FrameworkDescription,
            version,
            PrivacyRuntime.MaxDegreeOfParallelism,
            LoadAverage(),
            null);
    }

    /// <summary>The load average (1, 5, 15 minutes) from <c>/proc/loadavg</c>, or null where there is none.</summary>
    public static string? LoadAverage()
    {
        try
        {
            string[] fields = File.ReadAllText("/proc/loadavg").Split(' ');
            return fields.Length >= 3 ? string.Join(' ', fields[..3]) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    // The first processor's "key : value" lines of /proc/cpuinfo (empty where there is no such file).
    private static Dictionary<string, string> CpuInfo()
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.Length == 0)
                {
                    break;
                }

                int colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0)
                {
                    fields.TryAdd(line[..colon].Trim(), line[(colon + 1)..].Trim());
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not Linux: the architecture stands for the processor.
        }

        return fields;
    }
}
