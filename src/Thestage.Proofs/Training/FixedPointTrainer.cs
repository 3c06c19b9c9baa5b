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
/// +∞, as in <see cref="FixedPoint.Requantize"/>); equivalently <c>x + 2^(s−1) = 2^s·q + r</c> with <c>0 ≤ r &lt; 2^s</c>.
/// </para>
/// <para>
/// Forward, per sample, layer <c>l</c> with input <c>a_l</c> (<c>a_0 = x</c>):
/// <c>acc = Σ_i W_l[j,i]·a_l[i] + b_l[j]·2^f</c> (exact, units <c>2^−2f</c>);
/// <c>z_l[j] = round_f(acc)</c>; hidden layers <c>a_(l+1) = max(z_l, 0)</c> (ReLU); the last layer is linear,
/// <c>y = z_(L−1)</c>.
/// </para>
/// <para>
/// Loss: <c>L = (1/2B) Σ_b ‖y_b − t_b‖²</c> with one-hot targets <c>t_b = 2^f·e_label</c>, so <c>∂L/∂y_b = (y_b − t_b)/B</c>;
/// the factor <c>1/B</c> is folded into the update shift. Backward, per sample: <c>δ_(L−1) = y − t</c>;
/// for hidden layers <c>q_(l−1)[i] = round_f(Σ_j W_l[j,i]·δ_l[j])</c> and <c>δ_(l−1)[i] = [z_(l−1)[i] ≥ 0] · q_(l−1)[i]</c>
/// (the ReLU derivative is taken as 1 at 0, a valid subgradient, so that the mask is the sign bit the proof commits
/// to anyway; the pre-update weights are used).
/// </para>
/// <para>
/// Update, once per batch: <c>G_l[j,i] = Σ_b δ_l[j]·a_l[i]</c> and <c>g_l[j] = Σ_b δ_l[j]·2^f</c> (exact, units
/// <c>2^−2f</c>); <c>W_l[j,i] ← W_l[j,i] − round_u(G_l[j,i])</c> and <c>b_l[j] ← b_l[j] − round_u(g_l[j])</c> with
/// <c>u = f + k + log2 B</c> (<see cref="TrainingConfig.UpdateShift"/>), i.e. the real update <c>−2^−k·(1/B)·Σ_b ∂ℓ_b/∂W</c>
/// rounded to the weight grid.
/// </para>
/// <para>
/// Arithmetic is checked, never saturating: every <c>z</c>, <c>δ</c> and <c>q</c> must lie in
/// <c>[−2^(V−1), 2^(V−1) − 1]</c> and every parameter in <c>[−2^(W−1), 2^(W−1) − 1]</c>, else the step throws
/// <see cref="TrainingOverflowException"/> (a diverging run, in fixed point). So every intermediate is exactly what the
/// step proofs range-check, and the configuration's width rules keep every sum within <c>[−2^62, 2^62]</c>.
/// </para>
/// <para>
/// Batches come from <see cref="BatchSchedule"/> under the schedule key given to the constructor (in a recorded run,
/// the key binding the dataset and initial-weight commitments, <see cref="TrainingTranscript.ScheduleKey"/>); weights start from <see cref="InitialWeights"/> or any parameters
/// given by the caller. Rounding is the only departure from real-valued SGD.
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

    /// <summary>Gets the key of the batch schedule this trainer follows.</summary>
    internal Digest256 ScheduleKey => _scheduleKey;

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
    internal TrainingStepResult StepOn(FixedPointWeights weights, ReadOnlySpan<int> batch) => Trace(weights, batch).Result;

    /// <summary>One SGD step on explicit batch indices, keeping every intermediate integer for the step proof.</summary>
    internal StepTrace Trace(FixedPointWeights weights, ReadOnlySpan<int> batch)
    {
        Check(weights);
        int layers = _config.LayerCount;
        int f = _config.FractionalBits;
        int p = batch.Length;
        var x = new long[_config.InputSize * p];
        var labels = new int[p];
        for (int b = 0; b < p; b++)
        {
            int[] features = _dataset.FeaturesOf(batch[b]);
            labels[b] = _dataset.GetLabel(batch[b]);
            for (int i = 0; i < features.Length; i++)
            {
                x[(i * p) + b] = features[i];
            }
        }

        (long[][] a, long[][] z, long[][] r) = ForwardBatch(weights, x, p);
        long[] y = z[layers - 1];
        int classes = _config.ClassCount;
        Int128 squaredErrors = 0;
        int correct = 0;
        var d = new long[layers][];
        d[layers - 1] = new long[classes * p];
        for (int b = 0; b < p; b++)
        {
            int best = 0;
            for (int j = 0; j < classes; j++)
            {
                long diff = y[(j * p) + b] - (j == labels[b] ? _config.One : 0);
                squaredErrors += (Int128)diff * diff;
                d[layers - 1][(j * p) + b] = CheckValue(diff, "output error", layers - 1);
                best = y[(j * p) + b] > y[(best * p) + b] ? j : best;
            }

            correct += best == labels[b] ? 1 : 0;
        }

        var q = new long[layers][];
        var s = new long[layers][];
        for (int l = layers - 1; l >= 1; l--)
        {
            // δ_(l−1) = [z_(l−1) ≥ 0]·round_f(W_lᵀ δ_l): the backward product uses the pre-update weights.
            int inputs = _config.LayerSizes[l];
            int outputs = _config.LayerSizes[l + 1];
            int[] w = weights.WeightsOf(l);
            var e = new long[inputs * p];
            for (int j = 0; j < outputs; j++)
            {
                for (int i = 0; i < inputs; i++)
                {
                    long weight = w[(j * inputs) + i];
                    for (int b = 0; b < p; b++)
                    {
                        e[(i * p) + b] += weight * d[l][(j * p) + b];
                    }
                }
            }

            (q[l - 1], s[l - 1]) = Round(e, f, "backward error", l - 1);
            long[] below = z[l - 1];
            d[l - 1] = new long[inputs * p];
            for (int k = 0; k < e.Length; k++)
            {
                d[l - 1][k] = below[k] >= 0 ? q[l - 1][k] : 0;
            }
        }

        int shift = _config.UpdateShift;
        var newW = new int[layers][];
        var newB = new int[layers][];
        var remW = new long[layers][];
        var remB = new long[layers][];
        for (int l = 0; l < layers; l++)
        {
            int inputs = _config.LayerSizes[l];
            int outputs = _config.LayerSizes[l + 1];
            var g = new long[outputs * inputs];
            var gb = new long[outputs];
            for (int j = 0; j < outputs; j++)
            {
                for (int b = 0; b < p; b++)
                {
                    long delta = d[l][(j * p) + b];
                    if (delta == 0)
                    {
                        continue;
                    }

                    gb[j] += delta << f;
                    for (int i = 0; i < inputs; i++)
                    {
                        g[(j * inputs) + i] += delta * a[l][(i * p) + b];
                    }
                }
            }

            (newW[l], remW[l]) = Update(weights.WeightsOf(l), g, shift, l);
            (newB[l], remB[l]) = Update(weights.BiasesOf(l), gb, shift, l);
        }

        return new StepTrace
        {
            Batch = batch.ToArray(),
            A = a,
            Z = z,
            R = r,
            D = d,
            Q = q,
            S = s,
            P = remW,
            PB = remB,
            Result = new TrainingStepResult(FixedPointWeights.Wrap(_config, newW, newB), squaredErrors, correct),
        };
    }

    /// <summary>Returns the pre-activations <c>z_l</c> of every layer for one input (the last is the output).</summary>
    internal int[][] ForwardPass(FixedPointWeights weights, int[] x)
    {
        (_, long[][] z, _) = ForwardBatch(weights, Array.ConvertAll(x, v => (long)v), 1);
        return Array.ConvertAll(z, layer => Array.ConvertAll(layer, v => (int)v));
    }

    /// <summary>
    /// The forward pass of <paramref name="p"/> inputs given feature-major (<c>[i·p + b]</c>): per layer its input
    /// <c>A</c>, its pre-activation <c>Z</c> and the rounding remainder <c>R</c>.
    /// </summary>
    private (long[][] A, long[][] Z, long[][] R) ForwardBatch(FixedPointWeights weights, long[] x, int p)
    {
        int layers = _config.LayerCount;
        int f = _config.FractionalBits;
        var a = new long[layers][];
        var z = new long[layers][];
        var r = new long[layers][];
        a[0] = x;
        for (int l = 0; l < layers; l++)
        {
            int inputs = _config.LayerSizes[l];
            int outputs = _config.LayerSizes[l + 1];
            int[] w = weights.WeightsOf(l);
            int[] bias = weights.BiasesOf(l);
            var acc = new long[outputs * p];
            for (int j = 0; j < outputs; j++)
            {
                Span<long> row = acc.AsSpan(j * p, p);
                row.Fill((long)bias[j] << f);
                for (int i = 0; i < inputs; i++)
                {
                    long weight = w[(j * inputs) + i];
                    ReadOnlySpan<long> input = a[l].AsSpan(i * p, p);
                    for (int b = 0; b < p; b++)
                    {
                        row[b] += weight * input[b];
                    }
                }
            }

            (z[l], r[l]) = Round(acc, f, "pre-activation", l);
            if (l + 1 < layers)
            {
                a[l + 1] = Array.ConvertAll(z[l], v => Math.Max(v, 0));
            }
        }

        return (a, z, r);
    }

    /// <summary><c>v + 2^(s−1) = 2^s·q + r</c>, <c>0 ≤ r &lt; 2^s</c>, with <c>q</c> checked against the value range.</summary>
    private (long[] Quotients, long[] Remainders) Round(long[] values, int shift, string quantity, int layer)
    {
        var quotients = new long[values.Length];
        var remainders = new long[values.Length];
        for (int k = 0; k < values.Length; k++)
        {
            long rounded = FixedPoint.Requantize(values[k], shift);
            quotients[k] = CheckValue(rounded, quantity, layer);
            remainders[k] = values[k] + (1L << (shift - 1)) - (rounded << shift);
        }

        return (quotients, remainders);
    }

    private (int[] Updated, long[] Remainders) Update(int[] current, long[] gradient, int shift, int layer)
    {
        var updated = new int[current.Length];
        var remainders = new long[current.Length];
        for (int i = 0; i < current.Length; i++)
        {
            long step = FixedPoint.Requantize(gradient[i], shift);
            long next = current[i] - step;
            if (next < _config.WeightMin || next > _config.WeightMax)
            {
                throw new TrainingOverflowException(
                    $"A parameter of layer {layer} would become {next}, outside the {_config.WeightBits}-bit weight range [{_config.WeightMin}, {_config.WeightMax}]; "
                    + "lower the learning rate or widen the weights.");
            }

            updated[i] = (int)next;
            remainders[i] = gradient[i] + (1L << (shift - 1)) - (step << shift);
        }

        return (updated, remainders);
    }

    private long CheckValue(long value, string quantity, int layer)
    {
        if (value < _config.ValueMin || value > _config.ValueMax)
        {
            throw new TrainingOverflowException(
                $"A {quantity} of layer {layer} is {value}, outside the {_config.ValueBits}-bit value range [{_config.ValueMin}, {_config.ValueMax}]; "
                + "lower the learning rate or widen the values.");
        }

        return value;
    }

    private static int ArgMax(int[] y)
    {
        int best = 0;
        for (int j = 1; j < y.Length; j++)
        {
            best = y[j] > y[best] ? j : best;
        }

        return best;
    }

    private void Check(FixedPointWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (!ReferenceEquals(weights.Config, _config))
        {
            throw new ArgumentException("The parameters belong to a different configuration.", nameof(weights));
        }
    }
}
