namespace Thestage.Inference.Torch.StateDicts;

/// <summary>One named tensor of a state dict, its values widened to double (row-major).</summary>
public sealed class StateTensor
{
    private readonly long[] _shape;
    private readonly double[] _values;

    internal StateTensor(string name, StateDType dtype, long[] shape, double[] values)
    {
        Name = name;
        DType = dtype;
        _shape = shape;
        _values = values;
    }

    /// <summary>The state-dict key, e.g. "0.weight" or "features.1.running_mean".</summary>
    public string Name { get; }

    /// <summary>The element type stored in the file.</summary>
    public StateDType DType { get; }

    /// <summary>The shape (empty for a scalar).</summary>
    public IReadOnlyList<long> Shape => _shape;

    /// <summary>The number of elements.</summary>
    public int Count => _values.Length;

    /// <summary>The values, row-major.</summary>
    public ReadOnlySpan<double> Values => _values;

    /// <summary>The values as a new array, row-major.</summary>
    public double[] ToArray() => (double[])_values.Clone();

    /// <inheritdoc/>
    public override string ToString() => $"{Name}: {DType}[{string.Join(", ", _shape)}]";
}
