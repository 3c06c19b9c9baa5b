using Thestage.Inference.Data;

namespace Thestage.Inference.Tests.Data;

public sealed class FashionMnistTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fmnist-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void LoadsASyntheticSplitFromAGivenDirectory()
    {
        byte[] images = IdxFiles.Images(3, 28, 28, seed: 5);
        File.WriteAllBytes(Path.Combine(_dir, "t10k-images-idx3-ubyte.gz"), IdxFiles.Gzip(images));
        File.WriteAllBytes(Path.Combine(_dir, "t10k-labels-idx1-ubyte"), IdxFiles.Labels(9, 2, 0));

        Assert.True(FashionMnist.IsAvailable(FashionMnistSplit.Test, _dir));
        Assert.False(FashionMnist.IsAvailable(FashionMnistSplit.Train, _dir));
        FashionMnistSet set = FashionMnist.Load(FashionMnistSplit.Test, _dir);

        Assert.Equal(3, set.Count);
        Assert.Equal([9, 2, 0], set.Labels);
        Assert.Equal("Ankle boot", set.ClassNames[set.Labels[0]]);
        Assert.Equal(784, set.Images[1].Length);
        Assert.Equal(images[16 + 784 + 100] / 255.0, set.Images[1][100]);
        Assert.Equal(2, FashionMnist.Load(FashionMnistSplit.Test, _dir, limit: 2).Count);
    }

    [Fact]
    public void TheFixedPointLoadIsTheConversionOfTheDoubles()
    {
        var config = new Proofs.Training.TrainingConfig([784, 4, 10], batchSize: 2, learningRateShift: 5, fractionalBits: 16, weightBits: 24, valueBits: 28, seed: 1);
        byte[] images = IdxFiles.Images(5, 28, 28, seed: 6);
        images[16 + 7] = 255; // a full pixel: round(1 · 2^16), one above the 16-bit range
        images[16 + 8] = 128; // 128/255 · 2^16 = 32896.50…, rounds up
        File.WriteAllBytes(Path.Combine(_dir, "train-images-idx3-ubyte"), images);
        File.WriteAllBytes(Path.Combine(_dir, "train-labels-idx1-ubyte"), IdxFiles.Labels(3, 1, 4, 1, 5));

        FashionMnistSet set = FashionMnist.Load(FashionMnistSplit.Train, _dir, limit: 4);
        Proofs.Training.TrainingDataset direct = Proofs.Training.TrainingDataset.FromReal(config, set.Images, set.Labels);
        Assert.Equal(4, direct.Count);
        Assert.NotSame(set.Images[0], set.Images[0]); // converted when read: a caller's change does not reach the set
        Assert.Throws<ArgumentOutOfRangeException>(() => set.Images[4]);
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(set.Labels[i], direct.GetLabel(i));
            Assert.Equal(images[(16 + (784 * i))..(16 + (784 * (i + 1)))].Select(p => (int)Math.Round(p / 255.0 * 65536, MidpointRounding.AwayFromZero)), direct.GetFeatures(i));
        }

        Assert.Equal(65536, direct.GetFeatures(0)[7]);
        Assert.Equal(32897, direct.GetFeatures(0)[8]);
        Assert.Throws<ArgumentException>(() => Proofs.Training.TrainingDataset.FromReal(new Proofs.Training.TrainingConfig([783, 4, 10], 2, 5, 16, 24, 28, 1), set.Images, set.Labels));
    }

    [Fact]
    public void AMissingFileNamesTheDebianPackage()
    {
        var e = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(FashionMnistSplit.Train, _dir));
        Assert.Contains("dataset-fashion-mnist", e.Message);
    }

    [Fact]
    public void RejectsImagesThatAreNot28By28()
    {
        File.WriteAllBytes(Path.Combine(_dir, "train-images-idx3-ubyte"), IdxFiles.Images(2, 27, 28));
        File.WriteAllBytes(Path.Combine(_dir, "train-labels-idx1-ubyte"), IdxFiles.Labels(1, 2));
        Assert.Throws<InvalidDataException>(() => FashionMnist.Load(FashionMnistSplit.Train, _dir));
    }

    [Fact]
    public void RejectsCountsThatDiffer()
    {
        File.WriteAllBytes(Path.Combine(_dir, "train-images-idx3-ubyte"), IdxFiles.Images(2, 28, 28));
        File.WriteAllBytes(Path.Combine(_dir, "train-labels-idx1-ubyte"), IdxFiles.Labels(1, 2, 3));
        Assert.Throws<InvalidDataException>(() => FashionMnist.Load(FashionMnistSplit.Train, _dir));
    }

    [Fact]
    public void RejectsALabelOutsideTheTenClasses()
    {
        File.WriteAllBytes(Path.Combine(_dir, "train-images-idx3-ubyte"), IdxFiles.Images(2, 28, 28));
        File.WriteAllBytes(Path.Combine(_dir, "train-labels-idx1-ubyte"), IdxFiles.Labels(1, 10));
        var e = Assert.Throws<InvalidDataException>(() => FashionMnist.Load(FashionMnistSplit.Train, _dir));
        Assert.Contains("label 1 is 10", e.Message);
    }

    [Fact]
    public void TheRealTestSplitIsInstalledAndBalanced()
    {
        // CI installs Debian's dataset-fashion-mnist; this test is meant to fail where it is missing.
        Assert.True(FashionMnist.IsAvailable(FashionMnistSplit.Test), $"Fashion-MNIST is not in {FashionMnist.DefaultDirectory}: apt-get install dataset-fashion-mnist");
        FashionMnistSet set = FashionMnist.Load(FashionMnistSplit.Test);

        Assert.Equal(10_000, set.Count);
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(1000, set.Labels.Count(l => l == c)));
        Assert.All(set.Images, image => Assert.Equal(784, image.Length));
        Assert.All(set.Images[0], v => Assert.InRange(v, 0.0, 1.0));
        Assert.Contains(set.Images[0], v => v > 0.5);
        Assert.Equal(10, set.ClassNames.Count);
    }
}
