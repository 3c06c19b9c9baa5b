namespace Thestage.Inference.Torch.StateDicts;

/// <summary>The named tensors of a saved TorchSharp module, in file order.</summary>
public sealed class StateDict
{
    private readonly StateTensor[] _tensors;
    private readonly Dictionary<string, StateTensor> _byName;

    internal StateDict(StateTensor[] tensors)
    {
        _tensors = tensors;
        _byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>The tensors in file order.</summary>
    public IReadOnlyList<StateTensor> Tensors => _tensors;

    /// <summary>The number of tensors.</summary>
    public int Count => _tensors.Length;

    /// <summary>The tensor named <paramref name="name"/>.</summary>
    /// <param name="name">A key such as "0.weight".</param>
    /// <exception cref="KeyNotFoundException">There is no such tensor.</exception>
    public StateTensor this[string name] => TryGet(name, out StateTensor? tensor)
        ? tensor
        : throw new KeyNotFoundException($"The state dict has no tensor '{name}'; it has: {string.Join(", ", _byName.Keys)}.");

    /// <summary>Looks a tensor up by key.</summary>
    /// <param name="name">A key such as "0.bias".</param>
    /// <param name="tensor">The tensor, when found.</param>
    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out StateTensor? tensor) => _byName.TryGetValue(name, out tensor);
}
