using Thestage.Models;

namespace Thestage.Proofs.Quantization;

/// <summary>
/// A fixed-point sequential model whose integer semantics (<see cref="IntegerEvaluator"/>) are exactly what
/// <see cref="Inference.InferenceProver"/> proves.
/// </summary>
/// <remarks>
/// <para>Semantics, per sample (tensors channel-major, see <see cref="Shape"/>):</para>
/// <list type="bullet">
/// <item><description>Input: integers in <c>[−2^(b−1), 2^(b−1))</c>, <c>b = InputBits ≤ 16</c>, representing <c>x · 2^−InputFractionBits</c>.</description></item>
/// <item><description>Dense / Conv2d: <c>acc = bias + Σ w·x</c> with int8 weights, exact over the integers (zero padding for Conv2d).
/// AvgPool2d: <c>acc = Σ_window x</c>. Square: <c>acc = x²</c>.</description></item>
/// <item><description>Requantization with shift <c>s</c>, rounding half up: <c>q = ⌊(acc + h) / 2^s⌋</c>, <c>h = 2^(s−1)</c> for
/// <c>s ≥ 1</c> and <c>h = 0</c> for <c>s = 0</c>; equivalently <c>acc + h = q·2^s + r</c> with <c>0 ≤ r &lt; 2^s</c>.
/// AvgPool2d uses <c>s = log2(window area)</c>, an exact rounded mean.</description></item>
/// <item><description>ReLU: <c>max(x, 0)</c>; MaxPool2d: the largest value of each window (stride = window); Flatten: identity on the channel-major data.</description></item>
/// </list>
/// <para>
/// Validity: the constructor runs an interval analysis over all admissible inputs and rejects the model
/// unless every accumulator fits in <c>[−2^31 + 1, 2^31 − 1]</c> and every activation in int16
/// <c>[−2^15, 2^15)</c>. No saturation is ever needed, so none is defined, and the field embedding used by the
/// prover (Goldilocks, <c>p ≈ 2^64</c>) never wraps.
/// </para>
/// </remarks>
public sealed class QuantizedModel
{
    /// <summary>The smallest activation value (int16).</summary>
    public const int MinActivation = -(1 << 15);

    /// <summary>The largest activation value (int16).</summary>
    public const int MaxActivation = (1 << 15) - 1;

    private readonly QuantizedLayer[] _layers;
    private readonly Shape[] _shapes;
    private readonly long[] _bounds;

