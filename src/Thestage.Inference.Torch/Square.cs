using TorchSharp;
using static TorchSharp.torch;

namespace Thestage.Inference.Torch;

/// <summary>A TorchSharp module computing x² elementwise — the CryptoNets activation, one multiplicative level under CKKS. Converts to <c>Activation.Square()</c>.</summary>
public sealed class Square : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the module.</summary>
    public Square()
        : base(nameof(Square))
    {
        TorchNative.EnsureLoadable();
    }

    /// <summary>x ↦ x².</summary>
    /// <param name="input">Any tensor.</param>
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.square();
    }
}
