using Google.Protobuf;
using Onnx;

namespace Thestage.Models.Onnx.Tests;

/// <summary>Small ONNX models written with the generated message types, for refusals and attacks.</summary>
internal static class OnnxBuilder
{
    /// <summary>A model whose graph has one float input of <paramref name="inputDims"/> ("input") and the given nodes, output "output".</summary>
    public static ModelProto Model(long opset, long[] inputDims, IEnumerable<NodeProto> nodes, IEnumerable<TensorProto>? initializers = null)
    {
        var graph = new GraphProto { Name = "g" };
        graph.Input.Add(Value("input", inputDims));
        graph.Output.Add(Value("output", []));
        graph.Node.Add(nodes);
        graph.Initializer.Add(initializers ?? []);
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return model;
    }

    public static ValueInfoProto Value(string name, long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (long d in dims)
        {
            shape.Dim.Add(d < 0 ? new TensorShapeProto.Types.Dimension { DimParam = "batch" } : new TensorShapeProto.Types.Dimension { DimValue = d });
        }

        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } } };
    }

    public static NodeProto Node(string op, string name, string[] inputs, string output, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.Add(inputs);
        node.Output.Add(output);
        node.Attribute.Add(attributes);
        return node;
    }

    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.Add(values);
        return a;
    }

    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static TensorProto Floats(string name, long[] dims, float[] values)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        t.Dims.Add(dims);
        t.FloatData.Add(values);
        return t;
    }

    /// <summary>A tensor whose dimensions announce more values than its raw data holds.</summary>
    public static TensorProto Announcing(string name, long[] dims, int rawBytes)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(new byte[rawBytes]) };
        t.Dims.Add(dims);
        return t;
    }

    /// <summary>input [batch, 4] → Gemm(4→3) → Relu → output: a valid model to modify.</summary>
    public static ModelProto Mlp(long opset = 13)
    {
        return Model(opset, [-1, 4],
            [Node("Gemm", "fc", ["input", "w", "b"], "h", Int("transB", 1)), Node("Relu", "relu", ["h"], "output")],
            [Floats("w", [3, 4], [.. Enumerable.Range(0, 12).Select(i => (i % 5) * 0.25f - 0.5f)]), Floats("b", [3], [0.1f, -0.2f, 0.3f])]);
    }

    public static byte[] Bytes(this ModelProto model) => model.ToByteArray();
}
