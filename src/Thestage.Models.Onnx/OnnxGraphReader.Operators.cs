using Onnx;

namespace Thestage.Models.Onnx;

/// <content>One method per operator: each checks the node against what the IR can express and appends layers.</content>
internal sealed partial class OnnxGraphReader
{
    private string Apply(NodeProto node, string current)
    {
        if (node.Output.Count == 0 || node.Output[0].Length == 0)
        {
            throw Error(node, "it has no output");
        }

        switch (node.OpType)
        {
            case "Identity":
                break;
            case "Pad":
                ZeroPad(node, current);
                break;
            case "Dropout":
                Dropout(node);
                break;
            case "Relu":
                Add(Activation.Exact(LayerKind.Relu));
                break;
            case "Sigmoid":
                Add(Activation.Exact(LayerKind.Sigmoid));
                break;
            case "Tanh":
                Add(Activation.Exact(LayerKind.Tanh));
                break;
            case "Mul":
                if (node.Input.Count != 2 || node.Input[0] != current || node.Input[1] != current)
                {
                    throw Error(node, "Mul is read only as the square Mul(x, x)");
                }

                Add(Activation.Square());
                break;
            case "Pow":
                Pow(node, current);
                break;
            case "Gemm":
                Gemm(node, current);
                break;
            case "MatMul":
                MatMul(node, current);
                break;
            case "Add":
                Bias(node, current);
                break;
            case "Conv":
                Conv(node, current);
                break;
            case "AveragePool":
                (int k, int s) = Window(node, current);
                Add(new AvgPool2d(k, s));
                break;
            case "MaxPool":
                if (Int(node, "storage_order", 0) != 0)
                {
                    throw Error(node, "storage_order must be 0");
                }

                (int mk, int ms) = Window(node, current);
                Add(new MaxPool2d(mk, ms));
                break;
            case "GlobalAveragePool":
                RequireImage(node);
                if (_shape[1] != _shape[2])
                {
                    throw Error(node, $"the input {_shape} is not square; the IR's average pooling has square windows");
                }

                Add(new AvgPool2d(_shape[1]));
                break;
            case "Flatten":
                long axis = Int(node, "axis", 1);
                if (axis < 0)
                {
                    axis += _shape.Rank + 1;
                }

                if (axis != 1)
                {
                    throw Error(node, $"axis {Int(node, "axis", 1)} would not keep the batch axis alone; Flatten is read with axis 1");
                }

                Flatten();
                break;
            case "Reshape":
                Reshape(node, current);
                break;
            case "BatchNormalization":
                BatchNormalization(node, current);
                break;
            default:
                throw new ModelFormatException($"{Where(node)} is not supported; the importer reads {OnnxImporter.SupportedOperators}.");
        }

        RequireOnlyFirstOutputUsed(node);
        return node.Output[0];
    }

    private void Add(Layer layer)
    {
        _shape = layer.OutputShape(_shape);
        _layers.Add(layer);
    }

    private void Flatten()
    {
        if (_shape.Rank != 1)
        {
            Add(new Flatten());
        }
    }

    private void Dropout(NodeProto node)
    {
        if (_opset >= 12 && node.Input.Count > 2 && node.Input[2].Length > 0 && Constant(node, node.Input[2], "training_mode").Values.Any(v => v != 0))
        {
            throw Error(node, "training_mode is true; a model is imported for inference");
        }
    }

    /// <summary>A Pad whose pads are all zero (PyTorch emits one before some AveragePools) is the identity; any other is refused.</summary>
    private void ZeroPad(NodeProto node, string current)
    {
        if (node.Input.Count == 0 || node.Input[0] != current)
        {
            throw Error(node, "Pad is read as Pad(x, constant zero pads)");
        }

        long[] pads = _opset < 11 ? Ints(node, "pads", []) : node.Input.Count > 1 && node.Input[1].Length > 0 ? Constant(node, node.Input[1], "pads").AsIntegers(Where(node)) : [];
        if (pads.Any(p => p != 0))
        {
            throw Error(node, $"pads [{string.Join(", ", pads)}] are not all zero; padding is read only as a Conv's own pads");
        }
    }

