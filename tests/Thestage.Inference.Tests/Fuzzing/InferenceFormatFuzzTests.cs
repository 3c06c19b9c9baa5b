using Thestage.Inference.Artifacts;
using Thestage.Inference.Data;
using Thestage.Inference.Runtime;
using Thestage.Inference.Tests.Data;
using Thestage.Privacy.Ckks;
using Thestage.Privacy.Rlwe;
using Thestage.Privacy.Serialization;
using Thestage.TestKit.Fuzzing;
using Xunit.Abstractions;

namespace Thestage.Inference.Tests.Fuzzing;

[CollectionDefinition(FuzzCampaign.CollectionName, DisableParallelization = true)]
public sealed class FuzzCollection;

/// <summary>
/// The structured fuzz campaign of the inference formats (docs/security.md): the evaluation-key bundle a server
/// receives from a client, IDX image and label files (plain and gzip), and the samples CSV of the <c>thestage</c> verbs. Each mutated input loads or throws the
/// documented exception, within 256 MiB and 1 s of CPU. CI runs 2,000 cases per format; set
/// <c>THESTAGE_FUZZ_CASES</c> for the large campaign.
/// </summary>
[Collection(FuzzCampaign.CollectionName)]
public sealed class InferenceFormatFuzzTests(ITestOutputHelper output)
{
    private const int CiCases = 2000;

    public static TheoryData<string> Names => ["TSEK evaluation keys", "IDX images", "IDX labels", "CSV samples"];

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_input_loads_or_is_refused_within_the_limits(string format)
    {
        FuzzTarget target = format switch
        {
            "TSEK evaluation keys" => EvaluationKeyTarget(),
            "IDX images" => new FuzzTarget(format, ReadImagesChecked,
                [IdxFiles.Images(5, 4, 3), IdxFiles.Gzip(IdxFiles.Images(7, 2, 2, seed: 2))], e => e is InvalidDataException,
                [IdxFiles.ZeroGzip(IdxReader.ImagesMagic, [1 << 14, 128, 128])]),
            "CSV samples" => SampleCsvTarget(),
            _ => new FuzzTarget(format, d => IdxReader.ReadLabels(new MemoryStream(d, writable: false)),
                [IdxFiles.Labels(3, 1, 4, 1, 5, 9, 2, 6), IdxFiles.Gzip(IdxFiles.Labels([.. Enumerable.Range(0, 33).Select(i => (byte)(i % 10))]))],
                e => e is InvalidDataException,
                [IdxFiles.ZeroGzip(IdxReader.LabelsMagic, [1 << 28])]),
        };
        FuzzReport report = FuzzCampaign.Run(target, FuzzCampaign.Cases(CiCases));
        output.WriteLine(report.ToString());
        Assert.True(report.Failures.Count == 0, string.Join(Environment.NewLine, report.Failures.Take(10)));
        Assert.True(report.Rejected > report.Cases / 4, $"Only {report.Rejected} of {report.Cases} inputs were refused: the mutations do not reach the checks.");
    }

    /// <summary>
    /// CSV samples of the ONNX fixtures' width (64): rows of samples.csv, a line with CR LF endings and a byte-order mark,
    /// and exponents; hostile: 7,800 lines of 64 zeros (just under 1 MB of the densest valid input) and a line of a million commas.
    /// </summary>
    private static FuzzTarget SampleCsvTarget()
    {
        string[] rows = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Vectors", "samples.csv"));
        byte[] Text(string text) => System.Text.Encoding.UTF8.GetBytes(text);
        string zeros = string.Join(',', Enumerable.Repeat("0", 64)) + "\n";
        return new FuzzTarget(
            "CSV samples",
            d => SampleCsv.Parse(d, 64, 1 << 20),
            [
                Text(string.Join('\n', rows[..3]) + "\n"),
                Text("\uFEFF" + string.Join("\r\n", rows[3..5])),
                Text(string.Join(',', Enumerable.Range(0, 64).Select(i => $" {i - 32}.5e{i % 7 - 3} ")) + "\n"),
            ],
            e => e is InvalidDataException,
            [Text(string.Concat(Enumerable.Repeat(zeros, 7800))), Text(new string(',', 999_999))]);
    }

    /// <summary>A bundle on a small ring (N = 1024), loaded without the 128-bit check so that the keys stay small.</summary>
    private static FuzzTarget EvaluationKeyTarget()
    {
        var context = new CkksContext(new CkksParameters(1024, [40, 30, 40]), SecurityLevel.None);
        var keys = new KeyGenerator(context);
        using var stream = new MemoryStream();
        stream.Write("TSEK"u8);
        stream.WriteByte(2);
        CkksSerializer.Save(context.Parameters, stream);
        CkksSerializer.Save(keys.CreatePublicKey(), stream);
        CkksSerializer.Save(keys.CreateRelinKeys(), stream);
        CkksSerializer.Save(keys.CreateGaloisKeys([1, 2], includeConjugation: false), stream);
        return new FuzzTarget("TSEK evaluation keys", d => EvaluationKeys.FromBytes(d, SecurityLevel.None), [stream.ToArray()],
            e => e is CkksFormatException or InsecureParametersException);
    }

    /// <summary>Reads images and checks that what was read is consistent: count × rows × columns pixels.</summary>
    private static IdxImages ReadImagesChecked(byte[] data)
    {
        IdxImages images = IdxReader.ReadImages(new MemoryStream(data, writable: false));
        return (long)images.Count * images.Rows * images.Columns == images.Pixels.Length
            ? images
            : throw new InvalidOperationException($"{images.Count}×{images.Rows}×{images.Columns} images hold {images.Pixels.Length} pixels.");
    }
}
