using System.Globalization;
using Thestage.Models;
using Thestage.Privacy.Tensors;

namespace Thestage.Inference.Planning;

/// <summary>
/// The CKKS back-end's compiled form of a model: one step per layer of the IR, each a linear map, a polynomial or free.
/// The planner counts levels and costs on it and the runtime evaluates it, so the two cannot disagree.
/// </summary>
/// <remarks>
/// <para>A polynomial fitted on an interval [a, b] is stored as q(t), t = α·x + β ∈ [−1, 1] (<see cref="Activation"/>).
/// When the layer before it is linear, α and β are folded into that layer (M′ = α·M, b′ = α·b + β), so q is evaluated on
/// t directly — well conditioned, no extra level. Otherwise q(α·x + β) is expanded into the power basis of x.</para>
/// <para>Exact activations (ReLU, sigmoid, tanh, GELU) and max pooling have no CKKS evaluation: lowering refuses them
/// with a message that says what to do.</para>
/// </remarks>
internal sealed class CkksProgram
{
    private CkksProgram(Sequential model, CkksStep[] steps)
    {
        Model = model;
        Steps = steps;
        Depth = steps.Sum(s => s.Depth);
    }

    public Sequential Model { get; }

    public IReadOnlyList<CkksStep> Steps { get; }

    public int Depth { get; }

    /// <exception cref="NotSupportedException">A layer has no CKKS evaluation.</exception>
    public static CkksProgram Lower(Sequential model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var steps = new CkksStep[model.Layers.Count];
        for (int i = 0; i < steps.Length; i++)
        {
            Layer layer = model.Layers[i];
            Shape input = model.InputShapeOf(i), output = model.OutputShapeOf(i);
            Activation? next = i + 1 < steps.Length ? model.Layers[i + 1] as Activation : null;
            bool foldNext = layer is LinearLayer && next is { IsPolynomial: true } && (next.InputScale != 1 || next.InputOffset != 0);
            steps[i] = layer switch
            {
                LinearLayer linear => foldNext
                    ? new LinearStep(i, $"{layer} (t = {Number(next!.InputScale)}·y + {Number(next.InputOffset)} folded in)", input, output, linear, next!.InputScale, next.InputOffset)
                    : new LinearStep(i, layer.ToString(), input, output, linear, 1, 0),
                Activation { IsSquare: true } => new PolynomialStep(i, layer.ToString(), input, output, new Polynomial([0, 0, 1]), true),
                Activation { IsPolynomial: true } a => new PolynomialStep(i, layer.ToString(), input, output, new Polynomial(PreviousFolds(steps, i) ? [.. a.Coefficients] : a.PowerCoefficients()), false),
                Activation a => throw NotEncryptable(i, a),
                Flatten => new FreeStep(i, layer.ToString(), input, output),
                MaxPool2d => throw new NotSupportedException(
                    $"Layer {i} is {layer}, which CKKS cannot evaluate (a maximum needs comparisons): use AvgPool2d in a model meant for encrypted inference (and retrain), or prove it instead."),
                _ => throw new NotSupportedException($"Layer {i} ({layer}) has no CKKS evaluation."),
            };
        }

        return new CkksProgram(model, steps);
    }

    /// <summary>The error of a model whose exact activation is not yet replaced by a polynomial.</summary>
    public static NotSupportedException NotEncryptable(int index, Activation activation) =>
        new($"Layer {index} is an exact {activation.Kind}, which CKKS cannot evaluate (it has no comparison or exponential): replace it by a polynomial fit — "
            + $"compile the model with calibration samples (ModelCompiler.Compile, or ActivationFitter.Fit), or Activation.{activation.Kind}(min, max, degree) on an interval its inputs stay in.");

    private static bool PreviousFolds(CkksStep[] steps, int i) => i > 0 && steps[i - 1] is LinearStep { Scale: not 1 } or LinearStep { Offset: not 0 };

    private static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}

/// <summary>One step of a <see cref="CkksProgram"/>: which IR layer it evaluates, its shapes and the levels it consumes.</summary>
internal abstract record CkksStep(int LayerIndex, string Description, Shape Input, Shape Output, int Depth);

/// <summary>y = (x·M + b)·α + β, one level.</summary>
internal sealed record LinearStep(int LayerIndex, string Description, Shape Input, Shape Output, LinearLayer Layer, double Scale, double Offset)
    : CkksStep(LayerIndex, Description, Input, Output, 1)
{
    public Func<int, int, double> Matrix()
    {
        Func<int, int, double> m = Layer.Matrix(Input);
        double scale = Scale;
        return scale == 1 ? m : (i, j) => scale * m(i, j);
    }

    public double[] Bias() => Array.ConvertAll(Layer.OutputBias(Input), b => Scale * b + Offset);
}

/// <summary>A polynomial elementwise: the square (one level) or p of depth ⌈log2(d + 1)⌉.</summary>
internal sealed record PolynomialStep(int LayerIndex, string Description, Shape Input, Shape Output, Polynomial Polynomial, bool IsSquare)
    : CkksStep(LayerIndex, Description, Input, Output, IsSquare ? 1 : Polynomial.Depth);

/// <summary>Nothing to compute (flattening keeps the row-major order).</summary>
internal sealed record FreeStep(int LayerIndex, string Description, Shape Input, Shape Output)
    : CkksStep(LayerIndex, Description, Input, Output, 0);