    private void Pow(NodeProto node, string current)
    {
        if (node.Input.Count != 2 || node.Input[0] != current)
        {
            throw Error(node, "Pow is read only as Pow(x, 2)");
        }

        OnnxTensor exponent = Constant(node, node.Input[1], "exponent");
        if (exponent.Count != 1 || exponent.Values[0] != 2)
        {
            throw Error(node, "the exponent must be the constant 2 (the square)");
        }

        Add(Activation.Square());
    }

    private void Gemm(NodeProto node, string current)
    {
        if (node.Input.Count < 2 || node.Input[0] != current)
        {
            throw Error(node, "Gemm is read as A·B + C with A the layer input and B, C constants");
        }

        if (Int(node, "transA", 0) != 0)
        {
            throw Error(node, "transA must be 0");
        }

        RequireVector(node);
        OnnxTensor b = Constant(node, node.Input[1], "B");
        bool transB = Int(node, "transB", 0) != 0;
        double alpha = Float(node, "alpha", 1), beta = Float(node, "beta", 1);
        if (b.Dims.Length != 2)
        {
            throw Error(node, $"B has rank {b.Dims.Length}; 2 is expected");
        }

        int inputs = (int)(transB ? b.Dims[1] : b.Dims[0]), outputs = (int)(transB ? b.Dims[0] : b.Dims[1]);
        if (inputs != _shape.Size || outputs < 1)
        {
            throw Error(node, $"B is {b.Dims[0]}×{b.Dims[1]}{(transB ? " (transposed)" : "")}; the input has {_shape.Size} features");
        }

        var weights = new double[inputs, outputs];
        for (int i = 0; i < inputs; i++)
        {
            for (int j = 0; j < outputs; j++)
            {
                weights[i, j] = alpha * b.Values[transB ? (j * inputs) + i : (i * outputs) + j];
            }
        }

        double[]? bias = node.Input.Count > 2 && node.Input[2].Length > 0 ? Broadcast(node, Constant(node, node.Input[2], "C"), outputs, perChannel: false) : null;
        Add(new Dense(weights, bias is null ? null : Array.ConvertAll(bias, v => beta * v)));
    }

    private void MatMul(NodeProto node, string current)
    {
        if (node.Input.Count != 2 || node.Input[0] != current)
        {
            throw Error(node, "MatMul is read as x·W with x the layer input and W a constant");
        }

        RequireVector(node);
        OnnxTensor w = Constant(node, node.Input[1], "W");
        if (w.Dims.Length != 2 || w.Dims[0] != _shape.Size || w.Dims[1] < 1)
        {
            throw Error(node, $"W has dimensions [{string.Join(", ", w.Dims)}]; [{_shape.Size}, outputs] is expected");
        }

        int inputs = (int)w.Dims[0], outputs = (int)w.Dims[1];
        var weights = new double[inputs, outputs];
        Buffer.BlockCopy(w.Values, 0, weights, 0, w.Values.Length * sizeof(double));
        Add(new Dense(weights));
    }

    /// <summary>Add(y, c) with c a constant: the bias of the Dense or Conv2d just before (MatMul + Add is a Linear).</summary>
    private void Bias(NodeProto node, string current)
    {
        if (node.Input.Count != 2 || (node.Input[0] == current) == (node.Input[1] == current))
        {
            throw Error(node, "Add is read only as the bias of the Gemm, MatMul or Conv before it, Add(y, constant)");
        }

        OnnxTensor c = Constant(node, node.Input[0] == current ? node.Input[1] : node.Input[0], "bias");
        switch (_layers.Count > 0 ? _layers[^1] : null)
        {
            case Dense dense:
                double[] add = Broadcast(node, c, dense.Outputs, perChannel: false);
                _layers[^1] = new Dense(dense.Weights, dense.Bias.Zip(add, (a, b) => a + b).ToArray());
                break;
            case Conv2d conv:
                double[] channels = Broadcast(node, c, conv.OutChannels, perChannel: true);
                _layers[^1] = new Conv2d(conv.Kernels, conv.Bias.Zip(channels, (a, b) => a + b).ToArray(), conv.Stride, conv.Padding);
                break;
            default:
                throw Error(node, "Add is read only as the bias of the Gemm, MatMul or Conv directly before it");
        }
    }

