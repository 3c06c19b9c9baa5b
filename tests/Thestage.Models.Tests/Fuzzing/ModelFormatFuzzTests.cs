using Thestage.Models.Serialization;
using Thestage.Models.Tests.Serialization;
using Thestage.TestKit.Fuzzing;
using Xunit.Abstractions;

namespace Thestage.Models.Tests.Fuzzing;

[CollectionDefinition(FuzzCampaign.CollectionName, DisableParallelization = true)]
public sealed class FuzzCollection;

/// <summary>
/// The structured fuzz campaign of the model formats (docs/security.md): TSMD models and TSCL calibrations. Each mutated
/// input loads or throws <see cref="ModelFormatException"/>, within 256 MiB and 1 s of CPU. CI runs 2,000 cases per
/// format; set <c>THESTAGE_FUZZ_CASES</c> for the large campaign.
/// </summary>
[Collection(FuzzCampaign.CollectionName)]
public sealed class ModelFormatFuzzTests(ITestOutputHelper output)
{
    public static TheoryData<string> Names => ["TSMD model", "TSCL calibration"];

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_input_loads_or_is_refused_within_the_limits(string format)
    {
        Sequential model = ModelSerializerTests.EveryKind();
        var random = new Random(4);
        Models.Calibration calibration = Models.Calibration.Measure(model, [.. Enumerable.Range(0, 3).Select(_ => Layers.RandomModels.Vector(random, model.InputShape.Size))]);
        FuzzTarget target = format == "TSMD model"
            ? new FuzzTarget(format, d => ModelSerializer.DeserializeModel(d), [ModelSerializer.Serialize(model), ModelSerializer.Serialize(new Sequential([3], [new Dense(new double[3, 2])]))], e => e is ModelFormatException)
            : new FuzzTarget(format, d => ModelSerializer.DeserializeCalibration(d), [ModelSerializer.Serialize(calibration)], e => e is ModelFormatException);
        FuzzReport report = FuzzCampaign.Run(target, FuzzCampaign.Cases(2000));
        output.WriteLine(report.ToString());
        Assert.True(report.Failures.Count == 0, string.Join(Environment.NewLine, report.Failures.Take(10)));
        Assert.True(report.Rejected > report.Cases / 4, $"Only {report.Rejected} of {report.Cases} inputs were refused: the mutations do not reach the checks.");
    }
}
