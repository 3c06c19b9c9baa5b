using TorchSharp;
using TorchSharp.Modules;
using Thestage.Inference.Torch.StateDicts;
using Shape = Thestage.Models.Shape;
using static TorchSharp.torch;
using TorchSequential = TorchSharp.Modules.Sequential;

namespace Thestage.Inference.Torch;

/// <summary>
/// Converts a TorchSharp module (a <c>Sequential</c>, possibly nested, or a single supported layer) to the model IR.
/// BatchNorm1d/2d are folded (with their running statistics, i.e. eval-mode semantics) into the Linear/Conv2d before
/// them, Identity and Dropout are dropped, and ReLU/Sigmoid/Tanh/GELU become polynomial fits on a caller-given interval.
/// The way back, IR → TorchSharp, is <see cref="ToModule"/>.
/// </summary>
public static partial class TorchConverter
{
    /// <summary>The module types that convert, for messages.</summary>
    public const string SupportedModules = "Sequential (nested), Linear, Conv2d (groups 1, dilation 1, zero padding, square stride/padding), AvgPool2d (no padding, no ceil_mode), Flatten (start_dim 1), ReLU, Sigmoid, Tanh, GELU, BatchNorm1d, BatchNorm2d (after Linear/Conv2d, with running stats), Identity, Dropout, Square, PolynomialActivation";

    /// <summary>Converts <paramref name="module"/> to the model IR.</summary>
    /// <param name="module">The module.</param>
    /// <param name="inputShape">The shape of one sample without the batch axis, e.g. [1, 28, 28].</param>
    /// <param name="activations">How ReLU/Sigmoid/Tanh/GELU become polynomials; when null they stay exact (fit them later by calibration, Thestage.Models.Calibration).</param>
    /// <exception cref="NotSupportedException">A module is not supported; the message names it and lists the supported ones.</exception>
    /// <exception cref="InvalidDataException">A layer's parameters cannot be converted (e.g. a BatchNorm not after a Linear/Conv2d, non-finite weights).</exception>
    /// <exception cref="ArgumentException">A layer rejects its input shape.</exception>
    public static Models.Sequential ToSequential(nn.Module module, Shape inputShape, ActivationApproximation? activations = null)
    {
        IReadOnlyList<ModuleSpec> specs = Describe(module);
        Dictionary<string, Tensor> state = module.state_dict();
        return IrBuilder.Build(inputShape, specs, key => state.TryGetValue(key, out Tensor? t) ? ToStateTensor(key, t) : null, activations);
    }

    /// <summary>The architecture of <paramref name="module"/> as layer descriptions whose names are its state-dict prefixes; with the file written by <c>module.save</c> it rebuilds the IR through <see cref="StateDictConverter"/>.</summary>
    /// <param name="module">The module.</param>
    /// <exception cref="NotSupportedException">A module is not supported.</exception>
    public static IReadOnlyList<ModuleSpec> Describe(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        TorchNative.EnsureLoadable();
        var specs = new List<ModuleSpec>();
        Walk(module, "", specs);
        return specs;
    }

    private static void Walk(nn.Module module, string path, List<ModuleSpec> specs)
    {
        if (module is TorchSequential)
        {
            foreach ((string name, nn.Module child) in module.named_children())
            {
                Walk(child, path.Length == 0 ? name : $"{path}.{name}", specs);
            }

            return;
        }

        specs.Add(module switch
        {
            Linear => ModuleSpec.Linear(path),
            Conv2d conv => Conv(conv, path),
            AvgPool2d pool => Pool(pool, path),
            Flatten flatten when flatten.start_dim == 1 && flatten.end_dim == -1 => ModuleSpec.Of(ModuleKind.Flatten),
            ReLU => ModuleSpec.Of(ModuleKind.ReLU),
            Sigmoid => ModuleSpec.Of(ModuleKind.Sigmoid),
            Tanh => ModuleSpec.Of(ModuleKind.Tanh),
            GELU => ModuleSpec.Of(ModuleKind.GELU),
            Square => ModuleSpec.Of(ModuleKind.Square),
            PolynomialActivation p => ModuleSpec.Polynomial(p.Activation.Coefficients, p.Activation.Name, p.Activation.InputScale, p.Activation.InputOffset),
            BatchNorm1d bn when bn.running_mean is not null => ModuleSpec.BatchNorm(ModuleKind.BatchNorm1d, path, bn.eps),
            BatchNorm2d bn when bn.running_mean is not null => ModuleSpec.BatchNorm(ModuleKind.BatchNorm2d, path, bn.eps),
            Identity => ModuleSpec.Of(ModuleKind.Identity),
            Dropout => ModuleSpec.Of(ModuleKind.Dropout),
            _ => throw Unsupported(module, path, "this module type or configuration"),
        });
    }

    private static ModuleSpec Conv(Conv2d conv, string path)
    {
        long[] stride = conv.stride, padding = conv.padding ?? [0, 0], dilation = conv.dilation;
        if (conv.transposed || conv.groups != 1 || conv.padding_type is not null || conv.padding_mode != PaddingModes.Zeros
            || dilation.Any(d => d != 1) || stride.Distinct().Count() != 1 || padding.Distinct().Count() != 1)
        {
            throw Unsupported(conv, path, $"stride [{string.Join(", ", stride)}], padding [{string.Join(", ", padding)}], dilation [{string.Join(", ", dilation)}], groups {conv.groups}, padding mode {conv.padding_mode}");
        }

        return ModuleSpec.Conv2d(path, (int)stride[0], (int)padding[0]);
    }

    private static ModuleSpec Pool(AvgPool2d pool, string path)
    {
        long[] kernel = pool.kernel_size, stride = pool.stride ?? kernel, padding = pool.padding ?? [0];
        if (kernel.Distinct().Count() != 1 || stride.Distinct().Count() != 1 || padding.Any(p => p != 0) || pool.ceil_mode || pool.divisor_override is not null)
        {
            throw Unsupported(pool, path, $"kernel [{string.Join(", ", kernel)}], stride [{string.Join(", ", stride)}], padding [{string.Join(", ", padding)}], ceil_mode {pool.ceil_mode}");
        }

        return ModuleSpec.AvgPool2d((int)kernel[0], (int)stride[0]);
    }

    private static NotSupportedException Unsupported(nn.Module module, string path, string what) =>
        new($"Module '{(path.Length == 0 ? "(root)" : path)}' of type {module.GetType().Name} ({what}) does not convert to the private-inference IR. Supported: {SupportedModules}.");

    private static StateTensor ToStateTensor(string key, Tensor tensor)
    {
        using var scope = NewDisposeScope();
        Tensor t = tensor.detach().cpu().to_type(ScalarType.Float64).contiguous();
        return new StateTensor(key, StateDType.Float64, t.shape, t.data<double>().ToArray());
    }
}
