using Thestage.Proofs.Hashing;
using Thestage.Proofs.Quantization;

namespace Thestage.Proofs.Training;

/// <summary>
/// Deterministic minibatch SGD of a ReLU MLP in exact integer arithmetic: the reference semantics that proofs of
/// training (issue 6) are about. No floating point is used.
/// </summary>
/// <remarks>
/// <para>
/// Notation: <c>f</c> fractional bits, <c>k</c> learning-rate shift, <c>B</c> batch size, <c>W</c>/<c>V</c> weight/value
/// widths (<see cref="TrainingConfig"/>). <c>round_s(x) = ⌊(x + 2^(s−1))/2^s⌋</c> (round half up, i.e. ties toward
/// +∞, as in <see cref="FixedPoint.Requantize"/>; <c>round_0(x) = x</c>); <c>satV</c>/<c>satW</c> clamp to the value/weight range.
/// </para>
/// <para>
/// Forward, per sample, layer <c>l</c> with input <c>a_l</c> (<c>a_0 = x</c>):
/// <c>acc = Σ_i W_l[j,i]·a_l[i] + b_l[j]·2^f</c> (exact, units <c>2^−2f</c>);
/// <c>z_l[j] = satV(round_f(acc))</c>; hidden layers <c>a_(l+1) = max(z_l, 0)</c> (ReLU); the last layer is linear,
/// <c>y = z_(L−1)</c>.
/// </para>
/// <para>
/// Loss: <c>L = (1/2B) Σ_b ‖y_b − t_b‖²</c> with one-hot targets <c>t_b = 2^f·e_label</c>, so <c>∂L/∂y_b = (y_b − t_b)/B</c>;
/// the factor <c>1/B</c> is folded into the update shift. Backward, per sample: <c>δ_(L−1) = satV(y − t)</c>;
/// for hidden layers <c>δ_(l−1)[i] = [z_(l−1)[i] &gt; 0] · satV(round_f(Σ_j W_l[j,i]·δ_l[j]))</c> (ReLU derivative 1 exactly
/// where the saturated pre-activation is positive; the pre-update weights are used).
/// </para>
/// <para>
/// Update, once per batch: <c>G_l[j,i] = Σ_b δ_l[j]·a_l[i]</c> and <c>g_l[j] = Σ_b δ_l[j]·2^f</c> (exact, units
/// <c>2^−2f</c>); <c>W_l[j,i] ← satW(W_l[j,i] − round_u(G_l[j,i]))</c> and <c>b_l[j] ← satW(b_l[j] − round_u(g_l[j]))</c> with
/// <c>u = f + k + log2 B</c> (<see cref="TrainingConfig.UpdateShift"/>), i.e. the real update <c>−2^−k·(1/B)·Σ_b ∂ℓ_b/∂W</c>
/// rounded to the weight grid. Saturation keeps every parameter in <c>[−2^(W−1), 2^(W−1) − 1]</c> and every value in
/// <c>[−2^(V−1), 2^(V−1) − 1]</c>, so a proof range-checks them against fixed tables; the configuration's width rules
/// keep every sum above within <c>[−2^62, 2^62]</c> (forward and backward sums strictly inside).
/// </para>
/// <para>
/// Batches come from <see cref="BatchSchedule"/> under the schedule key given to the constructor (in a recorded run,
/// the key binding the dataset and initial-weight commitments, <see cref="TrainingTranscript.ScheduleKey"/>); weights start from <see cref="InitialWeights"/> or any parameters
/// given by the caller. Rounding and saturation are the only departures from real-valued SGD.
/// </para>
/// </remarks>
public sealed class FixedPointTrainer
{
    private readonly TrainingConfig _config;
    private readonly TrainingDataset _dataset;
    private readonly Digest256 _scheduleKey;

    /// <summary>Initializes a new trainer for a configuration, dataset and batch schedule.</summary>
    /// <param name="config">The configuration.</param>
    /// <param name="dataset">The training set; its shapes must match the configuration and it needs at least <c>B</c> samples.</param>
    /// <param name="scheduleKey">The key of the batch schedule (<see cref="BatchSchedule.Key"/>).</param>
    /// <exception cref="ArgumentException">The dataset does not fit the configuration.</exception>
    public FixedPointTrainer(TrainingConfig config, TrainingDataset dataset, Digest256 scheduleKey)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(dataset);
        if (dataset.InputSize != config.InputSize || dataset.ClassCount != config.ClassCount || dataset.Count < config.BatchSize)
        {
            throw new ArgumentException("The dataset's input width, class count or size does not fit the configuration.", nameof(dataset));
        }

