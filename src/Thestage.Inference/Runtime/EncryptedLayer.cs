using System.Numerics.Tensors;
using Thestage.Inference.Model;
using Thestage.Privacy.Tensors;

namespace Thestage.Inference.Runtime;

/// <summary>
/// One layer of a model compiled for encrypted evaluation in one packing: linear layers hold their encoded transform
/// (row-major) or matrix (batch) and bias, activations their polynomial, flattening nothing.
/// </summary>
internal abstract class EncryptedLayer
{
    /// <summary>The rotation steps the layer's evaluation uses (its Galois keys must exist).</summary>
    public virtual IReadOnlyList<int> RotationSteps => [];

    /// <summary>The layer's name, as the model prints it (for progress reports).</summary>
    public string Name { get; private set; } = string.Empty;

    /// <summary>Compiles layer <paramref name="index"/> of <paramref name="model"/> for <paramref name="packing"/>.</summary>
    public static EncryptedLayer Compile(Sequential model, int index, TensorContext tensors, TensorPacking packing)
    {
        Layer layer = model.Layers[index];
        EncryptedLayer compiled = layer switch
        {
            Activation a => new Elementwise(a),
            Flatten => new Identity(),
            Dense or Conv2d or AvgPool2d => packing == TensorPacking.RowMajor
                ? new RowMajorLinear(layer, model.InputShapeOf(index), model.OutputShapeOf(index), tensors)
                : new BatchLinear(layer, model.InputShapeOf(index), model.OutputShapeOf(index)),
            Relu => throw Relu.NotEncryptable(index),
            _ => throw new NotSupportedException($"{layer} has no encrypted evaluation."),
        };
        compiled.Name = layer.ToString() ?? layer.GetType().Name;
        return compiled;
    }

    /// <summary>Evaluates the layer on one sample packed row-major.</summary>
    public abstract CkksVector Apply(CkksVector x);

    /// <summary>Evaluates the layer on a batch-packed tensor [samples, values].</summary>
    public abstract CkksTensor Apply(CkksTensor x);

    private sealed class Identity : EncryptedLayer
    {
        public override CkksVector Apply(CkksVector x) => x;

        public override CkksTensor Apply(CkksTensor x) => x;
    }

    private sealed class Elementwise(Activation activation) : EncryptedLayer
    {
        public override CkksVector Apply(CkksVector x) => activation.IsSquare ? x.Square() : x.Polynomial(activation.Polynomial);

        public override CkksTensor Apply(CkksTensor x) => activation.IsSquare ? x.Square() : x.Polynomial(activation.Polynomial);
    }

    private sealed class RowMajorLinear : EncryptedLayer
    {
        private readonly LinearTransform _transform;
        private readonly double[] _bias;
        private readonly bool _hasBias;

        public RowMajorLinear(Layer layer, IReadOnlyList<int> inputShape, IReadOnlyList<int> outputShape, TensorContext tensors)
        {
            _transform = new LinearTransform(tensors, Layer.Product(inputShape), Layer.Product(outputShape), LinearLayers.Matrix(layer, inputShape));
            _bias = LinearLayers.Bias(layer, inputShape);
            _hasBias = _bias.Any(b => b != 0);
        }

        public override IReadOnlyList<int> RotationSteps => _transform.RotationSteps;

        public override CkksVector Apply(CkksVector x)
        {
            CkksVector y = _transform.Apply(x);
            return _hasBias ? y.Add(_bias) : y;
        }

        public override CkksTensor Apply(CkksTensor x) => throw new InvalidOperationException("A row-major layer evaluates vectors.");
    }

    private sealed class BatchLinear : EncryptedLayer
    {
        private readonly double[,] _matrix;
        private readonly double[] _bias;

        public BatchLinear(Layer layer, IReadOnlyList<int> inputShape, IReadOnlyList<int> outputShape)
        {
            Func<int, int, double> entries = LinearLayers.Matrix(layer, inputShape);
            int input = Layer.Product(inputShape), output = Layer.Product(outputShape);
            _matrix = new double[input, output];
            for (int r = 0; r < input; r++)
            {
                for (int c = 0; c < output; c++)
                {
                    _matrix[r, c] = entries(r, c);
                }
            }

            _bias = LinearLayers.Bias(layer, inputShape);
        }

        public override CkksVector Apply(CkksVector x) => throw new InvalidOperationException("A batch layer evaluates batch-packed tensors.");

        public override CkksTensor Apply(CkksTensor x)
        {
            int samples = x.Shape[0];
            var values = new double[samples * _bias.Length];
            for (int s = 0; s < samples; s++)
            {
                _bias.CopyTo(values, s * _bias.Length);
            }

            return x.MatMul(_matrix).Add(Tensor.Create(values, [samples, _bias.Length]));
        }
    }
}
