namespace Thestage.Proofs.Quantization;

/// <summary>A double-precision sequential model: an input shape and a list of <see cref="FloatLayer"/>s, with a reference evaluator.</summary>
/// <remarks>
/// It is the plain description handed to <see cref="Quantizer"/>; AvgPool2d averages exactly, ReLU is
/// <c>max(x, 0)</c>, Square is <c>x²</c>, Conv2d pads with zeros.
/// </remarks>
public sealed class FloatModel
{
    private readonly FloatLayer[] _layers;
    private readonly TensorShape[] _shapes;

    /// <summary>Initializes a new model and checks that the layer shapes chain.</summary>
    /// <param name="inputShape">The shape of one input sample.</param>
    /// <param name="layers">The layers, applied in order.</param>
    /// <exception cref="ArgumentException">The shapes do not chain.</exception>
    public FloatModel(TensorShape inputShape, IReadOnlyList<FloatLayer> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        _layers = [.. layers];
        _shapes = new TensorShape[_layers.Length + 1];
        _shapes[0] = inputShape;
        for (int i = 0; i < _layers.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(_layers[i]);
            _shapes[i + 1] = _layers[i].OutputShape(_shapes[i]);
        }
    }

    /// <summary>Gets the input shape.</summary>
    public TensorShape InputShape => _shapes[0];

    /// <summary>Gets the output shape.</summary>
    public TensorShape OutputShape => _shapes[^1];

    /// <summary>Gets the layers.</summary>
    public IReadOnlyList<FloatLayer> Layers => _layers;

    /// <summary>Gets the shape after layer <paramref name="index"/> (index 0 is the input).</summary>
    /// <param name="index">In <c>[0, Layers.Count]</c>.</param>
    /// <returns>The shape.</returns>
    public TensorShape ShapeAt(int index) => _shapes[index];

    /// <summary>Evaluates the model in double precision.</summary>
    /// <param name="input">One sample, <see cref="InputShape"/> elements.</param>
    /// <returns>The output.</returns>
    /// <exception cref="ArgumentException">The input has the wrong length.</exception>
    public double[] Evaluate(ReadOnlySpan<double> input) => EvaluateAll(input)[^1];

    /// <summary>Evaluates the model and returns every intermediate tensor (index 0 is the input).</summary>
    /// <param name="input">One sample.</param>
    /// <returns>The tensors after each layer.</returns>
    /// <exception cref="ArgumentException">The input has the wrong length.</exception>
    public double[][] EvaluateAll(ReadOnlySpan<double> input)
    {
        if (input.Length != InputShape.Size)
        {
            throw new ArgumentException("The input has the wrong length.", nameof(input));
        }

        var tensors = new double[_layers.Length + 1][];
        tensors[0] = input.ToArray();
        for (int l = 0; l < _layers.Length; l++)
        {
            tensors[l + 1] = Apply(_layers[l], _shapes[l], _shapes[l + 1], tensors[l]);
        }

        return tensors;
    }

    private static double[] Apply(FloatLayer layer, TensorShape inShape, TensorShape outShape, double[] x)
    {
        var y = new double[outShape.Size];
        switch (layer.Kind)
        {
            case LayerKind.Dense:
                for (int o = 0; o < layer.OutFeatures; o++)
                {
                    double sum = layer.Bias[o];
                    for (int i = 0; i < layer.InFeatures; i++)
                    {
                        sum += layer.Weights[(o * layer.InFeatures) + i] * x[i];
                    }

                    y[o] = sum;
                }

                break;
            case LayerKind.Conv2d:
                for (int co = 0; co < outShape.Channels; co++)
                {
                    for (int oy = 0; oy < outShape.Height; oy++)
                    {
                        for (int ox = 0; ox < outShape.Width; ox++)
                        {
                            double sum = layer.Bias[co];
                            foreach ((int w, int i) in ConvolutionTaps.Enumerate(inShape, layer.KernelHeight, layer.KernelWidth, layer.Stride, layer.Padding, co, oy, ox))
                            {
                                sum += layer.Weights[w] * x[i];
                            }

                            y[(((co * outShape.Height) + oy) * outShape.Width) + ox] = sum;
                        }
                    }
                }

                break;
            case LayerKind.AvgPool2d:
                for (int c = 0; c < outShape.Channels; c++)
                {
                    for (int oy = 0; oy < outShape.Height; oy++)
                    {
                        for (int ox = 0; ox < outShape.Width; ox++)
                        {
                            double sum = 0;
                            foreach (int i in ConvolutionTaps.Window(inShape, layer.KernelHeight, layer.KernelWidth, c, oy, ox))
                            {
                                sum += x[i];
                            }

                            y[(((c * outShape.Height) + oy) * outShape.Width) + ox] = sum / (layer.KernelHeight * layer.KernelWidth);
                        }
                    }
                }

                break;
            case LayerKind.Flatten:
                x.CopyTo(y, 0);
                break;
            case LayerKind.ReLU:
                for (int i = 0; i < y.Length; i++)
                {
                    y[i] = Math.Max(x[i], 0);
                }

                break;
            default:
                for (int i = 0; i < y.Length; i++)
                {
                    y[i] = x[i] * x[i];
                }

                break;
        }

        return y;
    }
}
