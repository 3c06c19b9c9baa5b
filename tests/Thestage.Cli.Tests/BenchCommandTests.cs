using System.Buffers.Binary;
using System.Text.Json;

namespace Thestage.Cli.Tests;

/// <summary>
/// <c>thestage bench</c>: a run of the smallest workloads writes the report folder (report.md with its tables, PNG charts,
/// results.json), <c>--json</c> prints the same result, SEAL's figures are paired by name, and a command line that
/// cannot run exits 2 before anything is measured.
/// </summary>
public sealed class BenchCommandTests : IDisposable
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly string _dir = Directory.CreateTempSubdirectory("thestage-bench-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void SmokeRun_WritesReportTablesAndPngCharts_AndPrintsItsResultAsJson()
    {
        // Two runs of SEAL's Multiply at N = 4096 (median of the medians 105 µs, minimum of the minima 90 µs), one
        // key generation figure, and a figure of an operation bench does not measure.
        string seal = Path.Combine(_dir, "seal.tsv");
        File.WriteAllText(seal, "# SEAL 4.4.3, single thread, times in microseconds\nckks.4096.Multiply\t100.0\t90.0\nkeygen.4096.RelinKeys\t900\t880\nntt.4096.36.forward\t20\t19\nckks.4096.Multiply\t110\t95\n");
        string report = Path.Combine(_dir, "report");

        ThestageProcess.Result result = ThestageProcess.Run("bench", "--smoke", "--out", report, "--seal-results", seal, "--threads", "1", "--json");

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Empty(result.Error);
        using JsonDocument json = JsonDocument.Parse(result.Output);   // throws if anything but one JSON value is there
        JsonElement root = json.RootElement;
        Assert.Equal("bench", root.GetProperty("command").GetString());
        Assert.True(root.GetProperty("passed").GetBoolean());
        Assert.Equal(["ckks", "inference", "proofs", "training"], root.GetProperty("suites").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(1, root.GetProperty("machine").GetProperty("threads").GetInt32());
        Assert.Equal(18, root.GetProperty("ckks").GetArrayLength());
        Assert.All(root.GetProperty("ckks").EnumerateArray(), row => Assert.True(row.GetProperty("time").GetProperty("medianMs").GetDouble() > 0));

        JsonElement[] pairs = root.GetProperty("seal").EnumerateArray().ToArray();
        Assert.Equal(["Multiply", "RelinKeys"], pairs.Select(p => p.GetProperty("operation").GetString()).Order(StringComparer.Ordinal));
        JsonElement multiply = pairs.Single(p => p.GetProperty("operation").GetString() == "Multiply");
        double ours = root.GetProperty("ckks").EnumerateArray().Single(r => r.GetProperty("operation").GetString() == "Multiply").GetProperty("time").GetProperty("medianMs").GetDouble() * 1000;
        Assert.Equal(105.0, multiply.GetProperty("sealMedianUs").GetDouble());
        Assert.Equal(90.0, multiply.GetProperty("sealMinUs").GetDouble());
        Assert.Equal(ours / 105.0, multiply.GetProperty("medianRatio").GetDouble(), 1e-9);

        Assert.Equal(1, root.GetProperty("inference").GetArrayLength());
        Assert.True(root.GetProperty("inference")[0].GetProperty("maxError").GetDouble() < 0.05);
        Assert.True(root.GetProperty("proofs")[0].GetProperty("proofBytes").GetInt32() > 0);
        Assert.True(root.GetProperty("training")[0].GetProperty("stepProofBytes").GetInt32() > 0);

        // The folder: what results.json lists, the same result as standard output, and a report that shows every chart.
        string[] files = root.GetProperty("files").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal(files.Order(StringComparer.Ordinal), Directory.GetFiles(report).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        using (JsonDocument written = JsonDocument.Parse(File.ReadAllText(Path.Combine(report, "results.json"))))
        {
            Assert.Equal(root.GetProperty("ckks").GetRawText(), written.RootElement.GetProperty("ckks").GetRawText());
        }

        string markdown = File.ReadAllText(Path.Combine(report, "report.md"));
        foreach (string heading in new[] { "## CKKS operations", "### Against Microsoft SEAL", "## Private inference", "## Proofs of inference", "## Proofs of training" })
        {
            Assert.Contains(heading, markdown, StringComparison.Ordinal);
        }

        Assert.Contains("| operation | N = 4096 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| Multiply | 4096 |", markdown, StringComparison.Ordinal);
        Assert.Contains("> SEAL 4.4.3, single thread, times in microseconds", markdown, StringComparison.Ordinal);
        Assert.Contains("Load average (1, 5, 15 min) before the run: ", markdown, StringComparison.Ordinal);
        Assert.Contains("library threads (PrivacyRuntime.MaxDegreeOfParallelism): 1\n", markdown, StringComparison.Ordinal);
        string[] charts = files.Where(f => f.EndsWith(".png", StringComparison.Ordinal)).ToArray();
        Assert.Equal(
            ["ckks-vs-seal.png", "ckks.png", "inference-latency.png", "inference-throughput.png", "proofs-prove.png", "proofs-size.png", "proofs-verify.png", "training-prove.png", "training-size.png", "training-verify.png"],
            charts.Order(StringComparer.Ordinal));
        foreach (string chart in charts)
        {
            Assert.Contains($"]({chart})", markdown, StringComparison.Ordinal);
            byte[] png = File.ReadAllBytes(Path.Combine(report, chart));
            Assert.True(png.AsSpan(0, 8).SequenceEqual(PngSignature), $"{chart} is not a PNG");
            Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
            Assert.Equal(900, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
            Assert.Equal(520, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
            Assert.True(png.Length > 5000, $"{chart} has {png.Length} bytes: nothing drawn");
        }
    }

    [Theory]
    [InlineData("error: --suite takes ckks, inference, proofs, training or all; got 'nonsense'", "--suite", "nonsense")]
    [InlineData("error: --suite takes ckks, inference, proofs, training or all; got 'gpu'", "--suite", "ckks,gpu")]
    [InlineData("error: --suite needs a value", "--suite", "--quick")]
    [InlineData("error: --quick and --full exclude each other", "--quick", "--full")]
    [InlineData("error: --iterations takes an integer in [1, 1000]; got '0'", "--iterations", "0")]
    [InlineData("error: --warmup takes an integer in [0, 100]; got 'many'", "--warmup", "many")]
    [InlineData("error: --threads takes an integer in [1, 1024]; got '-1'", "--threads", "-1")]
    [InlineData("error: --seal-results: '/nonexistent/seal.tsv': no such file", "--seal-results", "/nonexistent/seal.tsv")]
    [InlineData("error: unknown option '--fast'", "--fast")]
    public void BadCommandLine_ExitsTwo_WithOneLine_BeforeMeasuring(string expected, params string[] args)
    {
        string report = Path.Combine(_dir, "never");

        ThestageProcess.Result result = ThestageProcess.Run(["bench", "--out", report, .. args]);

        Assert.StartsWith(expected, ThestageProcess.AssertOneLineError(result, 2), StringComparison.Ordinal);
        Assert.False(Directory.Exists(report));
    }

    [Theory]
    [InlineData("ckks.4096.Multiply\t100\n")]                   // two fields
    [InlineData("ckks.4096.Multiply\t-1\t5\n")]                 // a negative time
    [InlineData("ckks.4096.Multiply\tNaN\t5\n")]                // not a time
    [InlineData("# only comments\n")]                         // no figure
    public void MalformedSealFigures_FailWithOneLine_BeforeMeasuring(string content)
    {
        string seal = Path.Combine(_dir, "seal.tsv"), report = Path.Combine(_dir, "never");
        File.WriteAllText(seal, content);

        ThestageProcess.Result result = ThestageProcess.Run("bench", "--smoke", "--out", report, "--seal-results", seal);

        Assert.Contains("seal.tsv", ThestageProcess.AssertOneLineError(result, 1), StringComparison.Ordinal);
        Assert.False(Directory.Exists(report));
    }

    [Fact]
    public void Help_ListsEveryOption_ButNotTheTestsOne()
    {
        ThestageProcess.Result result = ThestageProcess.Run("bench", "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("thestage bench [options]", result.Output, StringComparison.Ordinal);
        Assert.All(new[] { "--suite", "--quick", "--full", "--out", "--seal-results", "--iterations", "--warmup", "--threads", "--json" }, option => Assert.Contains(option, result.Output, StringComparison.Ordinal));
        Assert.DoesNotContain("--smoke", result.Output, StringComparison.Ordinal);
        Assert.Matches(@"\n\s+bench\s+Measures the crypto overhead", ThestageProcess.Run("--help").Output);
    }
}
