namespace Thestage.Models;

/// <summary>
/// The value ranges of a model's tensors on representative inputs: for the input (index 0) and after every layer
/// (index i + 1), the smallest and largest value over all samples and positions. Both back-ends use it: the CKKS
/// back-end fits its activation polynomials on these ranges (<see cref="ActivationFitter"/>), the proof back-end chooses
/// its fixed-point scales from them (<c>Thestage.Proofs.Quantization.Quantizer</c>).
/// </summary>
public sealed class Calibration
{
    private readonly ValueRange[] _ranges;

    /// <summary>Creates a calibration from known ranges (e.g. read back from a model package).</summary>
    /// <param name="sampleCount">The number of samples measured, ≥ 1.</param>
    /// <param name="ranges">One range per tensor: the input, then every layer's output.</param>
    /// <exception cref="ArgumentException">No range, or a range is not finite or has Min &gt; Max.</exception>
    public Calibration(int sampleCount, IReadOnlyList<ValueRange> ranges)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleCount, 1);
        ArgumentNullException.ThrowIfNull(ranges);
        if (ranges.Count < 2)
        {
            throw new ArgumentException("A calibration has the input's range and at least one layer's.", nameof(ranges));
        }

        foreach (ValueRange r in ranges)
        {
            if (!double.IsFinite(r.Min) || !double.IsFinite(r.Max) || r.Min > r.Max)
            {
                throw new ArgumentException($"The range {r} is not a finite interval.", nameof(ranges));
            }
        }

        SampleCount = sampleCount;
        _ranges = [.. ranges];
    }

    /// <summary>The number of samples measured.</summary>
    public int SampleCount { get; }

    /// <summary>The ranges: index 0 the input, index i + 1 the output of layer i.</summary>
    public IReadOnlyList<ValueRange> Ranges => _ranges;

    /// <summary>The range of the input of layer <paramref name="layer"/>.</summary>
    /// <param name="layer">A layer index.</param>
    public ValueRange InputRangeOf(int layer) => _ranges[layer];

    /// <summary>The range of the output of layer <paramref name="layer"/>.</summary>
    /// <param name="layer">A layer index.</param>
    public ValueRange OutputRangeOf(int layer) => _ranges[layer + 1];

    /// <summary>Measures the ranges of <paramref name="model"/>'s tensors over <paramref name="samples"/> (plain evaluation).</summary>
    /// <param name="model">The model (exact activations: the ranges the fits must cover).</param>
    /// <param name="samples">Representative inputs, at least one.</param>
    /// <exception cref="ArgumentException">No sample, a sample of the wrong size, or a non-finite value in a tensor.</exception>
    public static Calibration Measure(Sequential model, IReadOnlyList<double[]> samples)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0)
        {
            throw new ArgumentException("Calibration needs at least one sample.", nameof(samples));
        }

        int count = model.Layers.Count + 1;
        var min = Enumerable.Repeat(double.PositiveInfinity, count).ToArray();
        var max = Enumerable.Repeat(double.NegativeInfinity, count).ToArray();
        for (int s = 0; s < samples.Count; s++)
        {
            double[][] tensors = model.EvaluateAll(samples[s] ?? throw new ArgumentException($"Sample {s} is null.", nameof(samples)));
            for (int t = 0; t < count; t++)
            {
                foreach (double v in tensors[t])
                {
                    if (!double.IsFinite(v))
                    {
                        throw new ArgumentException($"Sample {s} gives a non-finite value in tensor {t}.", nameof(samples));
                    }

                    min[t] = Math.Min(min[t], v);
                    max[t] = Math.Max(max[t], v);
                }
            }
        }

        return new Calibration(samples.Count, [.. Enumerable.Range(0, count).Select(t => new ValueRange(min[t], max[t]))]);
    }
}
