namespace Thestage.Inference.Model;

/// <summary>A fully connected layer y = x·W + b on a 1-D input (TorchSharp's Linear stores Wᵀ).</summary>
public sealed class Dense : Layer
{
    private readonly double[,] _weights;
    private readonly double[] _bias;

    /// <summary>Creates y = x·W + b.</summary>
    /// <param name="weights">W, inputs × outputs.</param>
    /// <param name="bias">b, one per output (zeros when null).</param>
    /// <exception cref="ArgumentException">The bias length differs from the output count, or a value is not finite.</exception>
    public Dense(double[,] weights, double[]? bias = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        _weights = (double[,])weights.Clone();
        _bias = bias is null ? new double[Outputs] : (double[])bias.Clone();
        if (_bias.Length != Outputs)
        {
            throw new ArgumentException($"The bias has {_bias.Length} values; the layer has {Outputs} outputs.", nameof(bias));
        }

        Check.Finite(_weights.Cast<double>(), nameof(weights));
        Check.Finite(_bias, nameof(bias));
    }

    /// <summary>The number of inputs.</summary>
    public int Inputs => _weights.GetLength(0);

    /// <summary>The number of outputs.</summary>
    public int Outputs => _weights.GetLength(1);

    /// <summary>W (a copy), inputs × outputs.</summary>
    public double[,] Weights => (double[,])_weights.Clone();

    /// <summary>b (a copy).</summary>
    public double[] Bias => (double[])_bias.Clone();

    /// <inheritdoc/>
    public override int Depth => 1;

    /// <inheritdoc/>
    public override int[] OutputShape(IReadOnlyList<int> inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        if (inputShape.Count != 1 || inputShape[0] != Inputs)
        {
            throw new ArgumentException($"Dense({Inputs}→{Outputs}) takes [{Inputs}]; got [{string.Join(", ", inputShape)}]. Insert a Flatten first.");
        }

        return [Outputs];
    }

    /// <inheritdoc/>
    public override double[] Evaluate(ReadOnlySpan<double> input, IReadOnlyList<int> inputShape)
    {
        OutputShape(inputShape);
        RequireLength(input, inputShape);
        var y = (double[])_bias.Clone();
        for (int i = 0; i < Inputs; i++)
        {
            double x = input[i];
            for (int j = 0; j < Outputs; j++)
            {
                y[j] += x * _weights[i, j];
            }
        }

        return y;
    }

    /// <inheritdoc/>
    public override string ToString() => $"Dense({Inputs}→{Outputs})";

    internal double WeightAt(int input, int output) => _weights[input, output];

    internal ReadOnlySpan<double> BiasSpan => _bias;
}
