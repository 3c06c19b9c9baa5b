using System.Collections;
using System.Runtime.CompilerServices;

namespace Thestage.Models;

/// <summary>
/// The shape of one sample's tensor, without a batch axis: <c>[n]</c> for a vector, <c>[C, H, W]</c> for an image.
/// Values are stored row-major (C order): the last axis varies fastest, so <c>[C, H, W]</c> is channel-major and
/// element <c>(c, y, x)</c> is at <c>(c·H + y)·W + x</c>.
/// </summary>
/// <remarks>
/// Every dimension is at least 1, the rank at most <see cref="MaxRank"/> and the element count at most
/// <see cref="MaxElements"/>, so that a shape read from an untrusted file can never ask for an unbounded allocation.
/// A collection expression builds one: <c>Shape s = [1, 28, 28];</c>.
/// </remarks>
[CollectionBuilder(typeof(Shape), nameof(Create))]
public sealed class Shape : IReadOnlyList<int>, IEquatable<Shape>
{
    /// <summary>The largest element count of a shape, 2^24.</summary>
    public const int MaxElements = 1 << 24;

    /// <summary>The largest rank.</summary>
    public const int MaxRank = 8;

    private readonly int[] _dimensions;

    /// <summary>Creates a shape.</summary>
    /// <param name="dimensions">1 to <see cref="MaxRank"/> dimensions, each ≥ 1, with at most <see cref="MaxElements"/> elements in all.</param>
    /// <exception cref="ArgumentException">The rank, a dimension or the element count is out of range.</exception>
    public Shape(params ReadOnlySpan<int> dimensions)
    {
        if (dimensions.Length is 0 or > MaxRank)
        {
            throw new ArgumentException($"A shape has 1 to {MaxRank} dimensions; got {dimensions.Length}.", nameof(dimensions));
        }

        long size = 1;
        foreach (int d in dimensions)
        {
            if (d < 1)
            {
                throw new ArgumentException($"Every dimension must be at least 1; got [{string.Join(", ", dimensions.ToArray())}].", nameof(dimensions));
            }

            size *= d;
            if (size > MaxElements)
            {
                throw new ArgumentException($"The shape [{string.Join(", ", dimensions.ToArray())}] has more than {MaxElements} elements.", nameof(dimensions));
            }
        }

        _dimensions = dimensions.ToArray();
        Size = (int)size;
    }

    /// <summary>The number of elements, the product of the dimensions.</summary>
    public int Size { get; }

    /// <summary>The rank (number of dimensions).</summary>
    public int Rank => _dimensions.Length;

    /// <inheritdoc/>
    public int Count => _dimensions.Length;

    /// <summary>C of the <c>[C, H, W]</c> view: a rank-3 shape as it is, a vector <c>[n]</c> as <c>[n, 1, 1]</c>.</summary>
    /// <exception cref="InvalidOperationException">The rank is neither 1 nor 3.</exception>
    public int Channels => Image().C;

    /// <summary>H of the <c>[C, H, W]</c> view (1 for a vector).</summary>
    /// <exception cref="InvalidOperationException">The rank is neither 1 nor 3.</exception>
    public int Height => Image().H;

    /// <summary>W of the <c>[C, H, W]</c> view (1 for a vector).</summary>
    /// <exception cref="InvalidOperationException">The rank is neither 1 nor 3.</exception>
    public int Width => Image().W;

    /// <summary>True for a rank-3 <c>[C, H, W]</c> shape.</summary>
    public bool IsImage => Rank == 3;

    /// <inheritdoc/>
    public int this[int index] => _dimensions[index];

    /// <summary>Equality of dimensions.</summary>
    /// <param name="left">A shape.</param>
    /// <param name="right">A shape.</param>
    public static bool operator ==(Shape? left, Shape? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Inequality of dimensions.</summary>
    /// <param name="left">A shape.</param>
    /// <param name="right">A shape.</param>
    public static bool operator !=(Shape? left, Shape? right) => !(left == right);

    /// <summary>The shape of these dimensions (see the constructor).</summary>
    /// <param name="dimensions">The dimensions.</param>
    public static implicit operator Shape(int[] dimensions) => new(dimensions ?? throw new ArgumentNullException(nameof(dimensions)));

    /// <summary>The collection-expression builder.</summary>
    /// <param name="dimensions">The dimensions.</param>
    public static Shape Create(ReadOnlySpan<int> dimensions) => new(dimensions);

    /// <summary>The shape of a vector of <paramref name="length"/> values.</summary>
    /// <param name="length">n ≥ 1.</param>
    public static Shape Vector(int length) => new(length);

    /// <summary>The shape <c>[channels, height, width]</c>.</summary>
    /// <param name="channels">C.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    public static Shape Image(int channels, int height, int width) => new(channels, height, width);

    /// <summary>
    /// The output size along one axis of a convolution or pooling window: <c>⌊(n + 2p − k)/s⌋ + 1</c> (no dilation,
    /// floor rounding, as PyTorch's and ONNX's defaults). The one place of this formula in the model IR.
    /// </summary>
    /// <param name="size">n ≥ 1.</param>
    /// <param name="kernel">k ≥ 1.</param>
    /// <param name="stride">s ≥ 1.</param>
    /// <param name="padding">p ≥ 0, on each side.</param>
    /// <exception cref="ArgumentException">The kernel does not fit the padded input, a value is out of range, or the output has more than <see cref="MaxElements"/> positions.</exception>
    public static int WindowOutputSize(int size, int kernel, int stride, int padding)
    {
        if (size < 1 || kernel < 1 || stride < 1 || padding < 0 || (long)size + 2L * padding < kernel)
        {
            throw new ArgumentException($"A window of {kernel} with stride {stride} and padding {padding} does not fit an axis of {size}.");
        }

        long output = (((long)size + 2L * padding - kernel) / stride) + 1;
        if (output > MaxElements)
        {
            throw new ArgumentException($"A window of {kernel} with stride {stride} and padding {padding} on an axis of {size} gives {output} positions, more than {MaxElements}.");
        }

        return (int)output;
    }

    /// <summary>The dimensions as a new array.</summary>
    public int[] ToArray() => (int[])_dimensions.Clone();

    /// <inheritdoc/>
    public IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)_dimensions).GetEnumerator();

    /// <inheritdoc/>
    IEnumerator IEnumerable.GetEnumerator() => _dimensions.GetEnumerator();

    /// <inheritdoc/>
    public bool Equals(Shape? other) => other is not null && _dimensions.AsSpan().SequenceEqual(other._dimensions);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Shape);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        foreach (int d in _dimensions)
        {
            hash.Add(d);
        }

        return hash.ToHashCode();
    }

    /// <summary>The dimensions, e.g. "[1, 28, 28]".</summary>
    public override string ToString() => $"[{string.Join(", ", _dimensions)}]";

    private (int C, int H, int W) Image() => Rank switch
    {
        1 => (_dimensions[0], 1, 1),
        3 => (_dimensions[0], _dimensions[1], _dimensions[2]),
        _ => throw new InvalidOperationException($"The shape {this} has no [C, H, W] view (rank 1 or 3 only)."),
    };
}
