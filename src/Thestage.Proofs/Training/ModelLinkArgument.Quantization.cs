using Thestage.Models;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;

namespace Thestage.Proofs.Training;

/// <content>The deterministic map from trained fixed-point parameters to an inference <see cref="QuantizedModel"/>.</content>
public static partial class ModelLinkArgument
{
    /// <summary>
    /// Maps trained parameters to the inference model of the same MLP (Dense → ReLU → … → Dense) deterministically.
    /// </summary>
    /// <param name="weights">The trained parameters (units <c>2^−f</c>).</param>
    /// <param name="inputBits">The signed width <c>b ∈ [2, 16]</c> of the inference inputs.</param>
    /// <param name="inputFractionBits">The fraction bits <c>a_0 ∈ [−30, 30]</c> of the inference inputs.</param>
    /// <returns>The quantized model; its <see cref="QuantizedModel.OutputFractionBits"/> is <c>a_L</c> below.</returns>
    /// <exception cref="ArgumentException">
    /// No valid model exists for this input format: a layer's biases do not fit int32 at its accumulator scale, or the
    /// first layer's accumulator could exceed int32 (use fewer input bits or fraction bits).
    /// </exception>
    /// <remarks>
    /// <para>
    /// Inputs: a real feature <c>x</c> (a training feature <c>v</c> means <c>x = v·2^−f</c>) is given to the model as
    /// <see cref="QuantizedModel.QuantizeInput"/> does, <c>clamp(round(x·2^a_0))</c> to <c>b</c> bits; this step is
    /// outside every proof (inference inputs are public). With <c>round_s(x) = ⌊(x + 2^(s−1))/2^s⌋</c> (round half up,
    /// <c>round_0</c> the identity), per layer <c>l</c>:
    /// </para>
    /// <list type="number">
    /// <item><description>the weight shift <c>σ_l</c> is the smallest <c>σ ≥ 0</c> with <c>round_σ(w) ∈ [−128, 127]</c>
    /// for every weight of the layer, and <c>w8 = round_σ(w)</c>, meaning <c>w8·2^(σ − f)</c>;</description></item>
    /// <item><description>the accumulator has <c>c_l = a_l + f − σ_l</c> fraction bits; with <c>τ = f − c_l</c> the bias is
    /// <c>b_q = round_τ(b)</c> for <c>τ ≥ 0</c> and <c>b_q = b·2^−τ</c> (exact) for <c>τ &lt; 0</c>, <c>|τ| ≤ 30</c>,
    /// required to fit int32;</description></item>
    /// <item><description>the requantization shift <c>s_l</c> is the smallest in <c>[0, 30]</c> for which the interval
    /// analysis of <see cref="QuantizedModel"/> keeps the output in int16 and, for a hidden layer, the next layer's
    /// accumulator in int32 with its biases in int32 (so that the next layer is valid too); the output then has
    /// <c>a_(l+1) = c_l − s_l</c> fraction bits.</description></item>
    /// </list>
    /// <para>
    /// ReLU follows every layer but the last, as in training. The integer forward pass then follows the trainer's
    /// (<c>acc = Σ w·a + b</c>, round, ReLU) at coarser scales, so its argmax tracks the fixed-point model's. The interval
    /// analysis is worst-case (every input at <c>±2^(b−1)</c>, every weight's sign against it), so the shifts are
    /// conservative, and each input bit beyond what the data needs costs a fraction bit of every later activation:
    /// choose the smallest <c>b</c> and the largest <c>a_0</c> that hold the data (on the tests' blobs within ±2.5,
    /// 12-bit inputs at <c>2^−8</c> keep a 16-32-16-4 model's test accuracy; 16-bit inputs at <c>2^−6</c> leave its
    /// outputs in units of 2 and cost about 40 points). <see cref="Prove(TrainingRun, CommittedModel, ISaltSource?)"/>
    /// shows that a committed model is exactly this map of a run's final snapshot.
    /// </para>
    /// </remarks>
    public static QuantizedModel Quantize(FixedPointWeights weights, int inputBits, int inputFractionBits)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputBits, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(inputBits, 16);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputFractionBits, -ModelLinkLayout.MaxBiasShift);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(inputFractionBits, ModelLinkLayout.MaxBiasShift);
        return Quantize(weights, inputBits, inputFractionBits, WeightShifts(weights));
    }

    /// <summary>The map of <see cref="Quantize(FixedPointWeights, int, int)"/> with given weight shifts (larger ones model another quantization in tests).</summary>
    internal static QuantizedModel Quantize(FixedPointWeights weights, int inputBits, int inputFractionBits, int[] sigma)
    {
        TrainingConfig config = weights.Config;
        int layers = config.LayerCount;
        int f = config.FractionalBits;
        var w8 = new int[layers][];
        var rowSums = new long[layers][];
        for (int l = 0; l < layers; l++)
        {
            w8[l] = Array.ConvertAll(weights.WeightsOf(l), w => (int)FixedPoint.Requantize(w, sigma[l]));
            int inputs = config.LayerSizes[l];
            rowSums[l] = new long[config.LayerSizes[l + 1]];
            for (int j = 0; j < rowSums[l].Length; j++)
            {
                for (int i = 0; i < inputs; i++)
                {
                    rowSums[l][j] += Math.Abs(w8[l][(j * inputs) + i]);
                }
            }
        }

        var result = new List<QuantizedLayer>();
        long a = inputFractionBits;
        long inBound = 1L << (inputBits - 1);
        for (int l = 0; l < layers; l++)
        {
            long c = a + f - sigma[l];
            int[] bias = QuantizeBias(weights.BiasesOf(l), f - c)
                ?? throw new ArgumentException($"Layer {l}: the biases do not fit int32 at 2^−{c}; use fewer input fraction bits.");
            long accumulator = AccumulatorBound(rowSums[l], bias, inBound);
            if (accumulator > int.MaxValue)
            {
                throw new ArgumentException($"Layer {l}: the accumulator may reach {accumulator}, beyond int32; use fewer input bits.");
            }

            int shift = -1;
            long outBound = 0;
            for (int s = 0; s <= QuantizedLayer.MaxShift && shift < 0; s++)
            {
                long low = FixedPoint.Requantize(-accumulator, s), high = FixedPoint.Requantize(accumulator, s);
                if (low < QuantizedModel.MinActivation || high > QuantizedModel.MaxActivation)
                {
                    continue;
                }

                outBound = Math.Max(-low, high);
                if (l + 1 < layers)
                {
                    long next = c - s + f - sigma[l + 1];
                    int[]? nextBias = QuantizeBias(weights.BiasesOf(l + 1), f - next);
                    if (nextBias is null || AccumulatorBound(rowSums[l + 1], nextBias, outBound) > int.MaxValue)
                    {
                        continue;
                    }
                }

                shift = s;
            }

            if (shift < 0)
            {
                throw new ArgumentException($"Layer {l}: no requantization shift keeps this and the next layer in range.");
            }

            result.Add(QuantizedLayer.Dense(config.LayerSizes[l], config.LayerSizes[l + 1], w8[l], bias, shift));
            if (l + 1 < layers)
            {
                result.Add(QuantizedLayer.ReLU());
            }

            a = c - shift;
            inBound = outBound;
        }

        return new QuantizedModel(Shape.Vector(config.InputSize), inputBits, inputFractionBits, (int)a, result);
    }

    /// <summary>Gets <c>σ_l</c> for every layer: the smallest shift with every <c>round_σ(w)</c> an int8 (see <see cref="Quantize(FixedPointWeights, int, int)"/>).</summary>
    internal static int[] WeightShifts(FixedPointWeights weights)
    {
        var sigma = new int[weights.Config.LayerCount];
        for (int l = 0; l < sigma.Length; l++)
        {
            int[] w = weights.WeightsOf(l);
            long min = w.Min(), max = w.Max();
            while (!FitsInt8(min, sigma[l]) || !FitsInt8(max, sigma[l]))
            {
                sigma[l]++; // round_σ is monotone, so the extremes decide; ends by σ = W − 7, where |round_σ(w)| ≤ 64
            }
        }

        return sigma;
    }

    /// <summary>Whether <c>round_s(w)</c> is an int8.</summary>
    internal static bool FitsInt8(long w, int s)
    {
        long q = FixedPoint.Requantize(w, s);
        return q >= QuantizedLayer.MinWeight && q <= QuantizedLayer.MaxWeight;
    }

    /// <summary><c>round_τ(b)</c> for <c>τ ≥ 0</c>, <c>b·2^−τ</c> for <c>τ &lt; 0</c>; null when <c>|τ| &gt; 30</c> or a result leaves int32.</summary>
    private static int[]? QuantizeBias(int[] biases, long tau)
    {
        if (tau < -ModelLinkLayout.MaxBiasShift || tau > ModelLinkLayout.MaxBiasShift)
        {
            return null;
        }

        var result = new int[biases.Length];
        for (int j = 0; j < biases.Length; j++)
        {
            long q = tau >= 0 ? FixedPoint.Requantize(biases[j], (int)tau) : (long)biases[j] << (int)-tau;
            if (q < int.MinValue || q > int.MaxValue)
            {
                return null;
            }

            result[j] = (int)q;
        }

        return result;
    }

    /// <summary><c>max_j (|b_j| + Σ_i |w8_ji|·bound)</c>, the interval bound <see cref="QuantizedModel"/> computes.</summary>
    private static long AccumulatorBound(long[] rowSums, int[] bias, long inBound)
    {
        long max = 0;
        for (int j = 0; j < rowSums.Length; j++)
        {
            max = Math.Max(max, Math.Abs((long)bias[j]) + (rowSums[j] * inBound));
        }

        return max;
    }
}
