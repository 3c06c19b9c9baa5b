namespace Thestage.Inference.Model;

/// <summary>A model: layers applied in order to an input of a fixed shape, with its plain reference evaluation.</summary>
public sealed class Sequential
{
    private readonly Layer[] _layers;
    private readonly int[][] _shapes; // _shapes[i] is the input shape of layer i; the last is the output shape

    /// <summary>Creates the model and checks that every layer accepts its input shape.</summary>
    /// <param name="inputShape">The shape of one sample, e.g. [1, 28, 28].</param>
    /// <param name="layers">At least one layer.</param>
    /// <exception cref="ArgumentException">A layer rejects its input shape.</exception>
    public Sequential(IReadOnlyList<int> inputShape, IEnumerable<Layer> layers)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        ArgumentNullException.ThrowIfNull(layers);
        _layers = layers.ToArray();
        if (_layers.Length == 0)
        {
            throw new ArgumentException("A model needs at least one layer.", nameof(layers));
        }

        _shapes = new int[_layers.Length + 1][];
        _shapes[0] = inputShape.ToArray();
        for (int i = 0; i < _layers.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(_layers[i], nameof(layers));
            _shapes[i + 1] = _layers[i].OutputShape(_shapes[i]);
        }
    }

    /// <summary>The layers.</summary>
    public IReadOnlyList<Layer> Layers => _layers;

    /// <summary>The input shape of one sample.</summary>
    public IReadOnlyList<int> InputShape => _shapes[0];

    /// <summary>The output shape.</summary>
    public IReadOnlyList<int> OutputShape => _shapes[^1];

    /// <summary>The total multiplicative depth of the encrypted evaluation.</summary>
    /// <exception cref="NotSupportedException">A layer has no encrypted evaluation (an exact <see cref="Relu"/>).</exception>
    public int Depth => _layers.Sum(l => l.Depth);

    /// <summary>The input shape of layer <paramref name="index"/>.</summary>
    /// <param name="index">A layer index.</param>
    public IReadOnlyList<int> InputShapeOf(int index) => _shapes[index];

    /// <summary>The output shape of layer <paramref name="index"/>.</summary>
    /// <param name="index">A layer index.</param>
    public IReadOnlyList<int> OutputShapeOf(int index) => _shapes[index + 1];

    /// <summary>The plain (double) evaluation of one row-major sample.</summary>
    /// <param name="input">The sample.</param>
    /// <exception cref="ArgumentException">The sample has the wrong size.</exception>
    public double[] Evaluate(ReadOnlySpan<double> input)
    {
        double[] x = input.ToArray();
        for (int i = 0; i < _layers.Length; i++)
        {
            x = _layers[i].Evaluate(x, _shapes[i]);
        }

        return x;
    }

    /// <inheritdoc/>
    public override string ToString() => $"[{string.Join(", ", InputShape)}] → " + string.Join(" → ", _layers.Select(l => l.ToString())) + $" → [{string.Join(", ", OutputShape)}]";
}
