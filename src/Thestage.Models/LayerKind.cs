namespace Thestage.Models;

/// <summary>The kinds of layer of the model IR, one per operation (a layer reports its kind as <see cref="Layer.Kind"/>).</summary>
/// <remarks>
/// Which back-end evaluates which kind: the CKKS back-end (Thestage.Inference) evaluates the linear kinds, Flatten,
/// <see cref="Square"/> and <see cref="Polynomial"/>; the exact non-polynomial activations are first replaced by fitted
/// polynomials (calibration), and <see cref="MaxPool2d"/> has no CKKS evaluation. The proof back-end (Thestage.Proofs)
/// quantizes the linear kinds, <see cref="MaxPool2d"/> (stride = window), Flatten, <see cref="Relu"/> and <see cref="Square"/>. The numeric values are stable
/// (they are written in the model format).
/// </remarks>
public enum LayerKind
{
    /// <summary>Fully connected, <see cref="Models.Dense"/>.</summary>
    Dense = 0,

    /// <summary>2-D convolution, <see cref="Models.Conv2d"/>.</summary>
    Conv2d = 1,

    /// <summary>Average pooling, <see cref="Models.AvgPool2d"/>.</summary>
    AvgPool2d = 2,

    /// <summary>Reshape to a vector, <see cref="Models.Flatten"/>.</summary>
    Flatten = 3,

    /// <summary>The exact rectifier max(0, x), an <see cref="Activation"/>.</summary>
    Relu = 4,

    /// <summary>x², an <see cref="Activation"/>.</summary>
    Square = 5,

    /// <summary>Max pooling, <see cref="Models.MaxPool2d"/>.</summary>
    MaxPool2d = 6,

    /// <summary>The exact logistic function 1/(1 + e^−x), an <see cref="Activation"/>.</summary>
    Sigmoid = 7,

    /// <summary>The exact tanh, an <see cref="Activation"/>.</summary>
    Tanh = 8,

    /// <summary>The exact GELU x·Φ(x), an <see cref="Activation"/>.</summary>
    Gelu = 9,

    /// <summary>A polynomial (for example a calibrated fit of one of the functions above), an <see cref="Activation"/>.</summary>
    Polynomial = 10,
}
