using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace Thestage.Models.Onnx.Tests;

/// <summary>ONNX Runtime (Microsoft.ML.OnnxRuntime), the reference implementation, run on the same file.</summary>
internal static class ReferenceRuntime
{
    /// <summary>The file as exported (float32 throughout).</summary>
    public static double[][] Run(byte[] model, IReadOnlyList<double[]> samples, int[] sampleShape)
    {
        using var session = new InferenceSession(model);
        string input = session.InputMetadata.Keys.Single();
        var results = new double[samples.Count][];
        for (int s = 0; s < samples.Count; s++)
        {
            var tensor = new DenseTensor<float>(samples[s].Select(v => (float)v).ToArray(), [1, .. sampleShape]);
            using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> outputs = session.Run([NamedOnnxValue.CreateFromTensor(input, tensor)]);
            results[s] = outputs.Single().AsEnumerable<float>().Select(v => (double)v).ToArray();
        }

        return results;
    }

    /// <summary>
    /// The same graph in float64: every float initializer, Constant value, input and output converted to double (the
    /// weights' values unchanged), so that ONNX Runtime's arithmetic is as precise as the IR's.
    /// </summary>
    public static double[][] RunInDouble(byte[] model, IReadOnlyList<double[]> samples, int[] sampleShape)
    {
        ModelProto proto = ModelProto.Parser.ParseFrom(model);
        foreach (TensorProto t in proto.Graph.Initializer)
        {
            ToDouble(t);
        }

        foreach (NodeProto node in proto.Graph.Node)
        {
            foreach (AttributeProto a in node.Attribute.Where(a => a.T is not null))
            {
                ToDouble(a.T);
            }
        }

        foreach (ValueInfoProto v in proto.Graph.Input.Concat(proto.Graph.Output))
        {
            v.Type.TensorType.ElemType = (int)TensorProto.Types.DataType.Double;
        }

        proto.Graph.ValueInfo.Clear();
        using var session = new InferenceSession(proto.ToByteArray());
        string input = session.InputMetadata.Keys.Single();
        var results = new double[samples.Count][];
        for (int s = 0; s < samples.Count; s++)
        {
            var tensor = new DenseTensor<double>(samples[s].Select(v => (double)(float)v).ToArray(), [1, .. sampleShape]);
            using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> outputs = session.Run([NamedOnnxValue.CreateFromTensor(input, tensor)]);
            results[s] = [.. outputs.Single().AsEnumerable<double>()];
        }

        return results;
    }

    private static void ToDouble(TensorProto t)
    {
        if (t.DataType != (int)TensorProto.Types.DataType.Float)
        {
            return;
        }

        float[] values = t.RawData.IsEmpty ? [.. t.FloatData] : System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(t.RawData.Span).ToArray();
        t.FloatData.Clear();
        t.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.Select(v => (double)v).ToArray().AsSpan()));
        t.DataType = (int)TensorProto.Types.DataType.Double;
    }
}
