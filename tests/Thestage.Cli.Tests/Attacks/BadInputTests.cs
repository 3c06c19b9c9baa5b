using Thestage.Inference.Tests.Data;

namespace Thestage.Cli.Tests.Attacks;

/// <summary>
/// Bad command lines and bad data given to the built <c>thestage</c> command. Before the option checks and the error
/// handling in <c>Program</c>, each of these ended the process with an unhandled exception (exit code 134 and a stack
/// trace); now each gets one line naming the problem and exit code 2 (command line) or 1 (data).
/// </summary>
public sealed class BadInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("thestage-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("'abc'", "demo", "--train", "abc")]
    [InlineData("'99999999999'", "demo", "--train", "99999999999")]
    [InlineData("[100, 60000]", "demo", "--train", "99")]
    [InlineData("'-1'", "train", "--seed", "-1")]
    [InlineData("'18446744073709551616'", "train", "--seed", "18446744073709551616")]
    [InlineData("'1e3'", "train", "--steps", "1e3")]
    [InlineData("--epochs needs a value", "demo", "--epochs")]
    [InlineData("--data needs a value", "demo", "--data", "--train", "100")]
    [InlineData("no directory", "demo", "--data", "/nonexistent/fashion-mnist")]
    [InlineData("unknown option '--bogus'", "demo", "--bogus")]
    [InlineData("unknown command 'frobnicate'", "frobnicate")]
    [InlineData("8192, 16384 or 32768", "ckks", "--n", "10000")]
    [InlineData("'x'", "ckks", "--runs", "x")]
    [InlineData("power of two", "train", "--batch", "3")]
    [InlineData("accumulators", "train", "--hidden", "4096")]
    [InlineData("--batch 64 exceeds --train 32", "train", "--batch", "64", "--train", "32")]
    [InlineData("at most 4096 training images", "train", "--hiding", "--train", "8192")]
    [InlineData("--hiding and --non-hiding-for-benchmarks exclude each other", "train", "--hiding", "--non-hiding-for-benchmarks")]
    [InlineData("--opening-budget takes an integer in [1, 64]", "commit-input", "--model", "/", "--input", "/dev/null", "--out", "/nonexistent/x", "--opening-budget", "0")]
    [InlineData("--opening-budget takes an integer in [1, 64]", "commit-input", "--model", "/", "--input", "/dev/null", "--out", "/nonexistent/x", "--opening-budget", "65")]
    [InlineData("Option '--model' is required", "commit-input", "--input", "/dev/null", "--out", "/nonexistent/x")]
    [InlineData("--private-input: no directory '/nonexistent/inputs'", "prove", "--model", "/", "--input", "/dev/null", "--out", "/nonexistent/p", "--private-input", "/nonexistent/inputs")]
    [InlineData("--input-commitment: '/nonexistent/input.tsic': no such file or directory", "verify", "--model", "/", "--proof", "/dev/null", "--input-commitment", "/nonexistent/input.tsic")]
    [InlineData("--private-input needs a value", "prove", "--model", "/", "--input", "/dev/null", "--out", "/nonexistent/p", "--private-input")]
    public void MalformedOrOutOfRangeOption_ExitsTwoWithOneLine(string named, params string[] args)
    {
        string error = ThestageProcess.AssertOneLineError(ThestageProcess.Run(args), exitCode: 2);
        Assert.Contains(named, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("demo")]
    [InlineData("train")]
    public void MissingTrainingSplit_ExitsOneNamingItsFiles(string verb)
    {
        WriteSplit("t10k", IdxFiles.Images(4, 28, 28), IdxFiles.Labels(1, 2, 3, 4));

        string error = ThestageProcess.AssertOneLineError(ThestageProcess.Run(verb, "--data", _dir), exitCode: 1);
        Assert.Contains("training split (train-images-idx3-ubyte", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("demo")]
    [InlineData("train")]
    public void CorruptIdxFile_ExitsOneWithTheReadersMessage(string verb)
    {
        byte[] images = IdxFiles.Images(20, 28, 28);
        images[2] = 0x09; // the element type: signed bytes, which Fashion-MNIST never uses
        WriteSplit("train", images, IdxFiles.Labels(new byte[20]));
        WriteSplit("t10k", IdxFiles.Images(4, 28, 28), IdxFiles.Labels(1, 2, 3, 4));

        string error = ThestageProcess.AssertOneLineError(ThestageProcess.Run(verb, "--data", _dir, "--train", "100"), exitCode: 1);
        Assert.Contains("IDX magic is 0x00000903", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedIdxFile_ExitsOne()
    {
        WriteSplit("train", IdxFiles.Images(20, 28, 28)[..^100], IdxFiles.Labels(new byte[20]));
        WriteSplit("t10k", IdxFiles.Images(4, 28, 28), IdxFiles.Labels(1, 2, 3, 4));

        string error = ThestageProcess.AssertOneLineError(ThestageProcess.Run("train", "--data", _dir, "--train", "16"), exitCode: 1);
        Assert.Contains("announce 15680 bytes of data; the file holds 15580", error, StringComparison.Ordinal);
    }

    [Fact]
    public void GzipBombAsTrainingImages_ExitsOne()
    {
        // 60,000 blank images: 47 MB that gzip squeezes into about 46 KB.
        byte[] bomb = IdxFiles.Gzip(IdxFiles.Build(0x00000803, [60000, 28, 28], new byte[60000 * 784]));
        File.WriteAllBytes(Path.Combine(_dir, "train-images-idx3-ubyte.gz"), bomb);
        File.WriteAllBytes(Path.Combine(_dir, "train-labels-idx1-ubyte"), IdxFiles.Labels(new byte[60000]));
        WriteSplit("t10k", IdxFiles.Images(4, 28, 28), IdxFiles.Labels(1, 2, 3, 4));

        string error = ThestageProcess.AssertOneLineError(ThestageProcess.Run("demo", "--data", _dir), exitCode: 1);
        Assert.Contains("decompression bomb", error, StringComparison.Ordinal);
    }

    [Fact]
    public void BadOptionWithBadData_IsReportedAsTheOption_BeforeTheDataIsRead()
    {
        WriteSplit("t10k", IdxFiles.Images(4, 28, 28), IdxFiles.Labels(1, 2, 3, 4));

        string error = ThestageProcess.AssertOneLineError(ThestageProcess.Run("train", "--data", _dir, "--batch", "3"), exitCode: 2);
        Assert.Contains("--batch", error, StringComparison.Ordinal);
    }

    [Fact]
    public void HelpExitsZero()
    {
        ThestageProcess.Result result = ThestageProcess.Run("help");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("exit codes: 0 success, 1", result.Output, StringComparison.Ordinal);
        Assert.Empty(result.Error);
    }

    private void WriteSplit(string prefix, byte[] images, byte[] labels)
    {
        File.WriteAllBytes(Path.Combine(_dir, $"{prefix}-images-idx3-ubyte"), images);
        File.WriteAllBytes(Path.Combine(_dir, $"{prefix}-labels-idx1-ubyte"), labels);
    }
}
