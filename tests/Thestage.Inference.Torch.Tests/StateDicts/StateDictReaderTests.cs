using TorchSharp;
using Thestage.Inference.Torch.StateDicts;
using Thestage.Inference.Torch.Tests.Conversion;
using static TorchSharp.torch;

namespace Thestage.Inference.Torch.Tests.StateDicts;

public sealed class StateDictReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("statedict-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static nn.Module<Tensor, Tensor> SmallCnn()
    {
        manual_seed(31);
        var norm = nn.BatchNorm2d(2);
        Forward.Randomize(norm, 32);
        return nn.Sequential(
            ("conv", nn.Conv2d(1, 2, 3)),
            ("bn", norm),
            ("sq", new Square()),
            ("flat", nn.Flatten()),
            ("fc", nn.Linear(32, 3)));
    }

    private string Save(nn.Module module)
    {
        string path = Path.Combine(_dir, $"{Guid.NewGuid():N}.dat");
        module.save(path);
        return path;
    }

    [Fact]
    public void ReadsWhatTorchSharpSavesTensorForTensor()
    {
        var model = SmallCnn();
        StateDict read = StateDictReader.Read(Save(model));
        Dictionary<string, Tensor> expected = model.state_dict();

        Assert.Equal(expected.Keys, read.Tensors.Select(t => t.Name));
        foreach ((string key, Tensor tensor) in expected)
        {
            StateTensor t = read[key];
            Assert.Equal(tensor.shape, t.Shape);
            Assert.Equal(tensor.dtype == ScalarType.Int64 ? StateDType.Int64 : StateDType.Float32, t.DType);
            Assert.Equal(tensor.to_type(ScalarType.Float64).data<double>().ToArray(), t.ToArray());
        }

        Assert.Equal(StateDType.Int64, read["bn.num_batches_tracked"].DType);
        Assert.Empty(read["bn.num_batches_tracked"].Shape);
    }

    [Fact]
    public void ReadsFloat64Modules()
    {
        manual_seed(33);
        var model = nn.Linear(3, 2).to(ScalarType.Float64);
        StateDict read = StateDictReader.Read(new MemoryStream(File.ReadAllBytes(Save(model))));
        Assert.Equal(StateDType.Float64, read["weight"].DType);
        Assert.Equal(model.weight!.data<double>().ToArray(), read["weight"].ToArray());
    }

    [Fact]
    public void TheStateDictPathBuildsTheSameIrAsTheLiveModuleWithoutTorch()
    {
        var model = SmallCnn();
        model.eval();
        var specs = TorchConverter.Describe(model);
        StateDict weights = StateDictReader.Read(Save(model));

        var fromFile = StateDictConverter.ToSequential(specs, weights, [1, 6, 6]);
        var fromModule = TorchConverter.ToSequential(model, [1, 6, 6]);

        var random = new Random(5);
        double[] x = Forward.Sample(random, [1, 6, 6]);
        Assert.Equal(fromModule.Evaluate(x), fromFile.Evaluate(x));
        model.to(ScalarType.Float64);
        Forward.AssertAgree(fromFile, model, [1, 6, 6], tolerance: 1e-5);
    }

    [Fact]
    public void AHandWrittenArchitectureWorksToo()
    {
        byte[] file = new StateDictBytes(2)
            .Float32("0.weight", [2, 2], 1, 2, 3, 4)
            .Float32("0.bias", [2], 0.5f, -0.5f)
            .ToArray();
        var ir = StateDictConverter.ToSequential([ModuleSpec.Linear("0"), ModuleSpec.Of(ModuleKind.Square)], StateDictReader.Read(file), [2]);
        // y = x·Wᵀ + b with W = [[1, 2], [3, 4]]: x = [1, 1] → [3.5, 6.5] → squared.
        Assert.Equal([12.25, 42.25], ir.Evaluate([1, 1]));
    }

    [Fact]
    public void EveryTruncationIsRejected()
    {
        manual_seed(34);
        byte[] file = File.ReadAllBytes(Save(nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))));
        for (int length = 0; length < file.Length; length++)
        {
            Assert.Throws<InvalidDataException>(() => StateDictReader.Read(file.AsSpan(0, length)));
        }
    }

    public static TheoryData<string, byte[]> Forgeries => new()
    {
        { "trailing byte", [.. new StateDictBytes(1).Float32("w", [1], 1).ToArray(), 0] },
        { "count beyond the data", new StateDictBytes(5).Float32("w", [1], 1).ToArray() },
        { "huge count", new StateDictBytes(ulong.MaxValue).ToArray() },
        { "LEB128 past 64 bits", new StateDictBytes(1).Raw(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f).ToArray() },
        { "unterminated LEB128", new StateDictBytes(1).Name("w").Raw(0x86).ToArray() },
        { "complex dtype", new StateDictBytes(1).Name("w").Leb(9).Leb(1).Leb(1).Raw(new byte[8]).ToArray() },
        { "unknown dtype", new StateDictBytes(1).Name("w").Leb(99).Leb(0).Raw(new byte[8]).ToArray() },
        { "huge dtype", new StateDictBytes(1).Name("w").Leb(1UL << 40).Leb(0).Raw(new byte[8]).ToArray() },
        { "rank 200", new StateDictBytes(1).Name("w").Leb(6).Leb(200).Raw(new byte[400]).ToArray() },
        { "dimensions beyond the data", new StateDictBytes(1).Name("w").Leb(6).Leb(2).Leb(1 << 20).Leb(1 << 20).Raw(new byte[16]).ToArray() },
        { "dimension past int", new StateDictBytes(1).Name("w").Leb(0).Leb(1).Leb(1UL << 33).Raw(new byte[16]).ToArray() },
        { "product overflowing", new StateDictBytes(1).Name("w").Leb(0).Leb(3).Leb(int.MaxValue).Leb(int.MaxValue).Leb(int.MaxValue).ToArray() },
        { "data one byte short", new StateDictBytes(1).Name("w").Leb(6).Leb(1).Leb(2).Raw(new byte[7]).ToArray() },
        { "empty name", new StateDictBytes(1).Leb(0).Leb(6).Leb(0).Raw(new byte[4]).ToArray() },
        { "name longer than the file", new StateDictBytes(1).Leb(1000).Raw((byte)'w').ToArray() },
        { "name over the cap", new StateDictBytes(1).Leb(5000).Raw(new byte[5100]).ToArray() },
        { "invalid UTF-8 name", new StateDictBytes(1).Leb(2).Raw(0xc3, 0x28).Leb(6).Leb(0).Raw(new byte[4]).ToArray() },
        { "duplicate name", new StateDictBytes(2).Float32("w", [1], 1).Float32("w", [1], 2).ToArray() },
    };

    [Theory]
    [MemberData(nameof(Forgeries))]
    public void ForgedFilesAreRejectedWithInvalidData(string what, byte[] file)
    {
        Assert.False(string.IsNullOrEmpty(what));
        Assert.Throws<InvalidDataException>(() => StateDictReader.Read(file));
        Assert.Throws<InvalidDataException>(() => StateDictReader.Read(new MemoryStream(file)));
    }

    [Fact]
    public void TheWellFormedBaselineOfTheForgeriesReads()
    {
        StateDict read = StateDictReader.Read(new StateDictBytes(2).Float32("w", [1, 2], 1, 2).Float32("b", [], 3).ToArray());
        Assert.Equal([1.0, 2.0], read["w"].ToArray());
        Assert.Equal([3.0], read["b"].ToArray());
        Assert.Throws<KeyNotFoundException>(() => read["missing"]);
    }

    [Fact]
    public void StreamsLongerThanTheCapAreRefused()
    {
        byte[] file = new StateDictBytes(1).Float32("w", [4], 1, 2, 3, 4).ToArray();
        Assert.Throws<InvalidDataException>(() => StateDictReader.Read(new MemoryStream(file), maxBytes: file.Length - 1));
        Assert.Throws<InvalidDataException>(() => StateDictReader.Read(new NonSeekable(file), maxBytes: file.Length - 1));
        Assert.Equal(4, StateDictReader.Read(new NonSeekable(file), maxBytes: file.Length)["w"].Count);
    }

    [Fact]
    public void RandomCorruptionOnlyEverRaisesInvalidData()
    {
        manual_seed(35);
        byte[] original = File.ReadAllBytes(Save(SmallCnn()));
        var random = new Random(77);
        for (int trial = 0; trial < 2000; trial++)
        {
            byte[] file = (byte[])original.Clone();
            int at = random.Next(Math.Min(file.Length, 200));
            file[at] = (byte)random.Next(256);
            try
            {
                StateDictReader.Read(file);
            }
            catch (InvalidDataException)
            {
            }
        }
    }

    [Fact]
    public void MissingOrMisshapenWeightsAreInvalidData()
    {
        StateDict weights = StateDictReader.Read(new StateDictBytes(1).Float32("0.weight", [2, 3], 1, 2, 3, 4, 5, 6).ToArray());
        Assert.Throws<InvalidDataException>(() => StateDictConverter.ToSequential([ModuleSpec.Linear("1")], weights, [3]));
        Assert.Throws<InvalidDataException>(() => StateDictConverter.ToSequential([ModuleSpec.Conv2d("0")], weights, [3]));
        Assert.Throws<InvalidDataException>(() => StateDictConverter.ToSequential([ModuleSpec.Linear("0"), ModuleSpec.BatchNorm(ModuleKind.BatchNorm1d, "0")], weights, [3]));
        StateDict nan = StateDictReader.Read(new StateDictBytes(1).Float32("0.weight", [1, 1], float.NaN).ToArray());
        Assert.Throws<InvalidDataException>(() => StateDictConverter.ToSequential([ModuleSpec.Linear("0")], nan, [1]));
    }

    private sealed class NonSeekable(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();
    }
}