    /// <summary>Initializes a new model and validates shapes and ranges.</summary>
    /// <param name="inputShape">The shape of one input sample.</param>
    /// <param name="inputBits">Bits of the signed input integers, in <c>[2, 16]</c>.</param>
    /// <param name="inputFractionBits">Fraction bits of the input fixed-point format.</param>
    /// <param name="outputFractionBits">Fraction bits of the output fixed-point format.</param>
    /// <param name="layers">The layers.</param>
    /// <exception cref="ArgumentException">The shapes do not chain or a value could leave its range.</exception>
    public QuantizedModel(Shape inputShape, int inputBits, int inputFractionBits, int outputFractionBits, IReadOnlyList<QuantizedLayer> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputBits, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(inputBits, 16);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Math.Abs(inputFractionBits), 62);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Math.Abs(outputFractionBits), 62);
        if (layers.Count is 0 or > 64)
        {
            throw new ArgumentException("A model has between 1 and 64 layers.", nameof(layers));
        }

        _layers = [.. layers];
        InputBits = inputBits;
        InputFractionBits = inputFractionBits;
        OutputFractionBits = outputFractionBits;
        _shapes = new Shape[_layers.Length + 1];
        _bounds = new long[_layers.Length + 1];
        _shapes[0] = LayerShapes.Canonical(inputShape);
        _bounds[0] = 1L << (inputBits - 1);
        for (int i = 0; i < _layers.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(_layers[i]);
            _shapes[i + 1] = _layers[i].OutputShape(_shapes[i]);
            _bounds[i + 1] = OutputBound(_layers[i], _shapes[i], _bounds[i], i);
        }
    }

    /// <summary>Gets the input shape.</summary>
    public Shape InputShape => _shapes[0];

    /// <summary>Gets the output shape.</summary>
    public Shape OutputShape => _shapes[^1];

    /// <summary>Gets the number of bits of the signed input integers.</summary>
    public int InputBits { get; }

    /// <summary>Gets the fraction bits of the input.</summary>
    public int InputFractionBits { get; }

    /// <summary>Gets the fraction bits of the output.</summary>
    public int OutputFractionBits { get; }

    /// <summary>Gets the layers.</summary>
    public IReadOnlyList<QuantizedLayer> Layers => _layers;

    /// <summary>Gets the shape after layer <paramref name="index"/> (index 0 is the input).</summary>
    /// <param name="index">In <c>[0, Layers.Count]</c>.</param>
    /// <returns>The shape.</returns>
    public Shape ShapeAt(int index) => _shapes[index];

    /// <summary>Gets the proven bound on <c>|value|</c> of the tensor after layer <paramref name="index"/>.</summary>
    /// <param name="index">In <c>[0, Layers.Count]</c>.</param>
    /// <returns>The bound.</returns>
    public long BoundAt(int index) => _bounds[index];

    /// <summary>Quantizes a real input: <c>clamp(round(x · 2^f))</c> to the input range (ties away from zero).</summary>
    /// <param name="input">One real sample.</param>
    /// <returns>The integer sample.</returns>
    /// <exception cref="ArgumentException">The input has the wrong length.</exception>
    public int[] QuantizeInput(ReadOnlySpan<double> input)
    {
        if (input.Length != InputShape.Size)
        {
            throw new ArgumentException("The input has the wrong length.", nameof(input));
        }

        var result = new int[input.Length];
        double scale = Math.Pow(2.0, InputFractionBits);
        long max = (1L << (InputBits - 1)) - 1;
        for (int i = 0; i < input.Length; i++)
        {
            double scaled = Math.Round(input[i] * scale, MidpointRounding.AwayFromZero);
            result[i] = (int)Math.Clamp(double.IsNaN(scaled) ? 0 : scaled, -max - 1, max);
        }

        return result;
    }

    /// <summary>Converts integer outputs to reals: <c>q · 2^−OutputFractionBits</c>.</summary>
    /// <param name="output">Integer outputs.</param>
    /// <returns>The real outputs.</returns>
    public double[] DequantizeOutput(ReadOnlySpan<int> output)
    {
        var result = new double[output.Length];
        double scale = Math.Pow(2.0, -OutputFractionBits);
        for (int i = 0; i < output.Length; i++)
        {
            result[i] = output[i] * scale;
        }

        return result;
    }

    private static long OutputBound(QuantizedLayer layer, Shape inShape, long inBound, int index)
    {
        long accumulator;
        switch (layer.Kind)
        {
            case LayerKind.Dense:
            case LayerKind.Conv2d:
                int perOutput = layer.Weights.Length / layer.OutFeatures;
                accumulator = 0;
                for (int o = 0; o < layer.OutFeatures; o++)
                {
                    long sum = Math.Abs((long)layer.Bias[o]);
                    foreach (int w in layer.Weights.Slice(o * perOutput, perOutput))
                    {
                        sum += Math.Abs((long)w) * inBound;
                    }

                    accumulator = Math.Max(accumulator, sum);
                }

                break;
            case LayerKind.AvgPool2d:
                accumulator = (long)layer.KernelHeight * layer.KernelWidth * inBound;
                break;
            case LayerKind.Square:
                accumulator = inBound * inBound;
                break;
            default:
                return inBound;
        }

        if (accumulator > int.MaxValue)
        {
            throw new ArgumentException($"Layer {index}: the accumulator may reach {accumulator}, beyond int32.");
        }

        long low = layer.Kind == LayerKind.Square ? FixedPoint.Requantize(0, layer.Shift) : FixedPoint.Requantize(-accumulator, layer.Shift);
        long high = FixedPoint.Requantize(accumulator, layer.Shift);
        if (low < MinActivation || high > MaxActivation)
        {
            throw new ArgumentException($"Layer {index}: the requantized output may reach [{low}, {high}], beyond int16; increase the shift.");
        }

        return Math.Max(Math.Abs(low), Math.Abs(high));
    }
}
