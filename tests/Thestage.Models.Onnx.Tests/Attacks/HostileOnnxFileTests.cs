using Google.Protobuf;
using Onnx;
using static Thestage.Models.Onnx.Tests.OnnxBuilder;

namespace Thestage.Models.Onnx.Tests.Attacks;

/// <summary>
/// A model file is untrusted input (a server imports what a customer uploads): each test crafts the hostile file and
/// checks that it is refused with <see cref="ModelFormatException"/> before anything large is allocated.
/// </summary>
public sealed class HostileOnnxFileTests
{
    /// <summary>The hostile files, also the fuzz campaign's hostile inputs.</summary>
    public static IEnumerable<(string Name, byte[] Bytes)> Files()
    {
        // 2^24 floats announced, 4 bytes present: reading them would allocate 128 MiB of doubles.
        yield return ("tensor announcing 2^24 values in 4 bytes", Model(13, [-1, 1 << 12], [Node("MatMul", "mm", ["input", "w"], "output")], [Announcing("w", [1 << 12, 1 << 12], 4)]).Bytes());

        // 2^60 elements announced: the product overflows a long unless bounded first.
        yield return ("tensor of 2^60 elements", Model(13, [-1, 4], [Node("MatMul", "mm", ["input", "w"], "output")], [Announcing("w", [1L << 30, 1L << 30], 0)]).Bytes());

        // An input of 2^20 × 2^20 × 2^20 values per sample.
        yield return ("input of 2^60 values", Model(13, [-1, 1 << 20, 1 << 20, 1 << 20], [Node("Relu", "r", ["input"], "output")]).Bytes());

        // Conv padding of 2^31 − 1: the output size would overflow int.
        yield return ("conv padding 2^31 - 1", Model(13, [-1, 1, 4, 4], [Node("Conv", "c", ["input", "k"], "output", Ints("pads", int.MaxValue, int.MaxValue, int.MaxValue, int.MaxValue))], [Floats("k", [1, 1, 1, 1], [1])]).Bytes());

        // A cycle: Dropout's ratio input is the output of the node after it.
        yield return ("cycle through a dropout ratio", Model(13, [-1, 4], [Node("Dropout", "d", ["input", "loop"], "a"), Node("Relu", "r", ["a"], "loop")]).Bytes());

        // Subgraphs nested 200 deep in attributes: the parser's recursion limit.
        yield return ("200 nested subgraphs", Nested(200));

        // Weights kept in an external file (a path the server would open).
        ModelProto external = Mlp();
        external.Graph.Initializer[0].DataLocation = TensorProto.Types.DataLocation.External;
        external.Graph.Initializer[0].ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "/etc/passwd" });
        yield return ("external data location", external.Bytes());
    }

    [Fact]
    public void TensorAnnouncing2Pow24ValuesIn4Bytes_IsRefusedBeforeAllocating()
    {
        AssertRefusedCheaply(Files().Single(f => f.Name.StartsWith("tensor announcing", StringComparison.Ordinal)).Bytes, "holds 4 bytes");
    }

    [Fact]
    public void TensorOf2Pow60Elements_IsRefusedWithoutOverflow()
    {
        AssertRefusedCheaply(Files().Single(f => f.Name.StartsWith("tensor of 2^60", StringComparison.Ordinal)).Bytes, "more than 16777216 elements");
    }

    [Fact]
    public void InputOf2Pow60ValuesPerSample_IsRefused()
    {
        AssertRefusedCheaply(Files().Single(f => f.Name.StartsWith("input of", StringComparison.Ordinal)).Bytes, "has shape [1048576, 1048576, 1048576]");
    }

    [Fact]
    public void ConvWithPadding2Pow31_IsRefusedWithoutOverflow()
    {
        AssertRefusedCheaply(Files().Single(f => f.Name.StartsWith("conv padding", StringComparison.Ordinal)).Bytes, "pads");
    }

    [Fact]
    public void GraphWithACycle_IsRefused()
    {
        AssertRefusedCheaply(Files().Single(f => f.Name.StartsWith("cycle", StringComparison.Ordinal)).Bytes, "cycle");
    }

    [Fact]
    public void SubgraphsNested200Deep_AreRefusedByTheParsersRecursionLimit()
    {
        AssertRefusedCheaply(Nested(200), "not an ONNX model");
    }

    [Fact]
    public void WeightsInAnExternalFile_AreNeverOpened()
    {
        AssertRefusedCheaply(Files().Single(f => f.Name.StartsWith("external", StringComparison.Ordinal)).Bytes, "external file");
    }

    [Fact]
    public void AFileOverTheSizeCap_IsRefusedBeforeParsing()
    {
        using var stream = new EndlessStream();
        Assert.Contains("longer than", Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(stream)).Message);
    }

    [Fact]
    public async Task AFileOverTheSizeCap_ReadAsynchronously_IsRefusedBeforeParsing()
    {
        using var stream = new EndlessStream();
        Assert.Contains("longer than", (await Assert.ThrowsAsync<ModelFormatException>(() => OnnxImporter.ImportAsync(stream))).Message);
    }

    private static void AssertRefusedCheaply(byte[] file, string reason)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        ModelFormatException e = Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(file));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.True(allocated < 16L * file.Length + (4 << 20), $"{allocated} bytes allocated for a {file.Length}-byte file");
    }

    private static byte[] Nested(int depth)
    {
        var graph = new GraphProto { Name = "leaf" };
        for (int i = 0; i < depth; i++)
        {
            var node = new NodeProto { OpType = "If", Name = $"if{i}" };
            node.Attribute.Add(new AttributeProto { Name = "then_branch", Type = AttributeProto.Types.AttributeType.Graph, G = graph });
            graph = new GraphProto { Name = $"g{i}" };
            graph.Node.Add(node);
        }

        ModelProto model = Mlp();
        model.Graph.Node.Add(new NodeProto { OpType = "If", Name = "outer", Attribute = { new AttributeProto { Name = "then_branch", Type = AttributeProto.Types.AttributeType.Graph, G = graph } } });
        return model.ToByteArray();
    }

    /// <summary>A stream of zeros that never ends.</summary>
    private sealed class EndlessStream : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            Array.Clear(buffer, offset, count);
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
