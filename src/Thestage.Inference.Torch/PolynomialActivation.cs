using TorchSharp;
using Thestage.Inference.Model;
using static TorchSharp.torch;

namespace Thestage.Inference.Torch;

/// <summary>
/// A TorchSharp module evaluating a fixed polynomial elementwise (Horner's rule, differentiable), so a network can be
/// fine-tuned with exactly the activation CKKS will evaluate. Converts to the same IR <see cref="Activation"/>.
/// </summary>
public sealed class PolynomialActivation : nn.Module<Tensor, Tensor>
{
    private readonly double[] _coefficients;

    /// <summary>Creates the module from an IR activation (e.g. <c>Activation.Relu(-6, 6, 4)</c>).</summary>
    /// <param name="activation">The activation whose polynomial is evaluated.</param>
    public PolynomialActivation(Activation activation)
        : base(nameof(PolynomialActivation))
    {
        ArgumentNullException.ThrowIfNull(activation);
        TorchNative.EnsureLoadable();
        Activation = activation;
        _coefficients = activation.Polynomial.Coefficients.ToArray();
    }

    /// <summary>The IR activation this module evaluates.</summary>
    public Activation Activation { get; }

    /// <summary>p(x), elementwise, in the input's dtype.</summary>
    /// <param name="input">Any floating-point tensor.</param>
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        int n = _coefficients.Length - 1;
        if (n == 0)
        {
            return full_like(input, _coefficients[0]);
        }

        Tensor y = input.mul(_coefficients[n]).add_(_coefficients[n - 1]);
        for (int k = n - 2; k >= 0; k--)
        {
            Tensor next = y.mul(input).add_(_coefficients[k]);
            y.Dispose();
            y = next;
        }

        return y;
    }
}
