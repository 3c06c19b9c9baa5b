using Thestage.Models;

namespace Thestage.Proofs.Quantization;

/// <summary>
/// Post-training quantization of a model of the IR (<see cref="Sequential"/>) into a <see cref="QuantizedModel"/>: symmetric
/// per-layer power-of-two scales for int8 weights, int32 biases at the accumulator scale, and requantization
/// shifts chosen from calibration ranges and then raised until the worst-case interval analysis of
/// <see cref="QuantizedModel"/> admits the model.
/// </summary>
/// <remarks>
/// Power-of-two scales (Jacob et al., "Quantization and training of neural networks for efficient
/// integer-arithmetic-only inference", CVPR 2018, with the scale restricted to <c>2^−f</c>) make every
/// rescaling a shift, which is what the proof system checks via <c>acc + h = q·2^s + r</c>.
/// </remarks>
public static class Quantizer
{
    private const int TargetActivation = 1 << 14; // calibration target: half of the int16 range as headroom

    /// <summary>Quantizes a model, calibrated on sample inputs (<see cref="Calibration.Measure"/>).</summary>
    /// <param name="model">
    /// The double-precision model: Dense, Conv2d, AvgPool2d with stride = window and a power-of-two window area, MaxPool2d
    /// with stride = window and an area of at most 16, Flatten, the exact ReLU and the square.
    /// </param>
    /// <param name="calibration">Representative inputs (at least one).</param>
    /// <param name="inputBits">Bits of the signed input integers, in <c>[2, 16]</c>.</param>
    /// <returns>The fixed-point model.</returns>
    /// <exception cref="ArgumentException">No calibration input, a layer the proof system does not prove, or no shift in range makes a layer valid.</exception>
    public static QuantizedModel Quantize(Sequential model, IReadOnlyList<double[]> calibration, int inputBits = 8)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Quantize(model, Calibration.Measure(model, calibration), inputBits);
    }

    /// <summary>
    /// Quantizes a model with the calibration the CKKS back-end uses too: the input's scale from the input's range, each
    /// requantization shift from the range of the layer's output (<c>max(|min|, |max|)</c> mapped to half the int16 range).
    /// </summary>
    /// <param name="model">The double-precision model (see the other overload for the layers proven).</param>
    /// <param name="calibration">Its calibration (<see cref="Calibration.Measure"/>).</param>
    /// <param name="inputBits">Bits of the signed input integers, in <c>[2, 16]</c>.</param>
    /// <returns>The fixed-point model.</returns>
    /// <exception cref="ArgumentException">The calibration is of another model, a layer the proof system does not prove, or no shift in range makes a layer valid.</exception>
    public static QuantizedModel Quantize(Sequential model, Calibration calibration, int inputBits = 8)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(calibration);
        int layerCount = model.Layers.Count;
        if (calibration.Ranges.Count != layerCount + 1)
        {
            throw new ArgumentException($"The calibration has {calibration.Ranges.Count} ranges; the model has {layerCount} layers (+ its input).", nameof(calibration));
        }

        double[] maxAbs = [.. calibration.Ranges.Select(r => r.MaxAbs)];
        int inputFraction = FractionBits(maxAbs[0], (1 << (inputBits - 1)) - 1);
        int fraction = inputFraction;
        var layers = new List<QuantizedLayer>();
        for (int l = 0; l < layerCount; l++)
        {
            Layer layer = model.Layers[l];
            switch (layer)
            {
                case Dense or Conv2d:
                    (double[] realWeights, double[] realBias) = OutputMajor(layer);
                    (int[] weights, int[] bias, int accFraction) = QuantizeParameters(realWeights, realBias, fraction);
                    int shift = ChooseShift(model, inputBits, inputFraction, layers, accFraction, maxAbs[l + 1], s => Parameterised(layer, weights, bias, s));
                    fraction = accFraction - shift;
                    break;
                case AvgPool2d pool when pool.Stride == pool.KernelSize:
                    layers.Add(QuantizedLayer.AvgPool2d(pool.KernelSize, pool.KernelSize));
                    break;
                case Activation { Kind: LayerKind.Square }:
                    int squareShift = ChooseShift(model, inputBits, inputFraction, layers, 2 * fraction, maxAbs[l + 1], QuantizedLayer.Square);
                    fraction = (2 * fraction) - squareShift;
                    break;
                case MaxPool2d pool when pool.Stride == pool.KernelSize && pool.KernelSize * pool.KernelSize <= LayerShapes.MaxPoolWindow:
                    layers.Add(QuantizedLayer.MaxPool2d(pool.KernelSize, pool.KernelSize));
                    break;
                case Flatten:
                    layers.Add(QuantizedLayer.Flatten());
                    break;
                case Activation { Kind: LayerKind.Relu }:
                    layers.Add(QuantizedLayer.ReLU());
                    break;
                default:
                    throw new ArgumentException(
                        $"Layer {l} ({layer}) has no fixed-point form in the proof system, which proves Dense, Conv2d, AvgPool2d (stride = window, area a power of two), MaxPool2d (stride = window, area at most 16), Flatten, the exact ReLU and the square.", nameof(model));
            }
        }

        return new QuantizedModel(model.InputShape, inputBits, inputFraction, fraction, layers);
    }

    /// <summary>Compares a quantized model with its source on given inputs.</summary>
    /// <param name="source">The double-precision model.</param>
    /// <param name="quantized">The fixed-point model.</param>
    /// <param name="inputs">Real inputs (at least one).</param>
    /// <returns>The error and agreement report.</returns>
    /// <exception cref="ArgumentException">No inputs, or the models' shapes differ.</exception>
    public static AgreementReport Compare(Sequential source, QuantizedModel quantized, IReadOnlyList<double[]> inputs)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(quantized);
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count == 0 || source.InputShape.Size != quantized.InputShape.Size || source.OutputShape.Size != quantized.OutputShape.Size)
        {
            throw new ArgumentException("Inputs are required and the models must have the same shapes.");
        }

        return AgreementReport.Compare(
            [.. inputs.Select(x => source.Evaluate(x))],
            [.. inputs.Select(x => quantized.DequantizeOutput(IntegerEvaluator.Evaluate(quantized, quantized.QuantizeInput(x))))]);
    }

    /// <summary>The largest <c>f</c> in <c>[−30, 30]</c> with <c>maxAbs · 2^f ≤ limit</c>.</summary>
    private static int FractionBits(double maxAbs, double limit)
    {
        if (maxAbs <= 0)
        {
            return 0;
        }

        return Math.Clamp((int)Math.Floor(Math.Log2(limit / maxAbs)), -30, 30);
    }

    /// <summary>The weights of a Dense (out × in) or Conv2d (out × in × kh × kw) layer, output-major, and its bias.</summary>
    private static (double[] Weights, double[] Bias) OutputMajor(Layer layer)
    {
        if (layer is Dense dense)
        {
            var w = new double[dense.Outputs * dense.Inputs];
            for (int o = 0; o < dense.Outputs; o++)
            {
                for (int i = 0; i < dense.Inputs; i++)
                {
                    w[(o * dense.Inputs) + i] = dense.WeightAt(i, o);
                }
            }

            return (w, dense.Bias);
        }

        var conv = (Conv2d)layer;
        return ([.. conv.Kernels.Cast<double>()], conv.Bias);
    }

    private static (int[] Weights, int[] Bias, int AccFraction) QuantizeParameters(double[] realWeights, double[] realBias, int inputFraction)
    {
        double maxWeight = 0;
        foreach (double w in realWeights)
        {
            maxWeight = Math.Max(maxWeight, Math.Abs(w));
        }

        for (int weightFraction = FractionBits(maxWeight, QuantizedLayer.MaxWeight); weightFraction >= -30; weightFraction--)
        {
            int accFraction = inputFraction + weightFraction;
            double weightScale = Math.Pow(2.0, weightFraction);
            double biasScale = Math.Pow(2.0, accFraction);
            bool fits = true;
            foreach (double b in realBias)
            {
                fits &= Math.Abs(Math.Round(b * biasScale, MidpointRounding.AwayFromZero)) < (1 << 30);
            }

            if (!fits)
            {
                continue;
            }

            int[] weights = Round(realWeights, weightScale, QuantizedLayer.MinWeight, QuantizedLayer.MaxWeight);
            int[] bias = Round(realBias, biasScale, -(1 << 30), 1 << 30);
            return (weights, bias, accFraction);
        }

        throw new ArgumentException("The layer's biases cannot be represented at any weight scale.");
    }

    private static int[] Round(ReadOnlySpan<double> values, double scale, int min, int max)
    {
        var result = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = (int)Math.Clamp(Math.Round(values[i] * scale, MidpointRounding.AwayFromZero), min, max);
        }

        return result;
    }

    private static QuantizedLayer Parameterised(Layer layer, int[] weights, int[] bias, int shift) => layer switch
    {
        Dense dense => QuantizedLayer.Dense(dense.Inputs, dense.Outputs, weights, bias, shift),
        Conv2d conv => QuantizedLayer.Conv2d(conv.InChannels, conv.OutChannels, conv.KernelHeight, conv.KernelWidth, conv.Stride, conv.Padding, weights, bias, shift),
        _ => throw new ArgumentException($"{layer} has no weights."),
    };

    /// <summary>Starts from the calibration shift and raises it until the model prefix passes validation; appends the layer.</summary>
    private static int ChooseShift(
        Sequential model, int inputBits, int inputFraction, List<QuantizedLayer> layers, int accFraction, double calibrationMax, Func<int, QuantizedLayer> make)
    {
        int target = FractionBits(calibrationMax, TargetActivation);
        int shift = Math.Clamp(accFraction - target, 0, QuantizedLayer.MaxShift);
        for (; shift <= QuantizedLayer.MaxShift; shift++)
        {
            QuantizedLayer candidate = make(shift);
            try
            {
                _ = new QuantizedModel(model.InputShape, inputBits, inputFraction, 0, [.. layers, candidate]);
                layers.Add(candidate);
                return shift;
            }
            catch (ArgumentException)
            {
                // The worst case does not fit yet: a larger shift halves the output range.
            }
        }

        throw new ArgumentException("No requantization shift in range keeps the layer within int16.");
    }
}
