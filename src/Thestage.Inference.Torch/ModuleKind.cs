namespace Thestage.Inference.Torch;

/// <summary>The TorchSharp module kinds that convert to the model IR.</summary>
public enum ModuleKind
{
    /// <summary><c>nn.Linear</c> → Dense (state: weight [out, in], optional bias).</summary>
    Linear,

    /// <summary><c>nn.Conv2d</c> → Conv2d (state: weight [out, in, kh, kw], optional bias).</summary>
    Conv2d,

    /// <summary><c>nn.AvgPool2d</c> without padding → AvgPool2d.</summary>
    AvgPool2d,

    /// <summary><c>nn.Flatten</c> (start_dim 1, end_dim −1) → Flatten.</summary>
    Flatten,

    /// <summary><c>nn.ReLU</c> → a polynomial fit on the caller's interval and degree.</summary>
    ReLU,

    /// <summary><c>nn.Sigmoid</c> → a polynomial fit.</summary>
    Sigmoid,

    /// <summary><c>nn.Tanh</c> → a polynomial fit.</summary>
    Tanh,

    /// <summary><c>nn.GELU</c> (either approximation) → a polynomial fit of the exact GELU.</summary>
    GELU,

    /// <summary>This library's <see cref="Square"/> module → x².</summary>
    Square,

    /// <summary>This library's <see cref="PolynomialActivation"/> module → the same polynomial (its coefficients are given with the layer).</summary>
    Polynomial,

    /// <summary><c>nn.BatchNorm1d</c> (eval mode), folded into the preceding Linear (state: weight, bias, running_mean, running_var).</summary>
    BatchNorm1d,

    /// <summary><c>nn.BatchNorm2d</c> (eval mode), folded into the preceding Conv2d.</summary>
    BatchNorm2d,

    /// <summary><c>nn.Identity</c>: dropped.</summary>
    Identity,

    /// <summary><c>nn.Dropout</c>: dropped (identity at inference).</summary>
    Dropout,
}
