using System.Numerics.Tensors;
using Thestage.Inference.Planning;
using Thestage.Privacy.Serialization;
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

    /// <summary>The step's description, as the plan prints it (for progress reports).</summary>
    public string Name { get; private set; } = string.Empty;

    /// <summary>Encodes now what the layer's evaluation at <paramref name="level"/> would encode on first use (keys not needed).</summary>
    public virtual void Prepare(int level)
    {
    }

    /// <summary>Compiles one step of the CKKS program for <paramref name="packing"/> (a linear step in row-major packing as <paramref name="layout"/> says).</summary>
    public static EncryptedLayer Compile(CkksStep step, TensorContext tensors, TensorPacking packing, LinearLayout? layout)
    {
        EncryptedLayer compiled = step switch
        {
            PolynomialStep p => new Elementwise(p),
            LinearStep linear => packing == TensorPacking.RowMajor
                ? new RowMajorLinear(linear, tensors, layout ?? throw new ArgumentException("A row-major linear step needs its layout.", nameof(layout)))
                : new BatchLinear(linear),
            _ => new Identity(),
        };
        compiled.Name = step.Description;
        return compiled;
    }

    /// <summary>Evaluates the layer on one sample packed row-major.</summary>
    public abstract CkksVector Apply(CkksVector x);

    /// <summary>Evaluates the layer on a batch-packed tensor [samples, values].</summary>
    public abstract CkksTensor Apply(CkksTensor x);

    /// <summary>
    /// Evaluates the layer, the first of a batch plan, on the client's serialized batch as its ciphertexts are read (a
    /// block at a time, not all at once); null when the layer has no such evaluation (the message is then loaded whole).
    /// </summary>
    public virtual CkksTensor? ApplyToMessage(TensorContext tensors, ReadOnlySpan<byte> message, CkksSerializer.TensorCheck check) => null;

    private sealed class Identity : EncryptedLayer
    {
        public override CkksVector Apply(CkksVector x) => x;

        public override CkksTensor Apply(CkksTensor x) => x;
    }

    private sealed class Elementwise(PolynomialStep step) : EncryptedLayer
    {
        public override CkksVector Apply(CkksVector x) => step.IsSquare ? x.Square() : x.Polynomial(step.Polynomial);

        public override CkksTensor Apply(CkksTensor x) => step.IsSquare ? x.Square() : x.Polynomial(step.Polynomial);
    }

    private sealed class RowMajorLinear : EncryptedLayer
    {
        private readonly LinearTransform _transform;
        private readonly double[] _bias;
        private readonly bool _hasBias;

        public RowMajorLinear(LinearStep step, TensorContext tensors, LinearLayout layout)
        {
            double[] bias = step.Bias();
            if (layout.OutputSlots is { } slots)
            {
                // Outputs placed in slots of a wider vector: the bias goes where they are.
                _transform = new LinearTransform(tensors, layout.InputLength, layout.Entry, slots);
                _bias = new double[_transform.OutputLength];
                for (int j = 0; j < slots.Length; j++)
                {
                    _bias[slots[j]] = bias[j];
                }
            }
            else
            {
                _transform = new LinearTransform(tensors, layout.InputLength, step.Output.Size, layout.Entry);
                _bias = bias;
            }

            _hasBias = _bias.Any(b => b != 0);
        }

        public override IReadOnlyList<int> RotationSteps => _transform.RotationSteps;

        public override void Prepare(int level) => _transform.Prepare(level);

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

        public BatchLinear(LinearStep step)
        {
            Func<int, int, double> entries = step.Matrix();
            int input = step.Input.Size, output = step.Output.Size;
            _matrix = new double[input, output];
            for (int r = 0; r < input; r++)
            {
                for (int c = 0; c < output; c++)
                {
                    _matrix[r, c] = entries(r, c);
                }
            }

            _bias = step.Bias();
        }

        public override CkksVector Apply(CkksVector x) => throw new InvalidOperationException("A batch layer evaluates batch-packed tensors.");

        public override CkksTensor Apply(CkksTensor x) => AddBias(x.MatMul(_matrix));

        // The same words as Apply(LoadTensor(message)), without the whole input in memory at once.
        public override CkksTensor ApplyToMessage(TensorContext tensors, ReadOnlySpan<byte> message, CkksSerializer.TensorCheck check)
            => AddBias(CkksSerializer.LoadTensorMatMul(tensors, message, _matrix, check));

        // Output j's bias is the same for every sample: one constant per ciphertext (an encoded scalar, not a vector of slots).
        // The product's ciphertexts are this evaluation's own, so the constants are added in place.
        private CkksTensor AddBias(CkksTensor y)
        {
            TensorContext tc = y.TensorContext;
            IReadOnlyList<Privacy.Rlwe.Ciphertext> outputs = y.Ciphertexts;
            Parallel.For(0, outputs.Count, new ParallelOptions { MaxDegreeOfParallelism = Privacy.PrivacyRuntime.MaxDegreeOfParallelism }, j =>
            {
                if (_bias[j] != 0)
                {
                    tc.Evaluator.AddPlainInplace(outputs[j], tc.Encoder.Encode(_bias[j], outputs[j].Scale, outputs[j].Level));
                }
            });
            return y;
        }
    }
}