    private void Conv(NodeProto node, string current)
    {
        if (node.Input.Count < 2 || node.Input[0] != current)
        {
            throw Error(node, "Conv is read as Conv(x, W, B) with W and B constants");
        }

        RequireImage(node);
        if (Int(node, "group", 1) != 1)
        {
            throw Error(node, $"group is {Int(node, "group", 1)}; only group 1 is read");
        }

        OnnxTensor w = Constant(node, node.Input[1], "W");
        if (w.Dims.Length != 4 || w.Dims[1] != _shape[0] || w.Dims.Any(d => d < 1))
        {
            throw Error(node, $"W has dimensions [{string.Join(", ", w.Dims)}]; [C_out, {_shape[0]}, K_h, K_w] is expected");
        }

        long[] kernel = Ints(node, "kernel_shape", [w.Dims[2], w.Dims[3]]);
        if (!kernel.SequenceEqual([w.Dims[2], w.Dims[3]]))
        {
            throw Error(node, $"kernel_shape [{string.Join(", ", kernel)}] differs from W's [{w.Dims[2]}, {w.Dims[3]}]");
        }

        RequireOnes(node, "dilations");
        int stride = Uniform(node, "strides", 2, 1);
        int padding = Padding(node);
        int outChannels = (int)w.Dims[0];
        double[] bias = node.Input.Count > 2 && node.Input[2].Length > 0 ? Broadcast(node, Constant(node, node.Input[2], "B"), outChannels, perChannel: false) : [];
        Add(Conv2d.FromFlatKernels(_shape[0], outChannels, (int)w.Dims[2], (int)w.Dims[3], stride, padding, w.Values, bias));
    }

    /// <summary>The square window and stride of AveragePool or MaxPool (no padding, no ceil mode, no dilation).</summary>
    private (int Kernel, int Stride) Window(NodeProto node, string current)
    {
        if (node.Input.Count != 1 || node.Input[0] != current)
        {
            throw Error(node, "a pooling node has one input");
        }

        RequireImage(node);
        long[] kernel = Ints(node, "kernel_shape", []);
        if (kernel.Length != 2 || kernel[0] != kernel[1] || kernel[0] < 1 || kernel[0] > Shape.MaxElements)
        {
            throw Error(node, $"kernel_shape [{string.Join(", ", kernel)}] is not a square window; the IR pools K × K windows");
        }

        if (Int(node, "ceil_mode", 0) != 0)
        {
            throw Error(node, "ceil_mode must be 0 (floor)");
        }

        RequireOnes(node, "dilations");
        if (Padding(node) != 0)
        {
            throw Error(node, "pooling with padding is not read");
        }

        return ((int)kernel[0], Uniform(node, "strides", 2, 1));
    }

