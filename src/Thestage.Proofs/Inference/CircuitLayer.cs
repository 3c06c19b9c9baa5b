using Thestage.Models;
using Thestage.Proofs.Quantization;

namespace Thestage.Proofs.Inference;

/// <summary>The public, weight-free description of one layer (what the verifier knows about the architecture).</summary>
internal sealed record CircuitLayer(LayerKind Kind, int InFeatures, int OutFeatures, int KernelHeight, int KernelWidth, int Stride, int Padding, int Shift)
{
    public bool Requantizes => Kind is LayerKind.Dense or LayerKind.Conv2d or LayerKind.AvgPool2d or LayerKind.Square;

    /// <summary>Gets a value indicating whether the layer's output is committed with its limbs: every requantized output and every maximum.</summary>
    public bool Committed => Requantizes || Kind == LayerKind.MaxPool2d;

    /// <summary>Gets the window area of a max pooling (the number of differences range-checked per output).</summary>
    public int Window => KernelHeight * KernelWidth;

    public bool HasWeights => Kind is LayerKind.Dense or LayerKind.Conv2d;

    public static CircuitLayer From(QuantizedLayer layer) =>
        new(layer.Kind, layer.InFeatures, layer.OutFeatures, layer.KernelHeight, layer.KernelWidth, layer.Stride, layer.Padding, layer.Shift);

    public Shape OutputShape(Shape input) =>
        LayerShapes.Output(Kind, input, InFeatures, OutFeatures, KernelHeight, KernelWidth, Stride, Padding);
}
