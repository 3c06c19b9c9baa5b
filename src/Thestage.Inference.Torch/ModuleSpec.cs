namespace Thestage.Inference.Torch;

/// <summary>
/// One TorchSharp module of an architecture description — the importer's vocabulary, as an ONNX node is the ONNX
/// importer's: its kind, the state-dict prefix of its tensors (e.g. "0" for "0.weight"), and its hyperparameters. With a state dict, a list of these rebuilds the model IR without TorchSharp
/// (<see cref="StateDictConverter"/>); <see cref="TorchConverter.Describe"/> derives it from a module.
/// </summary>
public sealed class ModuleSpec
{
    private readonly double[] _coefficients;

    private ModuleSpec(ModuleKind kind, string name, int kernelSize = 0, int stride = 1, int padding = 0, double epsilon = 1e-5, double[]? coefficients = null, string? label = null, double inputScale = 1, double inputOffset = 0)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        ArgumentOutOfRangeException.ThrowIfNegative(epsilon);
        Kind = kind;
        Name = name;
        KernelSize = kernelSize;
        Stride = stride;
        Padding = padding;
        Epsilon = epsilon;
        _coefficients = coefficients ?? [];
        Label = label ?? "";
        InputScale = inputScale;
        InputOffset = inputOffset;
    }

    /// <summary>The kind.</summary>
    public ModuleKind Kind { get; }

    /// <summary>The state-dict prefix of the layer's tensors ("" for layers without state).</summary>
    public string Name { get; }

    /// <summary>The pooling window (AvgPool2d).</summary>
    public int KernelSize { get; }

    /// <summary>The stride (Conv2d, AvgPool2d).</summary>
    public int Stride { get; }

    /// <summary>The zero padding (Conv2d).</summary>
    public int Padding { get; }

    /// <summary>ε (BatchNorm).</summary>
    public double Epsilon { get; }

    /// <summary>What a Polynomial stands for, e.g. "relu≈[-4, 4] deg 4" (the IR activation's name); "" for other kinds.</summary>
    public string Label { get; }

    /// <summary>The power-basis coefficients of q (Polynomial), the module computing q(α·x + β).</summary>
    public IReadOnlyList<double> Coefficients => _coefficients;

    /// <summary>α of a Polynomial's argument t = α·x + β (1 unless fitted on an interval).</summary>
    public double InputScale { get; }

    /// <summary>β of a Polynomial's argument t = α·x + β (0 unless fitted on an interval).</summary>
    public double InputOffset { get; }

    /// <summary>A Linear layer whose tensors are "<paramref name="name"/>.weight" and (optionally) ".bias".</summary>
    /// <param name="name">The state-dict prefix.</param>
    public static ModuleSpec Linear(string name) => new(ModuleKind.Linear, name);

    /// <summary>A Conv2d layer whose tensors are "<paramref name="name"/>.weight" and (optionally) ".bias".</summary>
    /// <param name="name">The state-dict prefix.</param>
    /// <param name="stride">The stride.</param>
    /// <param name="padding">The zero padding.</param>
    public static ModuleSpec Conv2d(string name, int stride = 1, int padding = 0) => new(ModuleKind.Conv2d, name, stride: stride, padding: padding);

    /// <summary>Average pooling over K × K windows.</summary>
    /// <param name="kernelSize">K.</param>
    /// <param name="stride">The stride (K when null).</param>
    public static ModuleSpec AvgPool2d(int kernelSize, int? stride = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(kernelSize, 1);
        return new(ModuleKind.AvgPool2d, "", kernelSize: kernelSize, stride: stride ?? kernelSize);
    }

    /// <summary>A BatchNorm1d (after a Linear) or BatchNorm2d (after a Conv2d) whose tensors are "<paramref name="name"/>.weight", ".bias", ".running_mean" and ".running_var".</summary>
    /// <param name="kind"><see cref="ModuleKind.BatchNorm1d"/> or <see cref="ModuleKind.BatchNorm2d"/>.</param>
    /// <param name="name">The state-dict prefix.</param>
    /// <param name="epsilon">ε.</param>
    public static ModuleSpec BatchNorm(ModuleKind kind, string name, double epsilon = 1e-5)
    {
        if (kind is not (ModuleKind.BatchNorm1d or ModuleKind.BatchNorm2d))
        {
            throw new ArgumentException($"{kind} is not a batch normalization.", nameof(kind));
        }

        return new(kind, name, epsilon: epsilon);
    }

    /// <summary>A polynomial activation q(α·x + β) with power-basis coefficients c₀, c₁, … of q.</summary>
    /// <param name="coefficients">At least one finite coefficient.</param>
    /// <param name="label">What it stands for ("polynomial deg n" when null or blank).</param>
    /// <param name="inputScale">α, finite and nonzero.</param>
    /// <param name="inputOffset">β, finite.</param>
    public static ModuleSpec Polynomial(IEnumerable<double> coefficients, string? label = null, double inputScale = 1, double inputOffset = 0)
    {
        if (!double.IsFinite(inputScale) || inputScale == 0 || !double.IsFinite(inputOffset))
        {
            throw new ArgumentException($"A polynomial's argument t = α·x + β needs a finite nonzero α and a finite β; got α = {inputScale}, β = {inputOffset}.");
        }

        ArgumentNullException.ThrowIfNull(coefficients);
        double[] c = coefficients.ToArray();
        if (c.Length == 0 || !c.All(double.IsFinite))
        {
            throw new ArgumentException("A polynomial needs at least one coefficient, all finite.", nameof(coefficients));
        }

        return new(ModuleKind.Polynomial, "", coefficients: c, label: string.IsNullOrWhiteSpace(label) ? $"polynomial deg {c.Length - 1}" : label, inputScale: inputScale, inputOffset: inputOffset);
    }

    /// <summary>A layer without state or hyperparameters: Flatten, ReLU, Sigmoid, Tanh, GELU, Square, Identity or Dropout.</summary>
    /// <param name="kind">The kind.</param>
    public static ModuleSpec Of(ModuleKind kind)
    {
        if (kind is ModuleKind.Linear or ModuleKind.Conv2d or ModuleKind.AvgPool2d or ModuleKind.BatchNorm1d or ModuleKind.BatchNorm2d or ModuleKind.Polynomial)
        {
            throw new ArgumentException($"{kind} has state or hyperparameters; use its own factory.", nameof(kind));
        }

        return new(kind, "");
    }

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        ModuleKind.Linear or ModuleKind.BatchNorm1d or ModuleKind.BatchNorm2d => $"{Kind}('{Name}')",
        ModuleKind.Conv2d => $"Conv2d('{Name}', stride {Stride}, padding {Padding})",
        ModuleKind.AvgPool2d => $"AvgPool2d({KernelSize}, stride {Stride})",
        ModuleKind.Polynomial => $"Polynomial({Label})",
        _ => Kind.ToString(),
    };
}
