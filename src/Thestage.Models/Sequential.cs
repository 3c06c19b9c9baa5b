namespace Thestage.Models;

/// <summary>A model: layers applied in order to an input of a fixed shape, with its plain reference evaluation.</summary>
public sealed class Sequential
{
    /// <summary>The most layers a model may have.</summary>
    public const int MaxLayers = 4096;

    private readonly Layer[] _layers;
    private readonly Shape[] _shapes; // _shapes[i] is the input shape of layer i; the last is the output shape

    /// <summary>Creates the model and checks that every layer accepts its input shape.</summary>
    /// <param name="inputShape">The shape of one sample, e.g. [1, 28, 28].</param>
    /// <param name="layers">1 to <see cref="MaxLayers"/> layers.</param>
    /// <exception cref="ArgumentException">No layer, too many, or a layer rejects its input shape.</exception>
    public Sequential(Shape inputShape, IEnumerable<Layer> layers)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        ArgumentNullException.ThrowIfNull(layers);
        _layers = layers.ToArray();
        if (_layers.Length is 0 or > MaxLayers)
        {
            throw new ArgumentException($"A model has 1 to {MaxLayers} layers; got {_layers.Length}.", nameof(layers));
        }

        _shapes = new Shape[_layers.Length + 1];
        _shapes[0] = inputShape;
        for (int i = 0; i < _layers.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(_layers[i], nameof(layers));
            _shapes[i + 1] = _layers[i].OutputShape(_shapes[i]);
        }
    }

    /// <summary>The layers.</summary>
    public IReadOnlyList<Layer> Layers => _layers;

    /// <summary>The input shape of one sample.</summary>
    public Shape InputShape => _shapes[0];

    /// <summary>The output shape.</summary>
    public Shape OutputShape => _shapes[^1];

    /// <summary>The input shape of layer <paramref name="index"/>.</summary>
    /// <param name="index">A layer index.</param>
    public Shape InputShapeOf(int index) => _shapes[index];

    /// <summary>The output shape of layer <paramref name="index"/>.</summary>
    /// <param name="index">A layer index.</param>
    public Shape OutputShapeOf(int index) => _shapes[index + 1];

    /// <summary>The plain (double) evaluation of one row-major sample.</summary>
    /// <param name="input">The sample.</param>
    /// <exception cref="ArgumentException">The sample has the wrong size.</exception>
    public double[] Evaluate(ReadOnlySpan<double> input) => EvaluateAll(input)[^1];

    /// <summary>The plain evaluation, keeping every tensor: index 0 is the input, index i + 1 the output of layer i.</summary>
    /// <param name="input">The sample.</param>
    /// <exception cref="ArgumentException">The sample has the wrong size.</exception>
    public double[][] EvaluateAll(ReadOnlySpan<double> input)
    {
        if (input.Length != InputShape.Size)
        {
            throw new ArgumentException($"The sample has {input.Length} values; the model takes {InputShape} ({InputShape.Size}).", nameof(input));
        }

        var tensors = new double[_layers.Length + 1][];
        tensors[0] = input.ToArray();
        for (int i = 0; i < _layers.Length; i++)
        {
            tensors[i + 1] = _layers[i].Evaluate(tensors[i], _shapes[i]);
        }

        return tensors;
    }

    /// <summary>The same model with layer <paramref name="index"/> replaced (the shapes are checked again).</summary>
    /// <param name="index">A layer index.</param>
    /// <param name="layer">The new layer.</param>
    /// <exception cref="ArgumentException">The new layer does not fit.</exception>
    public Sequential WithLayer(int index, Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _layers.Length);
        var layers = (Layer[])_layers.Clone();
        layers[index] = layer;
        return new Sequential(InputShape, layers);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{InputShape} → " + string.Join(" → ", _layers.Select(l => l.ToString())) + $" → {OutputShape}";
}
