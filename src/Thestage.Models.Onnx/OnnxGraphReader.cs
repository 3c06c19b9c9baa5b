using System.Globalization;
using Onnx;

namespace Thestage.Models.Onnx;

/// <summary>
/// Walks an ONNX graph from its input to its output, one node at a time, and builds the IR layer by layer
/// (<see cref="OnnxImporter"/> documents what is read). The current tensor's shape is tracked without the batch axis.
/// </summary>
internal sealed partial class OnnxGraphReader
{
    private readonly GraphProto _graph;
    private readonly int _opset;
    private readonly Dictionary<string, TensorProto> _initializers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NodeProto> _constants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<NodeProto>> _consumers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OnnxTensor> _read = new(StringComparer.Ordinal);
    private readonly List<Layer> _layers = [];
    private Shape _shape;
    private long? _batch;

    private OnnxGraphReader(ModelProto model)
    {
        _graph = model.Graph ?? throw new ModelFormatException("The model has no graph.");
        _opset = DefaultOpset(model);
        if (_graph.Node.Count > OnnxImporter.MaxNodes || _graph.Initializer.Count > OnnxImporter.MaxNodes)
        {
            throw new ModelFormatException($"The graph has {_graph.Node.Count} nodes and {_graph.Initializer.Count} initializers; at most {OnnxImporter.MaxNodes} of each are read.");
        }

        foreach (TensorProto initializer in _graph.Initializer)
        {
            if (!_initializers.TryAdd(initializer.Name, initializer))
            {
                throw new ModelFormatException($"Two initializers are named '{initializer.Name}'.");
            }
        }

        var produced = new HashSet<string>(StringComparer.Ordinal);
        foreach (NodeProto node in _graph.Node)
        {
            if (node.Domain is not ("" or "ai.onnx"))
            {
                throw new ModelFormatException($"Node '{node.Name}' ({node.OpType}) is of domain '{node.Domain}'; only the default ONNX domain is read.");
            }

            foreach (string output in node.Output)
            {
                if (output.Length > 0 && (!produced.Add(output) || _initializers.ContainsKey(output)))
                {
                    throw new ModelFormatException($"The tensor '{output}' is produced twice (node '{node.Name}', {node.OpType}).");
                }
            }

            if (node.OpType == "Constant")
            {
                if (node.Output.Count != 1 || node.Input.Count != 0)
                {
                    throw new ModelFormatException($"{Where(node)}: a Constant has no input and one output.");
                }

                _constants[node.Output[0]] = node;
                continue;
            }

            foreach (string input in node.Input.Where(i => i.Length > 0).Distinct(StringComparer.Ordinal))
            {
                if (!_consumers.TryGetValue(input, out List<NodeProto>? list))
                {
                    _consumers[input] = list = [];
                }

                list.Add(node);
            }
        }

        _shape = Shape.Vector(1);
    }

    public static Sequential Read(ModelProto model)
    {
        var reader = new OnnxGraphReader(model);
        try
        {
            return reader.Walk();
        }
        catch (ArgumentException e)
        {
            // A layer or shape constructor refused what the file describes (non-finite weights, a window that does not fit, …).
            throw new ModelFormatException($"The model is not valid: {e.Message}", e);
        }
    }

    private static int DefaultOpset(ModelProto model)
    {
        OperatorSetIdProto? opset = model.OpsetImport.FirstOrDefault(o => o.Domain is "" or "ai.onnx");
        if (opset is null)
        {
            throw new ModelFormatException("The model imports no opset of the default ONNX domain.");
        }

        if (opset.Version < OnnxImporter.MinOpset || opset.Version > OnnxImporter.MaxOpset)
        {
            throw new ModelFormatException($"The model uses opset {opset.Version}; opsets {OnnxImporter.MinOpset}–{OnnxImporter.MaxOpset} are read.");
        }

        return (int)opset.Version;
    }

    private Sequential Walk()
    {
        string current = ReadInput();
        if (_graph.Output.Count != 1)
        {
            throw new ModelFormatException($"The graph has {_graph.Output.Count} outputs; a model with one output is read.");
        }

        Shape inputShape = _shape;
        string output = _graph.Output[0].Name;
        var visited = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        while (current != output)
        {
            if (!_consumers.TryGetValue(current, out List<NodeProto>? consumers))
            {
                throw new ModelFormatException($"The tensor '{current}' is used by no node, and the graph output '{output}' is not reached from the input.");
            }

            if (consumers.Count != 1)
            {
                throw new ModelFormatException(
                    $"The graph branches at '{current}' (used by {string.Join(", ", consumers.Select(n => $"'{n.Name}' ({n.OpType})"))}); only chains of layers are read.");
            }

            NodeProto node = consumers[0];
            if (!visited.Add(node))
            {
                throw new ModelFormatException($"{Where(node)} is reached twice: the graph has a cycle.");
            }

            current = Apply(node, current);
        }

        if (_layers.Count == 0)
        {
            throw new ModelFormatException("The graph computes nothing (its output is its input).");
        }

        return new Sequential(inputShape, _layers);
    }

