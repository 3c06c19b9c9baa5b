namespace Thestage.Proofs.Training;

/// <summary>
/// The parameters of a fixed-point MLP: per layer <c>l</c> a row-major <c>out × in</c> weight matrix and an
/// <c>out</c>-vector of biases, integers meaning <c>v·2^−f</c>.
/// </summary>
/// <remarks>
/// The canonical flat order (<see cref="ToFlat"/>), used by commitments, is layer by layer: the weights row by row,
/// then the biases.
/// </remarks>
public sealed class FixedPointWeights
{
    private readonly int[][] _weights;
    private readonly int[][] _biases;

    private FixedPointWeights(TrainingConfig config, int[][] weights, int[][] biases)
    {
        Config = config;
        _weights = weights;
        _biases = biases;
    }

    /// <summary>Gets the configuration the shapes and ranges follow.</summary>
    public TrainingConfig Config { get; }

    /// <summary>Creates parameters from arrays, checking shapes and the weight range of <paramref name="config"/>.</summary>
    /// <param name="config">The configuration.</param>
    /// <param name="weights">Per layer, <c>out·in</c> weights, row-major (copied).</param>
    /// <param name="biases">Per layer, <c>out</c> biases (copied).</param>
    /// <returns>The parameters.</returns>
    /// <exception cref="ArgumentException">A shape is wrong or a value is outside <c>[WeightMin, WeightMax]</c>.</exception>
    public static FixedPointWeights Create(TrainingConfig config, IReadOnlyList<int[]> weights, IReadOnlyList<int[]> biases)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(biases);
        if (weights.Count != config.LayerCount || biases.Count != config.LayerCount)
        {
            throw new ArgumentException("One weight matrix and one bias vector per layer are required.");
        }

        var w = new int[config.LayerCount][];
        var b = new int[config.LayerCount][];
        for (int l = 0; l < config.LayerCount; l++)
        {
            int inputs = config.LayerSizes[l];
            int outputs = config.LayerSizes[l + 1];
            if (weights[l] is null || weights[l].Length != inputs * outputs || biases[l] is null || biases[l].Length != outputs)
            {
                throw new ArgumentException($"Layer {l} needs {outputs}×{inputs} weights and {outputs} biases.");
            }

            w[l] = (int[])weights[l].Clone();
            b[l] = (int[])biases[l].Clone();
            CheckRange(config, w[l]);
            CheckRange(config, b[l]);
        }

        return new FixedPointWeights(config, w, b);
    }

    /// <summary>Gets a copy of the weight matrix of a layer (row-major, <c>out × in</c>).</summary>
    /// <param name="layer">The layer index.</param>
    /// <returns>The weights.</returns>
    public int[] GetWeights(int layer) => (int[])_weights[layer].Clone();

    /// <summary>Gets a copy of the biases of a layer.</summary>
    /// <param name="layer">The layer index.</param>
    /// <returns>The biases.</returns>
    public int[] GetBiases(int layer) => (int[])_biases[layer].Clone();

    /// <summary>Gets all parameters in the canonical flat order (see the remarks).</summary>
    /// <returns>A new array of <see cref="TrainingConfig.ParameterCount"/> integers.</returns>
    public int[] ToFlat()
    {
        var flat = new int[Config.ParameterCount];
        int offset = 0;
        for (int l = 0; l < _weights.Length; l++)
        {
            _weights[l].CopyTo(flat, offset);
            offset += _weights[l].Length;
            _biases[l].CopyTo(flat, offset);
            offset += _biases[l].Length;
        }

        return flat;
    }

    /// <summary>Determines whether two parameter sets are identical entry for entry.</summary>
    /// <param name="other">The other parameters.</param>
    /// <returns><see langword="true"/> if the shapes and all integers agree.</returns>
    public bool ContentEquals(FixedPointWeights other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return ToFlat().AsSpan().SequenceEqual(other.ToFlat());
    }

    /// <summary>Wraps arrays already validated by the trainer (no copy).</summary>
    internal static FixedPointWeights Wrap(TrainingConfig config, int[][] weights, int[][] biases) => new(config, weights, biases);

    internal int[] WeightsOf(int layer) => _weights[layer];

    internal int[] BiasesOf(int layer) => _biases[layer];

    private static void CheckRange(TrainingConfig config, int[] values)
    {
        foreach (int v in values)
        {
            if (v < config.WeightMin || v > config.WeightMax)
            {
                throw new ArgumentException($"A parameter {v} lies outside [{config.WeightMin}, {config.WeightMax}].");
            }
        }
    }
}