        _config = config;
        _dataset = dataset;
        _scheduleKey = scheduleKey;
    }

    /// <summary>Gets the deterministic initial parameters of a configuration (integer Glorot-uniform weights from the seed, zero biases).</summary>
    /// <param name="config">The configuration.</param>
    /// <returns>The initial parameters.</returns>
    public static FixedPointWeights InitialWeights(TrainingConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return WeightInitializer.Initialize(config);
    }

    /// <summary>Runs step <paramref name="step"/> on the batch <see cref="BatchSchedule.Indices"/> gives for it under the schedule key.</summary>
    /// <param name="weights">The parameters before the step.</param>
    /// <param name="step">The step index, from 0.</param>
    /// <returns>The updated parameters and the batch loss.</returns>
    /// <exception cref="ArgumentException">The parameters belong to another <see cref="TrainingConfig"/> object.</exception>
    public TrainingStepResult Step(FixedPointWeights weights, int step) =>
        StepOn(weights, BatchSchedule.Indices(_scheduleKey, _dataset.Count, _config.BatchSize, step));

    /// <summary>Runs steps <c>0 … count − 1</c> from the given parameters.</summary>
    /// <param name="weights">The starting parameters.</param>
    /// <param name="count">The number of steps.</param>
    /// <returns>The result of every step, in order.</returns>
    public IReadOnlyList<TrainingStepResult> Train(FixedPointWeights weights, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var results = new TrainingStepResult[count];
        for (int t = 0; t < count; t++)
        {
            results[t] = Step(weights, t);
            weights = results[t].Weights;
        }

        return results;
    }

    /// <summary>Runs the forward pass of one input.</summary>
    /// <param name="weights">The parameters.</param>
    /// <param name="features">The input, <see cref="TrainingConfig.InputSize"/> values in the value range.</param>
    /// <returns>The output scores <c>y</c> (units <c>2^−f</c>).</returns>
    /// <exception cref="ArgumentException">The parameters belong to another configuration object, or the input has the wrong width or a value out of range.</exception>
    public int[] Forward(FixedPointWeights weights, ReadOnlySpan<int> features)
    {
        Check(weights);
        if (features.Length != _config.InputSize)
        {
            throw new ArgumentException("The input has the wrong width.", nameof(features));
        }

        foreach (int v in features)
        {
            if (v < _config.ValueMin || v > _config.ValueMax)
            {
                throw new ArgumentException("An input lies outside the value range.", nameof(features));
            }
        }

        int[][] z = ForwardPass(weights, features.ToArray());
        return (int[])z[^1].Clone();
    }

    /// <summary>Counts the dataset samples whose argmax output (lowest index on ties) equals the label.</summary>
    /// <param name="weights">The parameters.</param>
    /// <param name="dataset">The samples to classify (same shapes as the configuration).</param>
    /// <returns>The number classified correctly.</returns>
    public int CountCorrect(FixedPointWeights weights, TrainingDataset dataset)
    {
        Check(weights);
        ArgumentNullException.ThrowIfNull(dataset);
        int correct = 0;
        for (int s = 0; s < dataset.Count; s++)
        {
            if (ArgMax(ForwardPass(weights, dataset.FeaturesOf(s))[^1]) == dataset.GetLabel(s))
            {
                correct++;
            }
        }

        return correct;
    }

    /// <summary>One SGD step on explicit batch indices (the semantics in the remarks).</summary>
    internal TrainingStepResult StepOn(FixedPointWeights weights, ReadOnlySpan<int> batch)
    {
        Check(weights);
        int layers = _config.LayerCount;
        int f = _config.FractionalBits;
        var gradW = new long[layers][];
        var gradB = new long[layers][];
        for (int l = 0; l < layers; l++)
        {
            gradW[l] = new long[weights.WeightsOf(l).Length];
            gradB[l] = new long[weights.BiasesOf(l).Length];
        }

        Int128 squaredErrors = 0;
        int correct = 0;
        foreach (int index in batch)
        {
            int[] x = _dataset.FeaturesOf(index);
            int label = _dataset.GetLabel(index);
            int[][] z = ForwardPass(weights, x);
            int[] y = z[^1];
            if (ArgMax(y) == label)
            {
                correct++;
            }

            var delta = new int[y.Length];
            for (int j = 0; j < y.Length; j++)
            {
                long diff = y[j] - (j == label ? _config.One : 0);
                squaredErrors += (Int128)diff * diff;
                delta[j] = SatV(diff);
            }

            for (int l = layers - 1; l >= 0; l--)
            {
                int inputs = _config.LayerSizes[l];
                int[] w = weights.WeightsOf(l);
                long[] gw = gradW[l];
                long[] gb = gradB[l];
                for (int j = 0; j < delta.Length; j++)
                {
                    long d = delta[j];
                    if (d == 0)
                    {
                        continue;
                    }

                    gb[j] += d << f;
                    int row = j * inputs;
                    for (int i = 0; i < inputs; i++)
                    {
                        gw[row + i] += d * Activation(l == 0 ? x : z[l - 1], i, l == 0);
                    }
                }

                if (l == 0)
                {
                    break;
                }

                int[] below = z[l - 1];
                var next = new int[inputs];
                for (int i = 0; i < inputs; i++)
                {
                    if (below[i] <= 0)
                    {
                        continue;
                    }

                    long e = 0;
                    for (int j = 0; j < delta.Length; j++)
                    {
                        e += (long)w[(j * inputs) + i] * delta[j];
                    }

                    next[i] = SatV(FixedPoint.Requantize(e, f));
                }

                delta = next;
            }
        }

        int shift = _config.UpdateShift;
        var newW = new int[layers][];
        var newB = new int[layers][];
        for (int l = 0; l < layers; l++)
        {
            newW[l] = Update(weights.WeightsOf(l), gradW[l], shift);
            newB[l] = Update(weights.BiasesOf(l), gradB[l], shift);
        }

        return new TrainingStepResult(FixedPointWeights.Wrap(_config, newW, newB), squaredErrors, correct);
    }

    /// <summary>Returns the saturated pre-activations <c>z_l</c> of every layer (the last is the output).</summary>
    internal int[][] ForwardPass(FixedPointWeights weights, int[] x)
    {
        int layers = _config.LayerCount;
        int f = _config.FractionalBits;
        var z = new int[layers][];
        for (int l = 0; l < layers; l++)
        {
            int inputs = _config.LayerSizes[l];
            int outputs = _config.LayerSizes[l + 1];
            int[] w = weights.WeightsOf(l);
            int[] b = weights.BiasesOf(l);
            int[] input = l == 0 ? x : z[l - 1];
            bool relu = l > 0;
            var output = new int[outputs];
            for (int j = 0; j < outputs; j++)
            {
                long acc = (long)b[j] << f;
                int row = j * inputs;
                for (int i = 0; i < inputs; i++)
                {
                    int a = input[i];
                    if (relu && a < 0)
                    {
                        continue;
                    }

                    acc += (long)w[row + i] * a;
                }

                output[j] = SatV(FixedPoint.Requantize(acc, f));
            }

            z[l] = output;
        }

        return z;
    }

    private static long Activation(int[] values, int i, bool isInput) => isInput ? values[i] : Math.Max(values[i], 0);

    private static int ArgMax(int[] y)
    {
        int best = 0;
        for (int j = 1; j < y.Length; j++)
        {
            if (y[j] > y[best])
            {
                best = j;
            }
        }

        return best;
    }

    private int[] Update(int[] current, long[] gradient, int shift)
    {
        var updated = new int[current.Length];
        for (int i = 0; i < current.Length; i++)
        {
            long step = FixedPoint.Requantize(gradient[i], shift);
            updated[i] = (int)Math.Clamp(current[i] - step, _config.WeightMin, _config.WeightMax);
        }

        return updated;
    }

    private int SatV(long value) => (int)Math.Clamp(value, _config.ValueMin, _config.ValueMax);

    private void Check(FixedPointWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (!ReferenceEquals(weights.Config, _config))
        {
            throw new ArgumentException("The parameters belong to a different configuration.", nameof(weights));
        }
    }
}
