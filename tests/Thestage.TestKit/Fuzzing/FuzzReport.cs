using System.Globalization;

namespace Thestage.TestKit.Fuzzing;

/// <summary>The figures of one campaign: cases, outcomes, the largest allocation and CPU time of one input, and the failures.</summary>
public sealed class FuzzReport(string name, int seed, FuzzLimits limits)
{
    private static readonly Lock ReportFileLock = new();
    private readonly List<string> _failures = [];

    /// <summary>The format's name.</summary>
    public string Name { get; } = name;

    /// <summary>The seed the campaign ran with.</summary>
    public int Seed { get; } = seed;

    /// <summary>The limits the inputs were held to.</summary>
    public FuzzLimits Limits { get; } = limits;

    /// <summary>Inputs run (hostile ones included).</summary>
    public int Cases { get; private set; }

    /// <summary>Inputs that parsed.</summary>
    public int Accepted { get; private set; }

    /// <summary>Inputs refused with the documented exception.</summary>
    public int Rejected { get; private set; }

    /// <summary>The most bytes one input made the parser allocate.</summary>
    public long MaxAllocatedBytes { get; private set; }

    /// <summary>The most CPU time one input took.</summary>
    public TimeSpan MaxCpuTime { get; private set; }

    /// <summary>The most wall-clock time one input took.</summary>
    public TimeSpan MaxWallTime { get; private set; }

    /// <summary>The longest input tried.</summary>
    public int MaxInputBytes { get; private set; }

    /// <summary>The mutation that produced the most expensive input (by allocation).</summary>
    public string CostliestMutation { get; private set; } = "";

    /// <summary>Undocumented exceptions and exceeded limits, one line each with the input's mutation, size and first bytes.</summary>
    public IReadOnlyList<string> Failures => _failures;

    /// <summary>A one-line summary for test output.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Name}: {Cases:N0} inputs, {Accepted:N0} parsed, {Rejected:N0} refused, {_failures.Count} failures; max per input {MaxAllocatedBytes / 1048576.0:F2} MiB allocated ({CostliestMutation}), {MaxCpuTime.TotalMilliseconds:F1} ms CPU, {MaxWallTime.TotalMilliseconds:F1} ms wall; inputs up to {MaxInputBytes:N0} bytes; seed {Seed}.");

    internal void Record(byte[] input, string what, bool accepted, string? failure, long allocated, TimeSpan cpu, TimeSpan wall)
    {
        Cases++;
        MaxInputBytes = Math.Max(MaxInputBytes, input.Length);
        if (allocated > MaxAllocatedBytes)
        {
            MaxAllocatedBytes = allocated;
            CostliestMutation = what;
        }

        MaxCpuTime = cpu > MaxCpuTime ? cpu : MaxCpuTime;
        MaxWallTime = wall > MaxWallTime ? wall : MaxWallTime;
        if (failure is not null)
        {
            _failures.Add($"{what}, {input.Length} bytes [{Convert.ToHexString(input.AsSpan(0, Math.Min(input.Length, 64)))}…]: {failure}");
            SaveFailingInput(input);
        }
        else if (accepted)
        {
            Accepted++;
        }
        else
        {
            Rejected++;
        }
    }

    /// <summary>Writes a failing input to the folder named by <c>THESTAGE_FUZZ_FAILURES</c>, if set, as "format-case.bin".</summary>
    private void SaveFailingInput(byte[] input)
    {
        string? folder = Environment.GetEnvironmentVariable("THESTAGE_FUZZ_FAILURES");
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
            string name = string.Concat(Name.Select(c => char.IsLetterOrDigit(c) ? c : '-'));
            File.WriteAllBytes(Path.Combine(folder, $"{name}-{Cases}.bin"), input);
        }
    }

    /// <summary>Appends one tab-separated line of figures to the file named by <c>THESTAGE_FUZZ_REPORT</c>, if set.</summary>
    internal void AppendToEnvironmentReport()
    {
        string? path = Environment.GetEnvironmentVariable("THESTAGE_FUZZ_REPORT");
        if (string.IsNullOrEmpty(path))
        {
            return;
        }

        string line = string.Join('\t', Name, Cases.ToString(CultureInfo.InvariantCulture), Accepted.ToString(CultureInfo.InvariantCulture),
            Rejected.ToString(CultureInfo.InvariantCulture), _failures.Count.ToString(CultureInfo.InvariantCulture),
            MaxAllocatedBytes.ToString(CultureInfo.InvariantCulture), MaxCpuTime.TotalMilliseconds.ToString("F1", CultureInfo.InvariantCulture),
            MaxWallTime.TotalMilliseconds.ToString("F1", CultureInfo.InvariantCulture), MaxInputBytes.ToString(CultureInfo.InvariantCulture),
            CostliestMutation, Seed.ToString(CultureInfo.InvariantCulture), DateTime.UtcNow.ToString("u", CultureInfo.InvariantCulture));
        lock (ReportFileLock)
        {
            File.AppendAllText(path, line + Environment.NewLine);
        }
    }
}
