using System.Numerics;
using Thestage.Proofs.Quantization;
using Thestage.Models;

namespace Thestage.Proofs.Tests.Quantization;

/// <summary>A deliberately naive re-implementation of the documented integer semantics (BigInteger floor division, explicit bounds checks).</summary>
internal static class ReferenceEvaluator
{
    public static int[] Evaluate(QuantizedModel model, int[] input)
    {
        int[] x = input;
        for (int l = 0; l < model.Layers.Count; l++)
        {
            QuantizedLayer layer = model.Layers[l];
            Shape inShape = model.ShapeAt(l), outShape = model.ShapeAt(l + 1);
            var y = new int[outShape.Size];
            for (int o = 0; o < y.Length; o++)
            {
                int c = o / (outShape.Height * outShape.Width), oy = o / outShape.Width % outShape.Height, ox = o % outShape.Width;
                BigInteger acc = 0;
                switch (layer.Kind)
                {
                    case LayerKind.Dense:
                        acc = layer.Bias[o];
                        for (int i = 0; i < layer.InFeatures; i++)
                        {
                            acc += (BigInteger)layer.Weights[(o * layer.InFeatures) + i] * x[i];
                        }

                        break;
                    case LayerKind.Conv2d:
                        acc = layer.Bias[c];
                        for (int ci = 0; ci < inShape.Channels; ci++)
                        {
                            for (int ky = 0; ky < layer.KernelHeight; ky++)
                            {
                                for (int kx = 0; kx < layer.KernelWidth; kx++)
                                {
                                    int iy = (oy * layer.Stride) - layer.Padding + ky, ix = (ox * layer.Stride) - layer.Padding + kx;
                                    int value = iy >= 0 && iy < inShape.Height && ix >= 0 && ix < inShape.Width ? x[(((ci * inShape.Height) + iy) * inShape.Width) + ix] : 0;
                                    int weight = layer.Weights[(((((c * inShape.Channels) + ci) * layer.KernelHeight) + ky) * layer.KernelWidth) + kx];
                                    acc += (BigInteger)weight * value;
                                }
                            }
                        }

                        break;
                    case LayerKind.AvgPool2d:
                        for (int ky = 0; ky < layer.KernelHeight; ky++)
                        {
                            for (int kx = 0; kx < layer.KernelWidth; kx++)
                            {
                                acc += x[(((c * inShape.Height) + (oy * layer.KernelHeight) + ky) * inShape.Width) + (ox * layer.KernelWidth) + kx];
                            }
                        }

                        break;
                    case LayerKind.Square:
                        acc = (BigInteger)x[o] * x[o];
                        break;
                    case LayerKind.Relu:
                        y[o] = x[o] > 0 ? x[o] : 0;
                        continue;
                    default:
                        y[o] = x[o];
                        continue;
                }

                y[o] = (int)RoundHalfUp(acc, layer.Shift);
            }

            x = y;
        }

        return x;
    }

    /// <summary>floor(acc / 2^s + 1/2) computed as floor((2·acc + 2^s) / 2^(s+1)) with BigInteger, for s ≥ 1; acc for s = 0.</summary>
    public static BigInteger RoundHalfUp(BigInteger acc, int shift)
    {
        if (shift == 0)
        {
            return acc;
        }

        BigInteger numerator = (2 * acc) + (BigInteger.One << shift);
        BigInteger denominator = BigInteger.One << (shift + 1);
        BigInteger quotient = BigInteger.DivRem(numerator, denominator, out BigInteger remainder);
        return remainder < 0 ? quotient - 1 : quotient;
    }
}
