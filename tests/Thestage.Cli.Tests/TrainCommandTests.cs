using Thestage.Inference.Tests.Data;

namespace Thestage.Cli.Tests;

public sealed class TrainCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("thestage-train-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ASmallRunOnValidDataExitsZeroAndWritesItsFiles(bool hiding)
    {
        var random = new Random(3);
        byte[] Labels(int n) => IdxFiles.Labels(Enumerable.Range(0, n).Select(_ => (byte)random.Next(10)).ToArray());
        File.WriteAllBytes(Path.Combine(_dir, "train-images-idx3-ubyte"), IdxFiles.Images(64, 28, 28, seed: 4));
        File.WriteAllBytes(Path.Combine(_dir, "train-labels-idx1-ubyte"), Labels(64));
        File.WriteAllBytes(Path.Combine(_dir, "t10k-images-idx3-ubyte.gz"), IdxFiles.Gzip(IdxFiles.Images(8, 28, 28, seed: 5)));
        File.WriteAllBytes(Path.Combine(_dir, "t10k-labels-idx1-ubyte"), Labels(8));
        string output = Path.Combine(_dir, "out");
        string[] args = ["train", "--data", _dir, "--train", "64", "--test", "8", "--hidden", "8", "--steps", "2", "--out", output];

        ThestageProcess.Result result = ThestageProcess.Run(hiding ? [.. args, "--hiding"] : args);

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Empty(result.Error);
        Assert.Contains("64 training images, 8 test images", result.Output, StringComparison.Ordinal);
        Assert.Contains(hiding ? "hiding (zero-knowledge mode)" : "plain (NOT zero-knowledge", result.Output, StringComparison.Ordinal);
        byte[] transcript = File.ReadAllBytes(Path.Combine(output, "transcript.tstt"));
        Assert.Equal(hiding ? 6 : 4, BitConverter.ToUInt16(transcript, 4)); // TSTT v6: a hiding run (dataset committed with hiding Ligero, snapshots with random segments); v4: plain
        Assert.True(File.Exists(Path.Combine(output, "proofs.tstp")));
    }
}
