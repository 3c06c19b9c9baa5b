using Thestage.Models;
using Thestage.Inference.Torch.StateDicts;

namespace Thestage.Inference.Torch;

/// <summary>Builds the model IR from an architecture description and a state dict read by <see cref="StateDictReader"/>, with no libtorch.</summary>
public static class StateDictConverter
{
    /// <summary>Builds the model IR; BatchNorm layers are folded into the Linear or Conv2d before them.</summary>
    /// <param name="layers">The architecture, in forward order (e.g. from <see cref="TorchConverter.Describe"/>).</param>
    /// <param name="stateDict">The weights.</param>
    /// <param name="inputShape">The shape of one sample, e.g. [1, 28, 28].</param>
    /// <param name="activations">How ReLU/Sigmoid/Tanh/GELU become polynomials; when null they stay exact (fit them later by calibration, Thestage.Models.Calibration).</param>
    /// <exception cref="InvalidDataException">A tensor is missing or has the wrong shape or non-finite values, or a layer cannot be built.</exception>
    /// <exception cref="ArgumentException">A layer does not accept the shape it receives.</exception>
    public static Sequential ToSequential(IReadOnlyList<ModuleSpec> layers, StateDict stateDict, Shape inputShape, ActivationApproximation? activations = null)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        return IrBuilder.Build(inputShape, layers, key => stateDict.TryGet(key, out StateTensor? t) ? t : null, activations);
    }
}