    private void Reshape(NodeProto node, string current)
    {
        if (node.Input.Count != 2 || node.Input[0] != current)
        {
            throw Error(node, "Reshape is read as Reshape(x, constant shape)");
        }

        long[] target = Constant(node, node.Input[1], "shape").AsIntegers(Where(node));
        if (_opset >= 14 && Int(node, "allowzero", 0) != 0 && target.Contains(0))
        {
            throw Error(node, "allowzero with a zero dimension gives an empty tensor");
        }

        if (target.Length < 2 || target.Count(d => d == -1) > 1 || target.Any(d => d < -1))
        {
            throw Error(node, $"the shape [{string.Join(", ", target)}] does not keep a batch axis and at most one inferred axis");
        }

        bool batchFirst = target[0] == 0 || (target[0] == -1 && !target.Skip(1).Contains(-1)) || (_batch is long b && target[0] == b);
        if (!batchFirst)
        {
            throw Error(node, $"the shape [{string.Join(", ", target)}] does not keep the batch axis first");
        }

        long known = 1;
        var sample = new long[target.Length - 1];
        for (int i = 1; i < target.Length; i++)
        {
            sample[i - 1] = target[i] == 0 ? (i <= _shape.Rank ? _shape[i - 1] : throw Error(node, $"dimension {i} copies an axis the input does not have")) : target[i];
            if (sample[i - 1] > 0)
            {
                known *= sample[i - 1];
                if (known > Shape.MaxElements)
                {
                    throw Error(node, $"the shape [{string.Join(", ", target)}] has more than {Shape.MaxElements} elements per sample");
                }
            }
        }

        for (int i = 0; i < sample.Length; i++)
        {
            if (sample[i] == -1)
            {
                sample[i] = known > 0 && _shape.Size % known == 0 ? _shape.Size / known : throw Error(node, $"the shape [{string.Join(", ", target)}] does not divide {_shape.Size} values");
                known *= sample[i];
            }
        }

        if (known != _shape.Size)
        {
            throw Error(node, $"the shape [{string.Join(", ", target)}] holds {known} values per sample; the input holds {_shape.Size}");
        }

        if (sample.Length == 1)
        {
            Flatten();
        }
        else if (!sample.SequenceEqual(_shape.Select(d => (long)d)))
        {
            throw Error(node, $"a reshape of {_shape} to [{string.Join(", ", sample)}] is not read; the IR reshapes only by flattening");
        }
    }

    private void BatchNormalization(NodeProto node, string current)
    {
        if (node.Input.Count != 5 || node.Input[0] != current)
        {
            throw Error(node, "BatchNormalization is read as (X, scale, B, mean, var) with constant statistics");
        }

        if (_opset >= 14 && Int(node, "training_mode", 0) != 0)
        {
            throw Error(node, "training_mode is 1; a model is imported for inference");
        }

        int channels = _shape[0];
        double[] Vector(int i, string role) => Broadcast(node, Constant(node, node.Input[i], role), channels, perChannel: false);
        double[] scale = Vector(1, "scale"), shift = Vector(2, "B"), mean = Vector(3, "mean"), variance = Vector(4, "var");
        double epsilon = Float(node, "epsilon", 1e-5);
        Layer folded = (_layers.Count > 0 ? _layers[^1] : null) switch
        {
            Dense dense when _shape.Rank == 1 => BatchNorm.Fold(dense, scale, shift, mean, variance, epsilon),
            Conv2d conv => BatchNorm.Fold(conv, scale, shift, mean, variance, epsilon),
            _ => throw Error(node, "BatchNormalization is folded only into a Conv, Gemm or MatMul directly before it"),
        };
        _layers[^1] = folded;
    }

    /// <summary>A constant broadcast to <paramref name="count"/> values: a scalar, [n] or [1, n]; per channel also [n, 1, 1] and [1, n, 1, 1].</summary>
    private double[] Broadcast(NodeProto node, OnnxTensor c, int count, bool perChannel)
    {
        long[] d = c.Dims;
        bool scalar = c.Count == 1 && d.All(x => x == 1);
        bool vector = d.Length >= 1 && d[^1] == count && d[..^1].All(x => x == 1) && !perChannel;
        bool channel = perChannel && d.Length >= 3 && d[^3] == count && d[^2] == 1 && d[^1] == 1 && d[..^3].All(x => x == 1);
        if (scalar)
        {
            return Enumerable.Repeat(c.Values[0], count).ToArray();
        }

        if (vector || channel)
        {
            return (double[])c.Values.Clone();
        }

        throw Error(node, $"the constant '{c.Name}' of dimensions [{string.Join(", ", d)}] does not broadcast to {count} {(perChannel ? "channels" : "values")}");
    }

