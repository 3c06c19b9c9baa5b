using Thestage.Models.Onnx.Tests.Attacks;
using Thestage.TestKit.Fuzzing;
using Xunit.Abstractions;

namespace Thestage.Models.Onnx.Tests.Fuzzing;

[CollectionDefinition(FuzzCampaign.CollectionName, DisableParallelization = true)]
public sealed class FuzzCollection;

/// <summary>
/// The structured fuzz campaign of ONNX import (docs/security.md): the exporter's fixtures mutated, and the hostile files
/// of <see cref="HostileOnnxFileTests"/>. Each input imports or throws <see cref="ModelFormatException"/>, within 256 MiB
/// and 1 s of CPU. CI runs 2,000 cases; set <c>THESTAGE_FUZZ_CASES</c> for the large campaign.
/// </summary>
[Collection(FuzzCampaign.CollectionName)]
public sealed class OnnxFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public void Every_mutated_model_imports_or_is_refused_within_the_limits()
    {
        var target = new FuzzTarget(
            "ONNX model",
            data => OnnxImporter.Import(data),
            [.. Fixtures.Models.Select(Fixtures.Bytes)],
            e => e is ModelFormatException,
            [.. HostileOnnxFileTests.Files().Select(f => f.Bytes)]);
        FuzzReport report = FuzzCampaign.Run(target, FuzzCampaign.Cases(2000));
        output.WriteLine(report.ToString());
        Assert.True(report.Failures.Count == 0, string.Join(Environment.NewLine, report.Failures.Take(10)));
        Assert.True(report.Rejected > report.Cases / 4, $"Only {report.Rejected} of {report.Cases} inputs were refused: the mutations do not reach the checks.");
    }
}
