using Thestage.Models;
using Thestage.Inference.Torch.StateDicts;

namespace Thestage.Inference.Torch;

/// <summary>Builds the model IR from an architecture description and a tensor lookup (a state dict or a live module's parameters).</summary>
internal static class IrBuilder
{
    public static Sequential Build(Shape inputShape, IReadOnlyList<ModuleSpec> specs, Func<string, StateTensor?> tensors, ActivationApproximation? activations)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        ArgumentNullException.ThrowIfNull(specs);

        var layers = new List<Layer>();
        for (int i = 0; i < specs.Count; i++)
        {
            ModuleSpec spec = specs[i] ?? throw new ArgumentException($"Layer {i} is null.", nameof(specs));
            try
            {
                Add(layers, spec, tensors, activations);
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"Layer {i} ({spec}): {e.Message}", e);
            }
        }

        if (layers.Count == 0)
        {
            throw new InvalidDataException("The architecture has no layer that remains at inference (only Identity/Dropout).");
        }

        return new Sequential(inputShape, layers);
    }

    private static void Add(List<Layer> layers, ModuleSpec spec, Func<string, StateTensor?> tensors, ActivationApproximation? activations)
    {
        switch (spec.Kind)
        {
            case ModuleKind.Linear:
                layers.Add(Dense(spec.Name, tensors));
                break;
            case ModuleKind.Conv2d:
                layers.Add(Conv(spec, tensors));
                break;
            case ModuleKind.AvgPool2d:
                layers.Add(new AvgPool2d(spec.KernelSize, spec.Stride));
                break;
            case ModuleKind.Flatten:
                layers.Add(new Flatten());
                break;
            case ModuleKind.Square:
                layers.Add(Activation.Square());
                break;
            case ModuleKind.Polynomial:
                layers.Add(Activation.FromPolynomial(spec.Coefficients.ToArray(), spec.Label, spec.InputScale, spec.InputOffset));
                break;
            case ModuleKind.ReLU or ModuleKind.Sigmoid or ModuleKind.Tanh or ModuleKind.GELU:
                layers.Add(Approximate(spec.Kind, activations));
                break;
            case ModuleKind.BatchNorm1d or ModuleKind.BatchNorm2d:
                Fold(layers, spec, tensors);
                break;
            case ModuleKind.Identity or ModuleKind.Dropout:
                break;
            default:
                throw new ArgumentException($"Unknown layer kind {spec.Kind}.");
        }
    }

    private static Activation Approximate(ModuleKind kind, ActivationApproximation? a)
    {
        if (a is null)
        {
            return Activation.Exact(kind switch
            {
                ModuleKind.ReLU => LayerKind.Relu,
                ModuleKind.Sigmoid => LayerKind.Sigmoid,
                ModuleKind.Tanh => LayerKind.Tanh,
                _ => LayerKind.Gelu,
            });
        }

        return kind switch
        {
            ModuleKind.ReLU => Activation.Relu(a.Min, a.Max, a.Degree),
            ModuleKind.Sigmoid => Activation.Sigmoid(a.Min, a.Max, a.Degree),
            ModuleKind.Tanh => Activation.Tanh(a.Min, a.Max, a.Degree),
            _ => Activation.Gelu(a.Min, a.Max, a.Degree),
        };
    }

    private static Dense Dense(string name, Func<string, StateTensor?> tensors)
    {
        StateTensor w = Tensor(tensors, Key(name, "weight"), 2);
        int outputs = (int)w.Shape[0], inputs = (int)w.Shape[1];
        var weights = new double[inputs, outputs];
        ReadOnlySpan<double> v = w.Values;
        for (int o = 0; o < outputs; o++)
        {
            for (int i = 0; i < inputs; i++)
            {
                weights[i, o] = v[o * inputs + i];
            }
        }

        return new Dense(weights, Vector(tensors, Key(name, "bias"), outputs, required: false));
    }

    private static Conv2d Conv(ModuleSpec spec, Func<string, StateTensor?> tensors)
    {
        StateTensor w = Tensor(tensors, Key(spec.Name, "weight"), 4);
        int o = (int)w.Shape[0], c = (int)w.Shape[1], kh = (int)w.Shape[2], kw = (int)w.Shape[3];
        var kernels = new double[o, c, kh, kw];
        ReadOnlySpan<double> v = w.Values;
        int at = 0;
        for (int a = 0; a < o; a++)
        {
            for (int b = 0; b < c; b++)
            {
                for (int y = 0; y < kh; y++)
                {
                    for (int x = 0; x < kw; x++)
                    {
                        kernels[a, b, y, x] = v[at++];
                    }
                }
            }
        }

        return new Conv2d(kernels, Vector(tensors, Key(spec.Name, "bias"), o, required: false), spec.Stride, spec.Padding);
    }

    private static void Fold(List<Layer> layers, ModuleSpec spec, Func<string, StateTensor?> tensors)
    {
        Layer? previous = layers.Count > 0 ? layers[^1] : null;
        int channels = (spec.Kind, previous) switch
        {
            (ModuleKind.BatchNorm1d, Dense d) => d.Outputs,
            (ModuleKind.BatchNorm2d, Conv2d c) => c.OutChannels,
            _ => throw new ArgumentException($"{spec.Kind} folds only directly after a {(spec.Kind == ModuleKind.BatchNorm1d ? "Linear" : "Conv2d")}; it follows {previous?.ToString() ?? "nothing"}."),
        };
        double[] gamma = Vector(tensors, Key(spec.Name, "weight"), channels, required: false) ?? Enumerable.Repeat(1.0, channels).ToArray();
        double[] beta = Vector(tensors, Key(spec.Name, "bias"), channels, required: false) ?? new double[channels];
        double[] mean = Vector(tensors, Key(spec.Name, "running_mean"), channels, required: true)!;
        double[] variance = Vector(tensors, Key(spec.Name, "running_var"), channels, required: true)!;
        layers[^1] = previous is Dense dense
            ? BatchNorm.Fold(dense, gamma, beta, mean, variance, spec.Epsilon)
            : BatchNorm.Fold((Conv2d)previous!, gamma, beta, mean, variance, spec.Epsilon);
    }

    private static string Key(string prefix, string suffix) => prefix.Length == 0 ? suffix : $"{prefix}.{suffix}";

    private static StateTensor Tensor(Func<string, StateTensor?> tensors, string key, int rank)
    {
        StateTensor t = tensors(key) ?? throw new ArgumentException($"The tensor '{key}' is missing.");
        if (t.Shape.Count != rank || t.Shape.Any(d => d == 0))
        {
            throw new ArgumentException($"The tensor '{key}' has shape [{string.Join(", ", t.Shape)}]; a non-empty rank-{rank} tensor is expected.");
        }

        return t;
    }

    private static double[]? Vector(Func<string, StateTensor?> tensors, string key, int length, bool required)
    {
        StateTensor? t = tensors(key);
        if (t is null)
        {
            return required ? throw new ArgumentException($"The tensor '{key}' is missing.") : null;
        }

        if (t.Shape.Count != 1 || t.Shape[0] != length)
        {
            throw new ArgumentException($"The tensor '{key}' has shape [{string.Join(", ", t.Shape)}]; [{length}] is expected.");
        }

        return t.ToArray();
    }
}
