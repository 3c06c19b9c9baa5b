using TorchSharp;
using Thestage.Models;
using static TorchSharp.torch;
using TorchSequential = TorchSharp.Modules.Sequential;

namespace Thestage.Inference.Torch;

/// <content>IR → TorchSharp.</content>
public static partial class TorchConverter
{
    /// <summary>
    /// Builds a float64 TorchSharp <c>Sequential</c> that computes what <paramref name="model"/>'s plain evaluation
    /// computes, with the parameters copied: Dense → <c>Linear</c> (weight <c>Wᵀ</c>, [out, in]), Conv2d → <c>Conv2d</c>,
    /// AvgPool2d → <c>AvgPool2d</c>, Flatten → <c>Flatten</c>, the exact ReLU → <c>ReLU</c>, the square →
    /// <see cref="Square"/>, other activations → <see cref="PolynomialActivation"/>.
    /// </summary>
    /// <param name="model">The model, e.g. a fixed-point model exported by <c>Thestage.Proofs.Training.FixedPointExport</c>.</param>
    /// <returns>
    /// The module in eval mode, float64 parameters, children named "0", "1", … (so its state-dict keys are "0.weight",
    /// "0.bias", …). It takes a batch <c>[B, …input shape]</c> in float64; <c>module.to(ScalarType.Float32)</c> gives
    /// the usual float32 model at float32 precision. Converting it back with <see cref="ToSequential"/> gives the same IR
    /// except that <c>ReLU</c> becomes a polynomial fit.
    /// </returns>
    /// <exception cref="NotSupportedException">A layer type has no TorchSharp counterpart here.</exception>
    public static TorchSequential ToModule(Models.Sequential model)
    {
        ArgumentNullException.ThrowIfNull(model);
        TorchNative.EnsureLoadable();
        var children = new (string, nn.Module<Tensor, Tensor>)[model.Layers.Count];
        for (int i = 0; i < children.Length; i++)
        {
            children[i] = (i.ToString(System.Globalization.CultureInfo.InvariantCulture), ToTorch(model.Layers[i]));
        }

        TorchSequential module = nn.Sequential(children);
        module.eval();
        return module;
    }

    private static nn.Module<Tensor, Tensor> ToTorch(Layer layer) => layer switch
    {
        Dense dense => ToLinear(dense),
        Models.Conv2d conv => ToConv2d(conv),
        Models.AvgPool2d pool => nn.AvgPool2d(pool.KernelSize, pool.Stride),
        Models.MaxPool2d pool => nn.MaxPool2d(pool.KernelSize, pool.Stride),
        Models.Flatten => nn.Flatten(),
        Activation { Kind: LayerKind.Relu } => nn.ReLU(),
        Activation { Kind: LayerKind.Sigmoid } => nn.Sigmoid(),
        Activation { Kind: LayerKind.Tanh } => nn.Tanh(),
        Activation { Kind: LayerKind.Gelu } => nn.GELU(),
        Activation { IsSquare: true } => new Square(),
        Activation activation => new PolynomialActivation(activation),
        _ => throw new NotSupportedException($"The IR layer {layer} has no TorchSharp counterpart."),
    };

    private static TorchSharp.Modules.Linear ToLinear(Dense dense)
    {
        var linear = nn.Linear(dense.Inputs, dense.Outputs, hasBias: true, dtype: ScalarType.Float64);
        double[,] w = dense.Weights; // inputs × outputs; Linear stores outputs × inputs
        var values = new double[dense.Outputs * dense.Inputs];
        for (int o = 0; o < dense.Outputs; o++)
        {
            for (int i = 0; i < dense.Inputs; i++)
            {
                values[(o * dense.Inputs) + i] = w[i, o];
            }
        }

        Copy(linear.weight!, values);
        Copy(linear.bias!, dense.Bias);
        return linear;
    }

    private static TorchSharp.Modules.Conv2d ToConv2d(Models.Conv2d conv)
    {
        var module = nn.Conv2d(
            conv.InChannels,
            conv.OutChannels,
            (conv.KernelHeight, conv.KernelWidth),
            stride: (conv.Stride, conv.Stride),
            padding: (conv.Padding, conv.Padding),
            bias: true,
            dtype: ScalarType.Float64);
        Copy(module.weight!, conv.Kernels.Cast<double>().ToArray()); // [C_out, C, K_h, K_w], row-major as the weight
        Copy(module.bias!, conv.Bias);
        return module;
    }

    private static void Copy(Tensor parameter, double[] values)
    {
        using var noGrad = no_grad();
        using Tensor source = tensor(values, parameter.shape, ScalarType.Float64);
        parameter.copy_(source);
    }
}
