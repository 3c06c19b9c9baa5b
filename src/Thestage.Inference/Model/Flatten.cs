namespace Thestage.Inference.Model;

/// <summary>Flattens any shape to one axis (row-major order is unchanged, so this costs nothing encrypted).</summary>
public sealed class Flatten : Layer
{
    /// <inheritdoc/>
    public override int Depth => 0;

    /// <inheritdoc/>
    public override int[] OutputShape(IReadOnlyList<int> inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        return [Product(inputShape)];
    }

    /// <inheritdoc/>
    public override double[] Evaluate(ReadOnlySpan<double> input, IReadOnlyList<int> inputShape)
    {
        RequireLength(input, inputShape);
        return input.ToArray();
    }

    /// <inheritdoc/>
    public override string ToString() => "Flatten";
}
