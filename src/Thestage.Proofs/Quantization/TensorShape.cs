namespace Thestage.Proofs.Quantization;

/// <summary>The shape of one sample's activation tensor: channels × height × width (vectors have height and width 1).</summary>
/// <param name="Channels">The number of channels (features for vectors).</param>
/// <param name="Height">The height.</param>
/// <param name="Width">The width.</param>
/// <remarks>Elements are stored channel-major, then row, then column: index <c>(c·H + y)·W + x</c>.</remarks>
public readonly record struct TensorShape(int Channels, int Height, int Width)
{
    /// <summary>Gets the number of elements <c>C·H·W</c>.</summary>
    public int Size => Channels * Height * Width;

    /// <summary>Gets a value indicating whether all dimensions are positive.</summary>
    public bool IsValid => Channels > 0 && Height > 0 && Width > 0 && (long)Channels * Height * Width <= 1 << 24;

    /// <summary>Creates the shape of a vector of <paramref name="features"/> elements.</summary>
    /// <param name="features">The number of features.</param>
    /// <returns>The shape <c>(features, 1, 1)</c>.</returns>
    public static TensorShape Vector(int features) => new(features, 1, 1);
}
