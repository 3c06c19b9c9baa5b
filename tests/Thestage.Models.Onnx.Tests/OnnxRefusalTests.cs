using Onnx;
using static Thestage.Models.Onnx.Tests.OnnxBuilder;

namespace Thestage.Models.Onnx.Tests;

/// <summary>What the importer does not read is refused with a <see cref="ModelFormatException"/> that says what and where.</summary>
public sealed class OnnxRefusalTests
{
    private static string Refusal(ModelProto model) => Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(model.Bytes())).Message;

    [Fact]
    public void A_valid_small_model_imports_and_evaluates_as_gemm_then_relu()
    {
        Sequential model = OnnxImporter.Import(Mlp().Bytes());
        double[] y = model.Evaluate([1, 2, 3, 4]);
        // w row o = values (o·4 + i) % 5 · 0.25 − 0.5; y_o = max(0, Σ_i w_oi·x_i + b_o).
        double[] expected = Enumerable.Range(0, 3).Select(o => Math.Max(0, Enumerable.Range(0, 4).Sum(i => (((o * 4) + i) % 5 * 0.25 - 0.5) * (i + 1)) + new[] { 0.1, -0.2, 0.3 }[o])).ToArray();
        Assert.Equal(expected, y, (a, b) => Math.Abs(a - b) < 1e-6);
    }

    [Fact]
    public void An_unsupported_operator_is_named_with_its_node_and_opset()
    {
        ModelProto model = Mlp();
        model.Graph.Node[1].Output[0] = "r";
        model.Graph.Node.Add(Node("Softmax", "probabilities", ["r"], "output"));
        string message = Refusal(model);
        Assert.Contains("Node 'probabilities' (Softmax, opset 13) is not supported", message);
        Assert.Contains("Gemm", message);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(22)]
    public void Opsets_outside_9_to_21_are_refused(long opset)
    {
        Assert.Contains($"opset {opset}; opsets 9–21 are read", Refusal(Mlp(opset)));
    }

    [Fact]
    public void Opsets_9_and_21_are_read()
    {
        Assert.Equal(2, OnnxImporter.Import(Mlp(9).Bytes()).Layers.Count);
        Assert.Equal(2, OnnxImporter.Import(Mlp(21).Bytes()).Layers.Count);
    }

    [Fact]
    public void A_branching_graph_is_refused()
    {
        ModelProto model = Mlp();
        model.Graph.Node.Add(Node("Sigmoid", "side", ["h"], "side_out"));
        Assert.Contains("branches at 'h'", Refusal(model));
    }

    [Fact]
    public void Conv_with_groups_asymmetric_pads_or_two_strides_is_refused()
    {
        ModelProto Conv(params AttributeProto[] attributes) => Model(13, [-1, 1, 5, 5],
            [Node("Conv", "conv", ["input", "k"], "output", attributes)],
            [Floats("k", [2, 1, 3, 3], new float[18])]);
        Assert.Equal([2, 5, 5], OnnxImporter.Import(Conv(Ints("pads", 1, 1, 1, 1)).Bytes()).OutputShape);
        Assert.Contains("group", Refusal(Conv(Int("group", 2))));
        Assert.Contains("pads [0, 1, 0, 1]", Refusal(Conv(Ints("pads", 0, 1, 0, 1))));
        Assert.Contains("strides [1, 2]", Refusal(Conv(Ints("strides", 1, 2))));
        Assert.Contains("dilations", Refusal(Conv(Ints("dilations", 2, 2))));
    }

    [Fact]
    public void Mul_and_pow_other_than_the_square_are_refused()
    {
        Assert.Contains("Mul(x, x)", Refusal(Model(13, [-1, 2], [Node("Mul", "m", ["input", "c"], "output")], [Floats("c", [2], [2, 3])])));
        Assert.Contains("constant 2", Refusal(Model(13, [-1, 2], [Node("Pow", "p", ["input", "c"], "output")], [Floats("c", [], [3])])));
        Assert.Equal(LayerKind.Square, OnnxImporter.Import(Model(13, [-1, 2], [Node("Pow", "p", ["input", "c"], "output")], [Floats("c", [], [2])]).Bytes()).Layers[0].Kind);
    }

    [Fact]
    public void Batch_normalization_without_a_linear_layer_before_it_is_refused()
    {
        TensorProto[] stats = [Floats("s", [2], [1, 1]), Floats("b", [2], [0, 0]), Floats("m", [2], [0, 0]), Floats("v", [2], [1, 1])];
        Assert.Contains("folded only into", Refusal(Model(13, [-1, 2], [Node("BatchNormalization", "bn", ["input", "s", "b", "m", "v"], "output")], stats)));
    }

    [Fact]
    public void A_dynamic_reshape_and_a_reshape_that_does_not_flatten_are_refused()
    {
        Assert.Contains("must be a constant", Refusal(Model(13, [-1, 2, 2, 2], [Node("Reshape", "r", ["input", "dynamic"], "output")])));
        Assert.Contains("only by flattening", Refusal(Model(13, [-1, 2, 2, 2], [Node("Reshape", "r", ["input", "s"], "output")], [Int64s("s", -1, 4, 2, 1)])));
        Assert.Equal([8], OnnxImporter.Import(Model(13, [-1, 2, 2, 2], [Node("Reshape", "r", ["input", "s"], "output")], [Int64s("s", -1, 8)]).Bytes()).OutputShape);
    }

    [Fact]
    public void Bytes_that_are_not_a_model_are_refused()
    {
        Assert.Contains("not an ONNX model", Assert.Throws<ModelFormatException>(() => OnnxImporter.Import([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f])).Message);
        Assert.Contains("no graph", Assert.Throws<ModelFormatException>(() => OnnxImporter.Import([])).Message);
    }

    [Fact]
    public void Two_inputs_or_an_unknown_rank_are_refused()
    {
        ModelProto two = Mlp();
        two.Graph.Input.Add(Value("other", [-1, 4]));
        Assert.Contains("2 inputs", Refusal(two));
        ModelProto rank3 = Model(13, [-1, 4, 4], [Node("Relu", "r", ["input"], "output")]);
        Assert.Contains("rank 3", Refusal(rank3));
        ModelProto symbolic = Model(13, [-1, -1], [Node("Relu", "r", ["input"], "output")]);
        Assert.Contains("fixed size", Refusal(symbolic));
    }

    private static TensorProto Int64s(string name, params long[] values)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        t.Dims.Add(values.Length);
        t.Int64Data.Add(values);
        return t;
    }
}
