using Thestage.Models;

namespace Thestage.Proofs.Quantization;

/// <summary>
/// The plain integer evaluator of a <see cref="QuantizedModel"/>; its results define the statement that
/// <see cref="Inference.InferenceProver"/> proves and <see cref="Inference.InferenceVerifier"/> checks.
/// </summary>
/// <remarks>Semantics are documented on <see cref="QuantizedModel"/>; all arithmetic is exact in 64-bit integers.</remarks>
public static class IntegerEvaluator
{
    /// <summary>Evaluates the model on one integer sample.</summary>
    /// <param name="model">The model.</param>
    /// <param name="input">The sample, <c>model.InputShape.Size</c> integers in the input range.</param>
    /// <returns>The output integers.</returns>
    /// <exception cref="ArgumentException">The input has the wrong length or a value outside the input range.</exception>
    public static int[] Evaluate(QuantizedModel model, ReadOnlySpan<int> input) => Trace(model, input).Tensors[^1];

    /// <summary>Evaluates the model and keeps every tensor and accumulator.</summary>
    /// <param name="model">The model.</param>
    /// <param name="input">The sample.</param>
    /// <returns>Tensors (index 0 is the input) and, per layer, the accumulator before requantization (or null).</returns>
    internal static (int[][] Tensors, long[]?[] Accumulators) Trace(QuantizedModel model, ReadOnlySpan<int> input)
    {
        ArgumentNullException.ThrowIfNull(model);
        ValidateInput(model, input);
        int count = model.Layers.Count;
        var tensors = new int[count + 1][];
        var accumulators = new long[]?[count];
        tensors[0] = input.ToArray();
        for (int l = 0; l < count; l++)
        {
            QuantizedLayer layer = model.Layers[l];
            Shape inShape = model.ShapeAt(l);
            Shape outShape = model.ShapeAt(l + 1);
            int[] x = tensors[l];
            if (layer.Requantizes)
            {
                long[] acc = Accumulate(layer, inShape, outShape, x);
                accumulators[l] = acc;
                var y = new int[acc.Length];
                for (int i = 0; i < acc.Length; i++)
                {
                    long q = FixedPoint.Requantize(acc[i], layer.Shift);
                    if (q < QuantizedModel.MinActivation || q > QuantizedModel.MaxActivation)
                    {
                        throw new InvalidOperationException("A requantized value left the int16 range despite validation.");
                    }

                    y[i] = (int)q;
                }

                tensors[l + 1] = y;
            }
            else
            {
                tensors[l + 1] = layer.Kind switch
                {
                    LayerKind.Relu => x.Select(v => Math.Max(v, 0)).ToArray(),
                    LayerKind.MaxPool2d => MaxPool(layer, inShape, outShape, x),
                    _ => (int[])x.Clone(),
                };
            }
        }

        return (tensors, accumulators);
    }

    /// <summary>The largest value of every window (stride = window).</summary>
    private static int[] MaxPool(QuantizedLayer layer, Shape inShape, Shape outShape, int[] x)
    {
        var y = new int[outShape.Size];
        for (int c = 0, o = 0; c < outShape.Channels; c++)
        {
            for (int oy = 0; oy < outShape.Height; oy++)
            {
                for (int ox = 0; ox < outShape.Width; ox++, o++)
                {
                    y[o] = ConvolutionTaps.Window(inShape, layer.KernelHeight, layer.KernelWidth, c, oy, ox).Max(i => x[i]);
                }
            }
        }

        return y;
    }

    internal static void ValidateInput(QuantizedModel model, ReadOnlySpan<int> input)
    {
        if (input.Length != model.InputShape.Size)
        {
            throw new ArgumentException("The input has the wrong length.", nameof(input));
        }

        long bound = 1L << (model.InputBits - 1);
        foreach (int value in input)
        {
            if (value < -bound || value >= bound)
            {
                throw new ArgumentException("An input value is outside the model's input range.", nameof(input));
            }
        }
    }

    private static long[] Accumulate(QuantizedLayer layer, Shape inShape, Shape outShape, int[] x)
    {
        var acc = new long[outShape.Size];
        switch (layer.Kind)
        {
            case LayerKind.Dense:
                for (int o = 0; o < layer.OutFeatures; o++)
                {
                    long sum = layer.Bias[o];
                    ReadOnlySpan<int> row = layer.Weights.Slice(o * layer.InFeatures, layer.InFeatures);
                    for (int i = 0; i < row.Length; i++)
                    {
                        sum += (long)row[i] * x[i];
                    }

                    acc[o] = sum;
                }

                break;
            case LayerKind.Conv2d:
                for (int co = 0; co < outShape.Channels; co++)
                {
                    for (int oy = 0; oy < outShape.Height; oy++)
                    {
                        for (int ox = 0; ox < outShape.Width; ox++)
                        {
                            long sum = layer.Bias[co];
                            foreach ((int w, int i) in ConvolutionTaps.Enumerate(inShape, layer.KernelHeight, layer.KernelWidth, layer.Stride, layer.Padding, co, oy, ox))
                            {
                                sum += (long)layer.Weights[w] * x[i];
                            }

                            acc[(((co * outShape.Height) + oy) * outShape.Width) + ox] = sum;
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
                            long sum = 0;
                            foreach (int i in ConvolutionTaps.Window(inShape, layer.KernelHeight, layer.KernelWidth, c, oy, ox))
                            {
                                sum += x[i];
                            }

                            acc[(((c * outShape.Height) + oy) * outShape.Width) + ox] = sum;
                        }
                    }
                }

                break;
            default:
                for (int i = 0; i < acc.Length; i++)
                {
                    acc[i] = (long)x[i] * x[i];
                }

                break;
        }

        return acc;
    }
}
