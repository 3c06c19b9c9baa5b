namespace Thestage.Models;

/// <summary>
/// A fully connected layer <c>y = x·W + b</c> (TorchSharp's Linear and ONNX's Gemm with transB store <c>Wᵀ</c>). It takes
/// any input whose element count is <see cref="Inputs"/>, read row-major (so a [C, H, W] input is flattened implicitly).
/// </summary>
public sealed class Dense : LinearLayer
{
    private readonly double[,] _weights;
    private readonly double[] _bias;

    /// <summary>Creates <c>y = x·W + b</c>.</summary>
    /// <param name="weights">W, inputs × outputs.</param>
    /// <param name="bias">b, one per output (zeros when null).</param>
    /// <exception cref="ArgumentException">The matrix is empty, the bias length differs from the output count, or a value is not finite.</exception>
    public Dense(double[,] weights, double[]? bias = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Length == 0)
        {
            throw new ArgumentException("The weight matrix is empty.", nameof(weights));
        }

        _weights = (double[,])weights.Clone();
        _bias = bias is null ? new double[Outputs] : (double[])bias.Clone();
        if (_bias.Length != Outputs)
        {
            throw new ArgumentException($"The bias has {_bias.Length} values; the layer has {Outputs} outputs.", nameof(bias));
        }

        RequireFinite(System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(ref _weights[0, 0], _weights.Length), nameof(weights));
        RequireFinite(_bias, nameof(bias));
    }

    /// <summary>
    /// Creates the layer from weights stored output-major, <c>out × in</c> row-major — the layout of PyTorch's Linear, ONNX's
    /// Gemm with transB = 1, and the proof system's fixed-point layers.
    /// </summary>
    /// <param name="inputs">The number of inputs, ≥ 1.</param>
    /// <param name="outputs">The number of outputs, ≥ 1.</param>
    /// <param name="weights">inputs × outputs values, <c>weights[o·inputs + i]</c> for input i and output o.</param>
    /// <param name="bias">outputs values, or empty for no bias.</param>
    /// <exception cref="ArgumentException">The lengths do not match the sizes, or a value is not finite.</exception>
    public static Dense FromOutputMajor(int inputs, int outputs, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputs, 1);
        if ((long)inputs * outputs != weights.Length || (bias.Length != 0 && bias.Length != outputs))
        {
            throw new ArgumentException($"Dense({inputs}→{outputs}) needs {(long)inputs * outputs} weights (out × in) and {outputs} biases; got {weights.Length} and {bias.Length}.");
        }

        var w = new double[inputs, outputs];
        for (int o = 0; o < outputs; o++)
        {
            for (int i = 0; i < inputs; i++)
            {
                w[i, o] = weights[(o * inputs) + i];
            }
        }

        return new Dense(w, bias.IsEmpty ? null : bias.ToArray());
    }

    /// <inheritdoc/>
    public override LayerKind Kind => LayerKind.Dense;

    /// <summary>The number of inputs.</summary>
    public int Inputs => _weights.GetLength(0);

    /// <summary>The number of outputs.</summary>
    public int Outputs => _weights.GetLength(1);

    /// <summary>W (a copy), inputs × outputs.</summary>
    public double[,] Weights => (double[,])_weights.Clone();

    /// <summary>b (a copy).</summary>
    public double[] Bias => (double[])_bias.Clone();

    /// <summary>W[input, output].</summary>
    /// <param name="input">The input index.</param>
    /// <param name="output">The output index.</param>
    public double WeightAt(int input, int output) => _weights[input, output];

    /// <inheritdoc/>
    public override Shape OutputShape(Shape inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        if (inputShape.Size != Inputs)
        {
            throw new ArgumentException($"{this} takes {Inputs} values; got {inputShape} ({inputShape.Size}).");
        }

        return Shape.Vector(Outputs);
    }

    /// <inheritdoc/>
    public override double[] Evaluate(ReadOnlySpan<double> input, Shape inputShape)
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
    public override Func<int, int, double> Matrix(Shape inputShape)
    {
        OutputShape(inputShape);
        return WeightAt;
    }

    /// <inheritdoc/>
    public override double[] OutputBias(Shape inputShape)
    {
        OutputShape(inputShape);
        return Bias;
    }

    /// <inheritdoc/>
    public override string ToString() => $"Dense({Inputs}→{Outputs})";
}
