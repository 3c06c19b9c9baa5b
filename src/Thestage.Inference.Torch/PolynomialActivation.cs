using TorchSharp;
using Thestage.Models;
using static TorchSharp.torch;

namespace Thestage.Inference.Torch;

/// <summary>
/// A TorchSharp module evaluating a fixed polynomial q(α·x + β) elementwise (Horner's rule, differentiable), so a network
/// can be fine-tuned with exactly the activation CKKS will evaluate. Converts to the same IR <see cref="Activation"/>.
/// </summary>
public sealed class PolynomialActivation : nn.Module<Tensor, Tensor>
{
    private readonly double[] _coefficients;

    /// <summary>Creates the module from an IR activation (e.g. <c>Activation.Relu(-6, 6, 4)</c>).</summary>
    /// <param name="activation">The activation whose polynomial is evaluated.</param>
    /// <exception cref="ArgumentException">The activation is an exact function, not a polynomial.</exception>
    public PolynomialActivation(Activation activation)
        : base(nameof(PolynomialActivation))
    {
        ArgumentNullException.ThrowIfNull(activation);
        if (!activation.IsPolynomial)
        {
            throw new ArgumentException($"{activation} is not a polynomial: fit one first (Activation.Relu(min, max, degree), or calibration).", nameof(activation));
        }

        TorchNative.EnsureLoadable();
        Activation = activation;
        _coefficients = [.. activation.Coefficients];
    }

    /// <summary>The IR activation this module evaluates.</summary>
    public Activation Activation { get; }

    /// <summary>q(α·x + β), elementwise, in the input's dtype.</summary>
    /// <param name="input">Any floating-point tensor.</param>
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        int n = _coefficients.Length - 1;
        if (n == 0)
        {
            return full_like(input, _coefficients[0]);
        }

        using var scope = NewDisposeScope();
        Tensor t = Activation.InputScale == 1 && Activation.InputOffset == 0 ? input : input.mul(Activation.InputScale).add_(Activation.InputOffset);
        Tensor y = t.mul(_coefficients[n]).add_(_coefficients[n - 1]);
        for (int k = n - 2; k >= 0; k--)
        {
            y = y.mul(t).add_(_coefficients[k]);
        }

        return y.MoveToOuterDisposeScope();
    }
}
