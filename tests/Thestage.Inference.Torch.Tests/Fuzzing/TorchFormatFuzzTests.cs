using System.Text;
using Thestage.Inference.Torch.StateDicts;
using Thestage.Inference.Torch.Tests.StateDicts;
using Thestage.TestKit.Fuzzing;
using Xunit.Abstractions;

namespace Thestage.Inference.Torch.Tests.Fuzzing;

/// <summary>
/// The structured fuzz campaign of the files a server reads without libtorch (docs/security.md): TorchSharp
/// state dicts and the architecture JSON. Each mutated input loads or throws <see cref="InvalidDataException"/>,
/// within 256 MiB and 1 s of CPU. This assembly runs its tests one at a time, so the process-wide measurements
/// are the parser's alone. CI runs 2,000 cases per format; set <c>THESTAGE_FUZZ_CASES</c> for the large campaign.
/// </summary>
public sealed class TorchFormatFuzzTests(ITestOutputHelper output)
{
    private const int CiCases = 2000;

    public static TheoryData<string> Names => ["state dict", "architecture JSON"];

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_input_loads_or_is_refused_within_the_limits(string format)
    {
        FuzzTarget target = format == "state dict"
            ? new FuzzTarget(format, d => StateDictReader.Read(d), [StateDict()], e => e is InvalidDataException, [HugeTensor()])
            : new FuzzTarget(format, d => ArchitectureJson.Parse(Encoding.UTF8.GetString(d)), [Architecture()], e => e is InvalidDataException);
        FuzzReport report = FuzzCampaign.Run(target, FuzzCampaign.Cases(CiCases));
        output.WriteLine(report.ToString());
        Assert.True(report.Failures.Count == 0, string.Join(Environment.NewLine, report.Failures.Take(10)));
        Assert.True(report.Rejected > report.Cases / 4, $"Only {report.Rejected} of {report.Cases} inputs were refused: the mutations do not reach the checks.");
    }

    private static byte[] StateDict() => new StateDictBytes(3)
        .Float32("0.weight", [2, 3], 1, 2, 3, 4, 5, 6)
        .Float32("0.bias", [2], 0.5f, -0.5f)
        .Float32("2.weight", [1, 2], 7, 8)
        .ToArray();

    /// <summary>A well-formed entry announcing 2^31 × 2^31 float32 elements, followed by none.</summary>
    private static byte[] HugeTensor() => new StateDictBytes(1).Name("w").Leb(6).Leb(2).Leb(1UL << 31).Leb(1UL << 31).ToArray();

    private static byte[] Architecture() => Encoding.UTF8.GetBytes(ArchitectureJson.Serialize(
    [
        ModuleSpec.Conv2d("conv", stride: 2, padding: 1),
        ModuleSpec.BatchNorm(ModuleKind.BatchNorm2d, "bn"),
        ModuleSpec.Polynomial([0.1, 0.5, 0.25], "poly"),
        ModuleSpec.AvgPool2d(2),
        ModuleSpec.Of(ModuleKind.Flatten),
        ModuleSpec.Linear("fc"),
        ModuleSpec.Of(ModuleKind.Square),
    ]));
}