    private void RequireImage(NodeProto node)
    {
        if (!_shape.IsImage)
        {
            throw Error(node, $"the input {_shape} is not an image [C, H, W]");
        }
    }

    private void RequireVector(NodeProto node)
    {
        if (_shape.Rank != 1)
        {
            throw Error(node, $"the input {_shape} is not a vector; flatten it first");
        }
    }

    private void RequireOnlyFirstOutputUsed(NodeProto node)
    {
        for (int i = 1; i < node.Output.Count; i++)
        {
            string extra = node.Output[i];
            if (extra.Length > 0 && (_consumers.ContainsKey(extra) || _graph.Output.Any(o => o.Name == extra)))
            {
                throw Error(node, $"its output {i} ('{extra}') is used; only the first output is read");
            }
        }
    }

    private void RequireOnes(NodeProto node, string name)
    {
        if (Ints(node, name, []).Any(v => v != 1))
        {
            throw Error(node, $"{name} must all be 1");
        }
    }

    /// <summary>Symmetric padding from pads (and auto_pad NOTSET or VALID).</summary>
    private int Padding(NodeProto node)
    {
        string autoPad = String(node, "auto_pad", "NOTSET");
        long[] pads = Ints(node, "pads", [0, 0, 0, 0]);
        if (autoPad is not ("NOTSET" or "VALID") || (autoPad == "VALID" && pads.Any(p => p != 0)))
        {
            throw Error(node, $"auto_pad {autoPad} is not read; give explicit symmetric pads");
        }

        if (pads.Length != 4 || pads.Distinct().Count() != 1 || pads[0] < 0 || pads[0] > Shape.MaxElements)
        {
            throw Error(node, $"pads [{string.Join(", ", pads)}] are not the same on every side; the IR pads symmetrically");
        }

        return (int)pads[0];
    }

    /// <summary>An ints attribute of <paramref name="count"/> equal values in [1, 2^24] (e.g. strides).</summary>
    private int Uniform(NodeProto node, string name, int count, int fallback)
    {
        long[] values = Ints(node, name, Enumerable.Repeat((long)fallback, count).ToArray());
        if (values.Length != count || values.Distinct().Count() != 1 || values[0] < 1 || values[0] > Shape.MaxElements)
        {
            throw Error(node, $"{name} [{string.Join(", ", values)}] must be {count} equal positive values; the IR has one {name.TrimEnd('s')} for both axes");
        }

        return (int)values[0];
    }

    private AttributeProto? Attribute(NodeProto node, string name, AttributeProto.Types.AttributeType type)
    {
        AttributeProto? a = node.Attribute.FirstOrDefault(x => x.Name == name);
        if (a is not null && a.Type != type && a.Type != AttributeProto.Types.AttributeType.Undefined)
        {
            throw Error(node, $"attribute {name} is of type {a.Type}; {type} is expected");
        }

        return a;
    }

    private long Int(NodeProto node, string name, long fallback) => Attribute(node, name, AttributeProto.Types.AttributeType.Int)?.I ?? fallback;

    private double Float(NodeProto node, string name, double fallback)
    {
        double value = Attribute(node, name, AttributeProto.Types.AttributeType.Float)?.F ?? fallback;
        return double.IsFinite(value) ? value : throw Error(node, $"attribute {name} is not finite");
    }

    private long[] Ints(NodeProto node, string name, long[] fallback)
    {
        AttributeProto? a = Attribute(node, name, AttributeProto.Types.AttributeType.Ints);
        return a is null ? fallback : [.. a.Ints];
    }

    private string String(NodeProto node, string name, string fallback)
    {
        AttributeProto? a = Attribute(node, name, AttributeProto.Types.AttributeType.String);
        return a is null ? fallback : a.S.ToStringUtf8();
    }
}
