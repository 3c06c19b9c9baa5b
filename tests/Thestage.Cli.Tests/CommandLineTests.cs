using System.Text.Json;
using Thestage.Inference.Tests.Data;

namespace Thestage.Cli.Tests;

/// <summary>
/// The command line as documented in the README: help for every verb, the documented exit codes, <c>--json</c> printing
/// exactly one JSON object on standard output, and completions.
/// </summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("thestage-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("demo", new[] { "--data", "--install-data", "--train", "--epochs", "--images", "--single", "--json" })]
    [InlineData("ckks", new[] { "--n", "--runs", "--json" })]
    [InlineData("train", new[] { "--data", "--install-data", "--out", "--train", "--test", "--hidden", "--batch", "--lr-shift", "--steps", "--sample", "--every-step", "--seed", "--json" })]
    [InlineData("predict", new[] { "MODEL.onnx", "--input", "--out", "--json" })]
    [InlineData("compile", new[] { "MODEL.onnx", "--calibration", "--out", "--packing", "model.tspk", "plan.tspl", "model.tsmc", "commitment.seed", "--json" })]
    [InlineData("keys", new[] { "--plan", "--out", "secret.key", "evaluation.keys", "--json" })]
    [InlineData("encrypt", new[] { "--keys", "--input", "--out", "--json" })]
    [InlineData("eval", new[] { "--model", "--keys", "--in", "--out", "never a secret key", "--json" })]
    [InlineData("decrypt", new[] { "--keys", "--in", "--out", "--json" })]
    [InlineData("prove", new[] { "--model", "--input", "--out", "--json" })]
    [InlineData("verify", new[] { "--model", "--proof", "--json" })]
    public void EveryVerbHasItsOwnHelp_ListingEveryOption(string verb, string[] options)
    {
        foreach (string[] args in new[] { new[] { verb, "--help" }, ["help", verb] })
        {
            ThestageProcess.Result result = ThestageProcess.Run(args);
            Assert.Equal(0, result.ExitCode);
            Assert.Empty(result.Error);
            Assert.Matches($@"thestage {verb} (<MODEL\.onnx> )?\[options\]", result.Output);
            Assert.All(options, option => Assert.Contains(option, result.Output, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void RootHelpListsTheVerbsAndTheExitCodes()
    {
        ThestageProcess.Result result = ThestageProcess.Run("--help");
        Assert.Equal(0, result.ExitCode);
        Assert.All(new[] { "demo", "ckks", "train", "predict", "compile", "keys", "encrypt", "eval", "decrypt", "prove", "verify", "help", "--json" }, word => Assert.Contains(word, result.Output, StringComparison.Ordinal));
        Assert.Contains("exit codes: 0 success, 1 a failed check or an error while running, 2 a command line that cannot run", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void CkksWithJson_PrintsOnlyOneJsonObject_WithItsResult()
    {
        ThestageProcess.Result result = ThestageProcess.Run("ckks", "--runs", "1", "--json");

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Empty(result.Error);
        using JsonDocument json = JsonDocument.Parse(result.Output);   // throws if anything but one JSON value is there
        JsonElement root = json.RootElement;
        Assert.Equal("ckks", root.GetProperty("command").GetString());
        Assert.True(root.GetProperty("passed").GetBoolean());
        Assert.Equal(8192, root.GetProperty("n").GetInt32());
        Assert.Equal(11, root.GetProperty("stages").GetArrayLength());
        Assert.InRange(root.GetProperty("precisionBits").GetDouble(), 14, 60);
    }

    [Fact]
    public void TrainWithJson_PrintsOnlyOneJsonObject_WithTheChecks()
    {
        WriteData();
        ThestageProcess.Result result = ThestageProcess.Run("train", "--data", _dir, "--train", "32", "--test", "8", "--hidden", "8", "--steps", "2", "--sample", "1", "--json");

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        using JsonDocument json = JsonDocument.Parse(result.Output);
        JsonElement root = json.RootElement;
        Assert.Equal("train", root.GetProperty("command").GetString());
        Assert.True(root.GetProperty("passed").GetBoolean());
        Assert.True(root.GetProperty("proofs").GetProperty("valid").GetBoolean());
        Assert.True(root.GetProperty("proofs").GetProperty("sampled").GetBoolean());
        Assert.Equal(1, root.GetProperty("proofs").GetProperty("steps").GetInt32());
        // One sampled step is below the default verifier policy: the JSON says what "valid" was checked against.
        Assert.True(root.GetProperty("proofs").GetProperty("belowDefaultPolicy").GetBoolean());
        Assert.Equal(1, root.GetProperty("proofs").GetProperty("minimumSampleSize").GetInt32());
        Assert.True(root.GetProperty("int8").GetProperty("linkValid").GetBoolean());
        Assert.True(root.GetProperty("int8").GetProperty("inferenceProofValid").GetBoolean());
        Assert.Equal(32, root.GetProperty("trainImages").GetInt32());
    }

    [Theory]
    [InlineData("ckks", "--runs", "0", "--json")]
    [InlineData("train", "--sample", "4", "--every-step", "--json")]
    [InlineData("demo", "--install-data", "--data", "/", "--json")]
    public void BadUsageWithJson_ExitsTwo_WithNothingOnStandardOutput(params string[] args)
    {
        ThestageProcess.Result result = ThestageProcess.Run(args);
        ThestageProcess.AssertOneLineError(result, exitCode: 2);
        Assert.Empty(result.Output);
    }

    [Fact]
    public void TheRingDimensionIsCompleted()
    {
        ThestageProcess.Result result = ThestageProcess.Run("[suggest:10]", "ckks --n ");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["16384", "32768", "8192"], result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    private void WriteData()
    {
        var random = new Random(5);
        byte[] Labels(int n) => IdxFiles.Labels(Enumerable.Range(0, n).Select(_ => (byte)random.Next(10)).ToArray());
        File.WriteAllBytes(Path.Combine(_dir, "train-images-idx3-ubyte"), IdxFiles.Images(32, 28, 28, seed: 6));
        File.WriteAllBytes(Path.Combine(_dir, "train-labels-idx1-ubyte"), Labels(32));
        File.WriteAllBytes(Path.Combine(_dir, "t10k-images-idx3-ubyte"), IdxFiles.Images(8, 28, 28, seed: 7));
        File.WriteAllBytes(Path.Combine(_dir, "t10k-labels-idx1-ubyte"), Labels(8));
    }
}
