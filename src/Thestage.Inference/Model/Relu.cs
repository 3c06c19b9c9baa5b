namespace Thestage.Inference.Model;

/// <summary>
/// The exact rectifier x ↦ max(0, x), elementwise: a plain-evaluation layer only. CKKS has no comparison, so a model
/// with this layer cannot be planned or served encrypted; replace it by a polynomial fit on the interval its inputs stay
/// in, <see cref="Activation.Relu(double, double, int)"/>.
/// </summary>
/// <remarks>
/// It exists so that a model trained with true ReLU (for example the fixed-point MLP of proofs of training,
/// <see cref="FixedPointExport"/>) has an exact double-precision reference in the IR, against which its encrypted,
/// polynomial version is measured.
/// </remarks>
public sealed class Relu : Layer
{
    /// <summary>Not defined: there is no encrypted evaluation of the exact ReLU.</summary>
    /// <exception cref="NotSupportedException">Always; the message says how to make the model encryptable.</exception>
    public override int Depth => throw NotEncryptable();

    /// <inheritdoc/>
    public override int[] OutputShape(IReadOnlyList<int> inputShape) => SameShape(inputShape);

    /// <inheritdoc/>
    public override double[] Evaluate(ReadOnlySpan<double> input, IReadOnlyList<int> inputShape) => Elementwise(input, inputShape, x => Math.Max(0, x));

    /// <inheritdoc/>
    public override string ToString() => "Relu(exact)";

    internal static NotSupportedException NotEncryptable(int? index = null) =>
        new($"{(index is int i ? $"Layer {i} is" : "The layer is")} an exact ReLU, which CKKS cannot evaluate (it has no comparison): replace it by a polynomial fit, "
            + "Activation.Relu(min, max, degree), on an interval its inputs stay in.");
}
