namespace Thestage.Proofs.Training;

/// <summary>
/// A labelled training set in fixed point: each sample is <see cref="TrainingConfig.InputSize"/> integers meaning
/// <c>v·2^−f</c> (within the value range of the configuration) and a class label in <c>[0, ClassCount)</c>.
/// </summary>
public sealed class TrainingDataset
{
    /// <summary>The largest number of samples.</summary>
    public const int MaxSamples = 1 << 24;

    private readonly int[][] _features;
    private readonly int[] _labels;

    /// <summary>Initializes a new dataset, copying and validating the samples.</summary>
    /// <param name="config">The configuration giving the input width, class count and value range.</param>
    /// <param name="features">One feature vector per sample.</param>
    /// <param name="labels">One label per sample.</param>
    /// <exception cref="ArgumentException">The set is empty or too large, or a sample has the wrong width, a value out of range or a bad label.</exception>
    public TrainingDataset(TrainingConfig config, IReadOnlyList<int[]> features, IReadOnlyList<int> labels)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        if (features.Count == 0 || features.Count > MaxSamples || labels.Count != features.Count)
        {
            throw new ArgumentException($"A dataset has between 1 and {MaxSamples} samples, one label each.");
        }

        _features = new int[features.Count][];
        _labels = new int[features.Count];
        for (int i = 0; i < features.Count; i++)
        {
            int[] x = features[i] ?? throw new ArgumentException($"Sample {i} is null.", nameof(features));
            if (x.Length != config.InputSize)
            {
                throw new ArgumentException($"Sample {i} has {x.Length} features; expected {config.InputSize}.", nameof(features));
            }

            foreach (int v in x)
            {
                if (v < config.ValueMin || v > config.ValueMax)
                {
                    throw new ArgumentException($"Sample {i} has a feature outside the {config.ValueBits}-bit value range.", nameof(features));
                }
            }

            if (labels[i] < 0 || labels[i] >= config.ClassCount)
            {
                throw new ArgumentException($"Label {labels[i]} of sample {i} is not a class.", nameof(labels));
            }

            _features[i] = (int[])x.Clone();
            _labels[i] = labels[i];
        }

        InputSize = config.InputSize;
        ClassCount = config.ClassCount;
    }

    /// <summary>
    /// A dataset from real features: <c>x</c> becomes <c>round(x·2^f)</c> (ties away from zero), the integer the trainer
    /// reads as <c>x</c> (for example Fashion-MNIST pixels in [0, 1]).
    /// </summary>
    /// <param name="config">The configuration giving the input width, class count, fraction bits and value range.</param>
    /// <param name="features">One real feature vector per sample.</param>
    /// <param name="labels">One label per sample.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="ArgumentException">As the constructor, after rounding (a value outside the range, a wrong width, a bad label).</exception>
    public static TrainingDataset FromReal(TrainingConfig config, IReadOnlyList<double[]> features, IReadOnlyList<int> labels)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(features);
        double one = config.One;

        // Rounded one sample at a time as the constructor reads it (and copies it): a second full copy of the set in
        // integers is never live (188 MB for Fashion-MNIST's training split).
        return new TrainingDataset(config, new Projection<double[], int[]>(features, (x, i) => Array.ConvertAll(
            x ?? throw new ArgumentException($"Sample {i} is null.", nameof(features)),
            v => double.IsFinite(v)
                ? (int)Math.Clamp(Math.Round(v * one, MidpointRounding.AwayFromZero), int.MinValue, int.MaxValue)
                : throw new ArgumentException($"Sample {i} has a value that is not finite.", nameof(features)))), labels);
    }

    /// <summary>A read-only list whose i-th element is computed from the source's when read.</summary>
    private sealed class Projection<TSource, TResult>(IReadOnlyList<TSource> source, Func<TSource, int, TResult> map) : IReadOnlyList<TResult>
    {
        public int Count => source.Count;

        public TResult this[int index] => map(source[index], index);

        public IEnumerator<TResult> GetEnumerator()
        {
            for (int i = 0; i < source.Count; i++)
            {
                yield return this[i];
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>Gets the number of samples.</summary>
    public int Count => _labels.Length;

    /// <summary>Gets the width of a feature vector.</summary>
    public int InputSize { get; }

    /// <summary>Gets the number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>Gets a copy of the features of a sample.</summary>
    /// <param name="index">The sample index.</param>
    /// <returns>The features.</returns>
    public int[] GetFeatures(int index) => (int[])_features[index].Clone();

    /// <summary>Gets the label of a sample.</summary>
    /// <param name="index">The sample index.</param>
    /// <returns>The label.</returns>
    public int GetLabel(int index) => _labels[index];

    internal int[] FeaturesOf(int index) => _features[index];
}