    /// <summary>Finds the one graph input that is not an initializer and sets the shape from its type.</summary>
    private string ReadInput()
    {
        ValueInfoProto[] inputs = _graph.Input.Where(i => !_initializers.ContainsKey(i.Name)).ToArray();
        if (inputs.Length != 1)
        {
            throw new ModelFormatException($"The graph has {inputs.Length} inputs besides its initializers; a model with one input is read.");
        }

        ValueInfoProto input = inputs[0];
        TypeProto.Types.Tensor? tensor = input.Type?.TensorType;
        if (tensor is null || tensor.Shape is null)
        {
            throw new ModelFormatException($"The input '{input.Name}' is not a tensor of known rank.");
        }

        if ((TensorProto.Types.DataType)tensor.ElemType is not (TensorProto.Types.DataType.Float or TensorProto.Types.DataType.Double))
        {
            throw new ModelFormatException($"The input '{input.Name}' has element type {(TensorProto.Types.DataType)tensor.ElemType}; float and double inputs are read.");
        }

        var dims = tensor.Shape.Dim;
        if (dims.Count is not (2 or 4))
        {
            throw new ModelFormatException($"The input '{input.Name}' has rank {dims.Count}; [batch, features] and [batch, C, H, W] are read.");
        }

        _batch = dims[0].ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? dims[0].DimValue : null;
        var sample = new int[dims.Count - 1];
        for (int i = 1; i < dims.Count; i++)
        {
            if (dims[i].ValueCase != TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue || dims[i].DimValue < 1 || dims[i].DimValue > Shape.MaxElements)
            {
                throw new ModelFormatException($"The input '{input.Name}' has dimension {i} = {Describe(dims[i])}; every axis but the batch must be a fixed size from 1 to {Shape.MaxElements}.");
            }

            sample[i - 1] = (int)dims[i].DimValue;
        }

        try
        {
            _shape = new Shape(sample);
        }
        catch (ArgumentException e)
        {
            throw new ModelFormatException($"The input '{input.Name}' has shape [{string.Join(", ", sample)}]: {e.Message}", e);
        }

        return input.Name;
    }

    private static string Describe(TensorShapeProto.Types.Dimension d) =>
        d.ValueCase switch
        {
            TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue => d.DimValue.ToString(CultureInfo.InvariantCulture),
            TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam => $"'{d.DimParam}'",
            _ => "unknown",
        };

    private string Where(NodeProto node) =>
        $"Node '{(node.Name.Length > 0 ? node.Name : node.Output.FirstOrDefault(o => o.Length > 0) ?? "(unnamed)")}' ({node.OpType}, opset {_opset})";

    private ModelFormatException Error(NodeProto node, string what) => new($"{Where(node)}: {what}.");

    /// <summary>The constant tensor <paramref name="name"/> (an initializer or a Constant node's value), read once.</summary>
    private OnnxTensor Constant(NodeProto node, string name, string role)
    {
        if (_read.TryGetValue(name, out OnnxTensor? tensor))
        {
            return tensor;
        }

        string where = Where(node);
        if (_initializers.TryGetValue(name, out TensorProto? proto))
        {
            tensor = OnnxTensor.Read(proto, where);
        }
        else if (_constants.TryGetValue(name, out NodeProto? constant))
        {
            tensor = ConstantValue(constant);
        }
        else
        {
            throw Error(node, $"its {role} '{name}' must be a constant (an initializer or a Constant node)");
        }

        _read[name] = tensor;
        return tensor;
    }

    private OnnxTensor ConstantValue(NodeProto node)
    {
        if (node.Attribute.Count != 1)
        {
            throw Error(node, "a Constant has exactly one value attribute");
        }

        AttributeProto a = node.Attribute[0];
        var proto = new TensorProto { Name = node.Output[0] };
        switch (a.Name)
        {
            case "value" when a.Type == AttributeProto.Types.AttributeType.Tensor && a.T is not null:
                proto = a.T.Clone();
                proto.Name = node.Output[0];
                break;
            case "value_float" when a.Type == AttributeProto.Types.AttributeType.Float:
                proto.DataType = (int)TensorProto.Types.DataType.Float;
                proto.FloatData.Add(a.F);
                break;
            case "value_floats" when a.Type == AttributeProto.Types.AttributeType.Floats:
                proto.DataType = (int)TensorProto.Types.DataType.Float;
                proto.Dims.Add(a.Floats.Count);
                proto.FloatData.Add(a.Floats);
                break;
            case "value_int" when a.Type == AttributeProto.Types.AttributeType.Int:
                proto.DataType = (int)TensorProto.Types.DataType.Int64;
                proto.Int64Data.Add(a.I);
                break;
            case "value_ints" when a.Type == AttributeProto.Types.AttributeType.Ints:
                proto.DataType = (int)TensorProto.Types.DataType.Int64;
                proto.Dims.Add(a.Ints.Count);
                proto.Int64Data.Add(a.Ints);
                break;
            default:
                throw Error(node, $"the Constant's attribute '{a.Name}' ({a.Type}) is not read; value, value_float(s) and value_int(s) are");
        }

        return OnnxTensor.Read(proto, Where(node));
    }
}
