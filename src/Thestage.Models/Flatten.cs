namespace Thestage.Models;

/// <summary>Flattens any shape to one axis (row-major order is unchanged, so no back-end computes anything for it).</summary>
public sealed class Flatten : Layer
{
    /// <inheritdoc/>
    public override LayerKind Kind => LayerKind.Flatten;

    /// <inheritdoc/>
    public override Shape OutputShape(Shape inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        return Shape.Vector(inputShape.Size);
    }

    /// <inheritdoc/>
    public override double[] Evaluate(ReadOnlySpan<double> input, Shape inputShape)
    {
        RequireLength(input, inputShape);
        return input.ToArray();
    }

    /// <inheritdoc/>
    public override string ToString() => "Flatten";
}
