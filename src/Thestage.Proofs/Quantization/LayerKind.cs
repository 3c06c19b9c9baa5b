namespace Thestage.Proofs.Quantization;

/// <summary>The layer types of the fixed-point inference model.</summary>
/// <remarks>
/// The set follows the small CNN/MLP models of verifiable-inference work such as zkCNN (Liu, Xie, Zhang,
/// CCS 2021) and zkML surveys; see <see cref="QuantizedModel"/> for the exact integer semantics.
/// </remarks>
public enum LayerKind
{
    /// <summary>Fully connected: <c>y = W·x + b</c>, then requantization.</summary>
    Dense = 0,

    /// <summary>2-D convolution with stride and zero padding, then requantization.</summary>
    Conv2d = 1,

    /// <summary>Average pooling over non-overlapping windows whose area is a power of two.</summary>
    AvgPool2d = 2,

    /// <summary>Reshapes <c>(C, H, W)</c> to a vector of <c>C·H·W</c> features (channel-major); no arithmetic.</summary>
    Flatten = 3,

    /// <summary><c>max(x, 0)</c>.</summary>
    ReLU = 4,

    /// <summary><c>x²</c>, then requantization.</summary>
    Square = 5,
}
